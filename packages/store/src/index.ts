export type { StoreConfig } from './config.js';
export { MEMORY, parseDatabaseUrl, redactDatabaseUrl, storeConfigFromEnv } from './config.js';
export type { StoreErrorCode } from './errors/store.error.js';
export { StoreError } from './errors/store.error.js';
export {
  type CompiledAggregate,
  compileAggregate,
  compileDrill,
} from './queries/analytics.compiler.js';
export {
  type AggregateQuery,
  type AggregateResult,
  type AnalyticsCondition,
  type AnalyticsDatasetKind,
  type AnalyticsDimension,
  type AnalyticsField,
  type AnalyticsFieldKind,
  type AnalyticsLookup,
  type AnalyticsMeasure,
  type AnalyticsPart,
  type AnalyticsSource,
  DATASET_COLUMNS,
  type DateBucket,
  type DrillQuery,
  type FieldOwner,
  MAX_LIMIT as ANALYTICS_MAX_LIMIT,
  type MeasureRef,
  type OutputType,
  type ProcessVisibility,
  type ProjectionRef,
  RATIO_SCALE,
  type RecordVisibility,
  type Scalar,
  type SortTarget,
} from './queries/analytics.model.js';
export type { AnalyticsQueries } from './queries/analytics.queries.js';
export type { RecordIndexReport, RecordIndexSpec } from './queries/record-indexes.js';
export type {
  ProjectionFieldSpec,
  ProjectionReport,
  ProjectionSpec,
} from './queries/record-projections.js';
export { fieldKey as projectionFieldKey } from './queries/record-projections.js';
export type { ApiTokenRecord, ApiTokensRepo } from './repos/api-tokens.repo.js';
export type {
  AttachmentRecord,
  AttachmentStorageKind,
  AttachmentSubjectType,
  AttachmentsRepo,
  NewAttachment,
} from './repos/attachments.repo.js';
export type { AuditContext, AuditEntry, AuditEntryInput, AuditQuery } from './repos/audit.repo.js';
export { runWithAuditContext } from './repos/audit.repo.js';
export type {
  AssignedTask,
  CollaborationRepo,
  CollabUser,
  DueTask,
  OpenIncident,
  RecordChangeSeen,
  TimelineAuditEntry,
  TimelineCursor,
  TimelineHistoryEntry,
} from './repos/collaboration.repo.js';
export type {
  CommentMention,
  CommentQuery,
  CommentRecord,
  CommentRevisionRecord,
  CommentSubjectType,
  CommentsRepo,
  NewComment,
} from './repos/comments.repo.js';
export type {
  DashboardSummary,
  DashboardsRepo,
  DashboardVersionRecord,
  DashboardVersionSummary,
  NewDashboardVersion,
  SaveOutcome,
} from './repos/dashboards.repo.js';
export type { DeploymentRecord, NewDeployment } from './repos/deployments.repo.js';
export type {
  FormContent,
  FormRecord,
  FormsRepo,
  FormVersionRecord,
  FormVersionSummary,
} from './repos/forms.repo.js';
export type { HistoryInput, HistoryRecord } from './repos/history.repo.js';
export type { IncidentInput, IncidentRecord, IncidentStatusValue } from './repos/incidents.repo.js';
export type {
  InstanceRecord,
  InstanceStatusValue,
  InstanceStepUpdate,
  InstanceSummary,
  NewInstance,
} from './repos/instances.repo.js';
export type { JobKind, JobRecord, JobStatusValue, NewJob } from './repos/jobs.repo.js';
export type { LoginFailuresRepo } from './repos/login-failures.repo.js';
export type { BufferedMessageRecord, MessageSubscriptionRecord } from './repos/messages.repo.js';
export type {
  NotificationInput,
  NotificationQuery,
  NotificationRecord,
  NotificationsRepo,
} from './repos/notifications.repo.js';
export type { OutboxInput, OutboxRecord } from './repos/outbox.repo.js';
export type {
  NewRecord,
  RecordChange,
  RecordCursor,
  RecordFieldFilter,
  RecordFieldKind,
  RecordFilterOp,
  RecordPage,
  RecordQuery,
  RecordRecord,
  RecordSortKey,
  RecordsRepo,
} from './repos/records.repo.js';
export type { LocalizedText, RoleRecord, RolesRepo } from './repos/roles.repo.js';
export type { RuntimeRepos } from './repos/runtime.repos.js';
export type { SessionRecord, SessionsRepo } from './repos/sessions.repo.js';
export type {
  CollectedRow,
  CommissionRuleRecord,
  ContactRow,
  PeriodRange,
  PromiseRow,
  TargetInput,
  TargetRecord,
  TargetScope,
  TargetsRepo,
} from './repos/targets.repo.js';
export type { InboxQuery, NewTask, TaskRecord, TaskStatusValue } from './repos/tasks.repo.js';
export type { TeamRecord, TeamsRepo } from './repos/teams.repo.js';
export type { NewUser, UserPatch, UserRecord, UsersRepo } from './repos/users.repo.js';
export type {
  NewWebhook,
  WebhookDeliveryInput,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookPatch,
  WebhookPlatform,
  WebhookRecord,
  WebhooksRepo,
} from './repos/webhooks.repo.js';
export type { MigrationStatus, OpenStoreOptions, Store, StoreTx } from './store.js';
export { openStore } from './store.js';
