import type { LocalizedText, StoreTx } from '@collectflow/store';
import { v7 as uuidv7 } from 'uuid';
import type { WebhookRetryPolicy } from './webhooks/webhook.dispatcher.js';
import { formatMessage } from './webhooks/webhook.formats.js';

/** What can notify someone. Preferences and webhook subscriptions name these. */
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

export const isNotificationKind = (value: unknown): value is NotificationKind =>
  typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);

/** Something happened that people should hear about: in the app, and in the team's chat. */
export interface CollabEvent {
  kind: NotificationKind;
  /** The event's identity: seen twice (a sweep running again, two nodes), it notifies once. */
  key: string;
  recipients: readonly string[];
  /** Who caused it; never notified of their own doing. */
  actorId: string | null;
  subject: { type: string; id: string };
  title: LocalizedText;
  excerpt?: string | null;
  /** The web app's path. */
  link?: string | null;
  /** For webhooks bound to a team. */
  teamId?: string | null;
  data?: Record<string, unknown>;
  at: Date;
}

export interface EmitResult {
  notified: string[];
  webhooks: number;
}

export interface NotifierOptions {
  /** The web app's address (e.g. https://collect.example.com), to make links absolute in chat messages. */
  publicUrl?: string;
  retry: Pick<WebhookRetryPolicy, 'maxAttempts'>;
}

const EXCERPT = 280;

/**
 * Writes an event's notifications (minus people who turned the kind off) and enqueues its
 * webhook deliveries, in the caller's transaction: the event and its messages commit together.
 */
export class Notifier {
  constructor(private readonly options: NotifierOptions) {}

  async emit(tx: StoreTx, event: CollabEvent): Promise<EmitResult> {
    const wanted = [...new Set(event.recipients)].filter((id) => id !== event.actorId);
    const optedOut = await tx.notifications.optedOut(wanted, event.kind);
    const excerpt = event.excerpt ? clip(event.excerpt) : null;
    const inserted = await tx.notifications.insert(
      wanted
        .filter((id) => !optedOut.has(id))
        .map((userId) => ({
          id: uuidv7(),
          userId,
          kind: event.kind,
          subjectType: event.subject.type,
          subjectId: event.subject.id,
          title: event.title,
          excerpt,
          link: event.link ?? null,
          data: event.data ?? {},
          actorId: event.actorId,
          dedupeKey: event.key,
          createdAt: event.at,
        })),
    );
    const hooks = await tx.webhooks.subscribedTo(event.kind, event.teamId ?? null);
    const link = event.link ? this.absolute(event.link) : null;
    const webhooks = await tx.webhooks.enqueue(
      hooks.map((hook) => {
        const id = uuidv7();
        const locale = hook.locale === 'en' ? 'en' : 'zh-CN';
        return {
          id,
          webhookId: hook.id,
          eventKind: event.kind,
          idempotencyKey: `${hook.id}:${event.key}`,
          payload: formatMessage(hook.platform, {
            id,
            kind: event.kind,
            title: event.title[locale] ?? event.title.en ?? Object.values(event.title)[0] ?? event.kind,
            text: excerpt,
            link,
            at: event.at,
            subject: event.subject,
            data: event.data ?? {},
            locale,
          }),
          maxAttempts: this.options.retry.maxAttempts,
          createdAt: event.at,
        };
      }),
    );
    return { notified: inserted.map((n) => n.userId), webhooks };
  }

  private absolute(link: string): string {
    const base = this.options.publicUrl?.replace(/\/+$/, '');
    return base && link.startsWith('/') ? `${base}${link}` : link;
  }
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
}
