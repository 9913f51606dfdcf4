import { api, query } from '../api/client';

/** The shapes of the collaboration API (see the server's collab.schemas.ts and its OpenAPI). */

export type Localized = Record<string, string>;

export const NOTIFICATION_KINDS = [
  'mention',
  'assignment',
  'task.due_soon',
  'task.overdue',
  'task.escalated',
  'promise.broken',
  'incident',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface AppNotification {
  id: string;
  kind: NotificationKind;
  subject: { type: string; id: string };
  title: Localized;
  excerpt: string | null;
  link: string | null;
  actorId: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage {
  items: AppNotification[];
  nextCursor: string | null;
  unreadCount: number;
}

export interface NotificationPreferences {
  inApp: Partial<Record<NotificationKind, boolean>>;
}

export interface Attachment {
  id: string;
  subject: { type: 'record' | 'task' | 'comment'; id: string };
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  createdAt: string;
  downloadUrl: string;
  previewable: boolean;
}

export type Mention =
  | { kind: 'user'; id: string; displayName: string | null }
  | { kind: 'role'; key: string; name: Localized | null };

export type MentionInput = { kind: 'user'; id: string } | { kind: 'role'; key: string };

export interface Comment {
  id: string;
  subject: { type: 'record' | 'task'; id: string };
  caseKey: string | null;
  author: { id: string; displayName: string | null };
  body: string | null;
  mentions: Mention[];
  revision: number;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  attachments: Attachment[];
}

export interface CommentSaved {
  comment: Comment;
  mentions: { notified: string[]; cannotSee: { id: string; displayName: string }[] };
}

export interface CommentHistory {
  current: Comment;
  revisions: { revision: number; body: string; writtenAt: string; replacedAt: string; replacedBy: string }[];
}

export interface MentionCandidates {
  users: { id: string; username: string; displayName: string }[];
  roles: { key: string; name: Localized }[];
}

export interface TimelineItem {
  id: string;
  kind: 'comment' | 'record' | 'process' | 'attachment';
  at: string;
  actor: { id: string; displayName: string | null } | null;
  comment?: Comment;
  change?: { action: string; formVersion: number; version: number; changedFields: string[] };
  process?: {
    instanceId: string;
    processKey: string;
    event: string;
    elementId: string | null;
    elementType: string | null;
    name: string | null;
  };
  attachment?: Attachment;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Money {
  amount: string;
  currency: string;
}

export interface CommissionRule {
  method?: 'marginal' | 'flat';
  tiers: { from: string; percent: string }[];
  minAttainment?: string;
  cap?: string;
}

export interface CommissionResult {
  amount: string;
  note: 'below_min_attainment' | 'capped' | null;
  tiers: { from: string; to: string | null; percent: string; base: string; amount: string }[];
}

export interface MemberPerformance {
  userId: string;
  username: string | null;
  displayName: string | null;
  collected: Money & { payments: number };
  target: Money | null;
  attainment: string | null;
  promises: {
    due: number;
    kept: number;
    broken: number;
    pending: number;
    cancelled: number;
    keptRate: string | null;
  };
  contacts: { attempts: number; rightParty: number };
  rank: number | null;
  commission: CommissionResult | null;
}

export interface MyPerformance {
  period: string;
  timeZone: string;
  teamId: string | null;
  teamSize: number;
  me: MemberPerformance;
}

export interface TeamPerformance {
  period: string;
  timeZone: string;
  team: { id: string; name: Localized };
  currency: string;
  target: Money | null;
  totals: {
    collected: string;
    payments: number;
    attainment: string | null;
    promisesKept: number;
    promisesBroken: number;
    contacts: number;
    rightPartyContacts: number;
    commission: string;
  };
  commissionRule: {
    teamId: string;
    effectiveFrom: string;
    rule: CommissionRule;
    updatedBy: string;
    updatedAt: string;
  } | null;
  members: MemberPerformance[];
}

export interface Target {
  period: string;
  scope: 'user' | 'team';
  subjectId: string;
  currency: string;
  amount: string;
  updatedBy: string;
  updatedAt: string;
}

/** What comments and attachments hang on: a record (a case) or a process task. */
export interface CollabSubject {
  type: 'record' | 'task';
  id: string;
}

const subjectPath = (on: CollabSubject) =>
  `/api/${on.type === 'record' ? 'records' : 'tasks'}/${encodeURIComponent(on.id)}`;

export const WEBHOOK_PLATFORMS = ['wecom', 'dingtalk', 'feishu', 'slack', 'teams', 'generic'] as const;
export type WebhookPlatform = (typeof WEBHOOK_PLATFORMS)[number];

export interface Webhook {
  id: string;
  name: string;
  platform: WebhookPlatform;
  urlPreview: string;
  hasSecret: boolean;
  events: NotificationKind[];
  teamId: string | null;
  locale: 'zh-CN' | 'en';
  active: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookInput {
  name?: string;
  platform?: WebhookPlatform;
  url?: string;
  secret?: string | null;
  events?: NotificationKind[];
  teamId?: string | null;
  locale?: 'zh-CN' | 'en';
  active?: boolean;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventKind: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface CommissionRuleView {
  teamId: string;
  effectiveFrom: string;
  rule: CommissionRule;
  updatedBy: string;
  updatedAt: string;
}

export const collabApi = {
  unreadCount: () => api<{ count: number }>('/api/notifications/unread-count'),
  notifications: (params: { unread?: boolean; limit?: number; cursor?: string | null } = {}) =>
    api<NotificationPage>(
      `/api/notifications${query({
        unread: params.unread ? 'true' : undefined,
        limit: params.limit,
        cursor: params.cursor ?? undefined,
      })}`,
    ),
  markRead: (id: string) => api<AppNotification>(`/api/notifications/${id}/read`, { method: 'POST' }),
  markAllRead: (upTo?: string) =>
    api<{ marked: number; unreadCount: number }>('/api/notifications/read-all', {
      json: upTo ? { upTo } : {},
    }),
  preferences: () => api<NotificationPreferences>('/api/notifications/preferences'),
  setPreferences: (prefs: NotificationPreferences) =>
    api<NotificationPreferences>('/api/notifications/preferences', { method: 'PUT', json: prefs }),

  comments: (on: CollabSubject) => api<Page<Comment>>(`${subjectPath(on)}/comments${query({ limit: 100 })}`),
  addComment: (on: CollabSubject, body: string, mentions: MentionInput[]) =>
    api<CommentSaved>(`${subjectPath(on)}/comments`, { json: { body, mentions } }),
  editComment: (id: string, body: string, mentions: MentionInput[]) =>
    api<CommentSaved>(`/api/comments/${id}`, { method: 'PATCH', json: { body, mentions } }),
  deleteComment: (id: string) => api<void>(`/api/comments/${id}`, { method: 'DELETE' }),
  commentHistory: (id: string) => api<CommentHistory>(`/api/comments/${id}/history`),
  mentionCandidates: (on: CollabSubject, q: string) =>
    api<MentionCandidates>(`${subjectPath(on)}/mention-candidates${query({ q, limit: 20 })}`),

  timeline: (recordId: string, cursor?: string | null) =>
    api<Page<TimelineItem>>(
      `/api/records/${recordId}/timeline${query({ limit: 100, cursor: cursor ?? undefined })}`,
    ),

  attachments: (on: CollabSubject) => api<{ items: Attachment[] }>(`${subjectPath(on)}/attachments`),
  upload: (on: CollabSubject, file: File) =>
    api<Attachment>(`${subjectPath(on)}/attachments${query({ fileName: file.name })}`, {
      method: 'POST',
      body: file,
      headers: { 'content-type': file.type || 'application/octet-stream' },
    }),
  deleteAttachment: (id: string) => api<void>(`/api/attachments/${id}`, { method: 'DELETE' }),

  webhooks: () => api<{ items: Webhook[] }>('/api/webhooks'),
  createWebhook: (input: WebhookInput) => api<Webhook>('/api/webhooks', { json: input }),
  updateWebhook: (id: string, input: WebhookInput) =>
    api<Webhook>(`/api/webhooks/${id}`, { method: 'PATCH', json: input }),
  deleteWebhook: (id: string) => api<void>(`/api/webhooks/${id}`, { method: 'DELETE' }),
  testWebhook: (id: string) => api<WebhookDelivery>(`/api/webhooks/${id}/test`, { method: 'POST' }),
  webhookDeliveries: (id: string) =>
    api<Page<WebhookDelivery>>(`/api/webhooks/${id}/deliveries${query({ limit: 50 })}`),
  retryDelivery: (id: string, deliveryId: string) =>
    api<WebhookDelivery>(`/api/webhooks/${id}/deliveries/${deliveryId}/retry`, { method: 'POST' }),

  commissionRules: (teamId: string) =>
    api<{ teamId: string; items: CommissionRuleView[] }>(
      `/api/teams/${encodeURIComponent(teamId)}/commission-rules`,
    ),
  putCommissionRule: (teamId: string, effectiveFrom: string, rule: CommissionRule) =>
    api<CommissionRuleView>(`/api/teams/${encodeURIComponent(teamId)}/commission-rule`, {
      method: 'PUT',
      json: { effectiveFrom, rule },
    }),
  previewCommission: (rule: CommissionRule, collected: string, target: string | null) =>
    api<CommissionResult>('/api/commission/preview', { json: { rule, collected, target } }),

  myPerformance: (period: string) => api<MyPerformance>(`/api/performance/me${query({ period })}`),
  teamPerformance: (teamId: string, period: string) =>
    api<TeamPerformance>(`/api/performance/teams/${encodeURIComponent(teamId)}${query({ period })}`),
  targets: (period: string, teamId: string) =>
    api<{ period: string; items: Target[] }>(`/api/targets${query({ period, teamId })}`),
  putTargets: (
    period: string,
    targets: { scope: 'user' | 'team'; subjectId: string; amount: string; currency?: string }[],
  ) => api<{ period: string; items: Target[] }>('/api/targets', { method: 'PUT', json: { period, targets } }),
};

/** "2026-11" for a date, in the browser's zone (the server counts in its business zone). */
export function monthOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

/** Money in the UI language's conventions; decimal strings are formatted exactly, never as floats. */
export function formatAmount(locale: string, amount: string | null | undefined, currency?: string): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  try {
    const options: Intl.NumberFormatOptions = currency
      ? { style: 'currency', currency, currencyDisplay: locale === 'zh-CN' ? 'symbol' : 'code' }
      : { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    // Intl formats a numeric string as an exact decimal (no float rounding).
    return new Intl.NumberFormat(locale, options).format(amount as unknown as number);
  } catch {
    return currency ? `${currency} ${amount}` : amount;
  }
}

/** "0.8125" → "81.3%" in the UI language. */
export function formatRatio(locale: string, ratio: string | null | undefined): string {
  if (ratio === null || ratio === undefined || ratio === '') return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(Number(ratio));
}

export function formatBytes(locale: string, bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  return `${number} ${units[unit]}`;
}
