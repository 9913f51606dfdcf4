/** The shapes the API returns (see GET /api/openapi.json); only what the web app reads. */

export type LocalizedText = Partial<Record<'zh-CN' | 'en', string>> & Record<string, string | undefined>;

export interface Health {
  status: 'ok';
  backend: 'pglite' | 'postgres';
  migrationVersion: string | null;
  uptimeSeconds: number;
  version: string;
}

export interface Me {
  userId: string;
  displayName: string;
  username: string;
  locale: string;
  roles: string[];
  groups: string[];
  teamIds: string[];
  permissions: string[];
  mustChangePassword: boolean;
  csrfToken: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Task {
  id: string;
  instanceId: string;
  elementId: string;
  name: string | null;
  /** The name in other languages by locale (name@zh-CN in the BPMN); older tasks have none. */
  names?: Record<string, string>;
  processKey: string;
  businessKey: string | null;
  formKey: string;
  formVersion: number | null;
  candidateGroups: string[];
  assignee: string | null;
  dueAt: string | null;
  priority: number | null;
  status: 'open' | 'completed' | 'cancelled';
  claimedBy: string | null;
  claimedAt: string | null;
  completedBy: string | null;
  completedAt: string | null;
  data: Record<string, unknown> | null;
  createdAt: string;
}

export interface Instance {
  id: string;
  deploymentId: string;
  processKey: string;
  businessKey: string | null;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  activeElementIds: string[];
  version: number;
  startedBy: string | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
}

export interface HistoryEntry {
  id: number;
  step: number;
  at: string;
  event: string;
  elementId: string | null;
  elementType: string | null;
  name: string | null;
  actor?: string | null;
  data?: unknown;
}

export interface InstanceView {
  instance: Instance;
  activeElementIds: string[];
  variables: Record<string, unknown>;
  tasks: Task[];
  history: HistoryEntry[];
}

export interface ComputedField {
  pointer: string;
  expression: string;
  type: 'number' | 'money' | 'string' | 'boolean';
  scale?: number;
}

export interface FormMetadata {
  sensitive: string[];
  indexed: string[];
  computed: ComputedField[];
}

export interface FormSummary {
  key: string;
  title: LocalizedText;
  latestVersion: number | null;
  draftRevision: number;
  updatedAt?: string;
}

export interface FormVersion {
  key: string;
  version: number;
  title: LocalizedText;
  schema: Record<string, unknown>;
  uiSchema: Record<string, unknown>;
  metadata: FormMetadata;
  publishedAt: string;
}

export interface RecordView {
  id: string;
  formKey: string;
  formVersion: number;
  version: number;
  data: Record<string, unknown>;
  computed: Record<string, unknown>;
  ownerTeamId: string | null;
  assigneeId: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  masked: string[];
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  locale: string;
  teamId: string | null;
  active: boolean;
  mustChangePassword: boolean;
  roles: string[];
  createdAt: string;
  lastLoginAt: string | null;
}

export interface Role {
  key: string;
  name: LocalizedText;
  permissions: string[];
  formGrants?: Record<string, string[]>;
  processGrants?: Record<string, string[]>;
  builtin?: boolean;
}

/** GET /api/users/directory: what anyone logged in may know of a colleague. */
export interface UserDirectoryEntry {
  id: string;
  displayName: string;
}

export interface Team {
  id: string;
  name: LocalizedText;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  detail: unknown;
  sourceIp: string | null;
}

/** Every permission the server knows (packages/server/src/auth/actor.ts). */
export const PERMISSIONS = [
  'forms.design',
  'records.view',
  'records.create',
  'records.edit',
  'records.view_all_teams',
  'sensitive.view',
  'process.deploy',
  'process.start',
  'process.admin',
  'tasks.work',
  'dashboards.view',
  'dashboards.edit',
  'users.admin',
  'audit.view',
] as const;
export type Permission = (typeof PERMISSIONS)[number];
