export type { AppOptions, CollectflowApp } from './app.js';
export { createApp } from './app.js';
export { ensureBuiltinRoles } from './auth/access.seed.js';
export type { Actor, Authenticate, FormAction, Permission } from './auth/actor.js';
export {
  actorOf,
  can,
  canOnForm,
  PERMISSIONS,
  requireFormPermission,
  requirePermission,
} from './auth/actor.js';
export type { AuthServiceOptions, LoginResult } from './auth/auth.service.js';
export { AuthService, actorFor, CSRF_HEADER, ensureAdmin, SESSION_COOKIE } from './auth/auth.service.js';
export { BUILTIN_ROLE_KEYS, BUILTIN_ROLE_PERMISSIONS } from './auth/builtin-roles.js';
export { hashPassword, verifyPassword } from './auth/password.hasher.js';
export type { AttachmentStorage } from './collaboration/attachments/attachment.storage.js';
export { databaseStorage, directoryStorage } from './collaboration/attachments/attachment.storage.js';
export type { AttachmentOptions } from './collaboration/attachments/attachments.service.js';
export type { ScanResult, VirusScanner } from './collaboration/attachments/virus.scanner.js';
export {
  eicarTestScanner,
  eicarTestString,
  noopVirusScanner,
} from './collaboration/attachments/virus.scanner.js';
export type { CollaborationEnv } from './collaboration/collaboration.env.js';
export { collaborationEnv } from './collaboration/collaboration.env.js';
export type { Collaboration, CollaborationOptions } from './collaboration/collaboration.js';
export { createCollaboration } from './collaboration/collaboration.js';
export type { TickResult, WorkerTimers } from './collaboration/collaboration.worker.js';
export type { CollabEvent, NotificationKind } from './collaboration/notifier.js';
export { NOTIFICATION_KINDS } from './collaboration/notifier.js';
export type { CommissionResult, CommissionRule } from './collaboration/performance/commission.rule.js';
export { computeCommission, parseCommissionRule } from './collaboration/performance/commission.rule.js';
export type { WebhookRetryPolicy } from './collaboration/webhooks/webhook.dispatcher.js';
export { backoffDelay, DEFAULT_WEBHOOK_RETRY } from './collaboration/webhooks/webhook.dispatcher.js';
export {
  collectflowSignature,
  DELIVERY_HEADER,
  dingtalkSignature,
  EVENT_HEADER,
  feishuSignature,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from './collaboration/webhooks/webhook.signing.js';
export * from './collection/index.js';
export {
  checkDashboardDefinition,
  parseAdHocQuery,
  parseDashboardDefinition,
} from './dashboards/dashboard-definition.check.js';
export {
  adHocQueryJsonSchema,
  DASHBOARD_KEY_PATTERN,
  dashboardDefinitionJsonSchema,
} from './dashboards/dashboard-definition.schema.js';
export type {
  DashboardDefinition,
  DashboardFilterSpec,
  DatasetSpec,
  DimensionSpec,
  FilterSpec,
  LookupSpec,
  MeasureSpec,
  PartSpec,
  QuerySpec,
  WidgetSpec,
  WidgetType,
} from './dashboards/dashboard-definition.types.js';
export type {
  AppliedFilters,
  DashboardDataView,
  DashboardListItem,
  DashboardsServiceOptions,
  DashboardVersionView,
  DashboardView,
  DrillView,
  KpiView,
  WidgetDataView,
} from './dashboards/dashboards.service.js';
export { DashboardsService } from './dashboards/dashboards.service.js';
export type { ColumnMeta } from './dashboards/query.resolver.js';
export type { RunningServer } from './http/http-server.js';
export { listen } from './http/http-server.js';
export type { Problem } from './http/problem.js';
export { HttpProblem, PROBLEM_CONTENT_TYPE, problem, toProblem } from './http/problem.js';
export type { Logger } from './logger.js';
export { createLogger } from './logger.js';
export { OpenApiDocument } from './openapi/openapi.document.js';
export type { RecordListParams } from './registry/record-query.parser.js';
export type {
  DataValidation,
  PublishResult,
  RegistryOptions,
  VersionSelector,
} from './registry/registry.service.js';
export { FormRegistryService } from './registry/registry.service.js';
export type {
  FormDraftView,
  FormSummaryView,
  FormVersionSummaryView,
  FormVersionView,
  RecordView,
} from './registry/registry.views.js';
export { maskSensitive, maskValue } from './registry/sensitive.masking.js';
export { createHttpHandler } from './runtime/http.service-handler.js';
export type { ProcessRuntime, ProcessRuntimeOptions } from './runtime/process.runtime.js';
export { createProcessRuntime, DEFAULT_GROUPS } from './runtime/process.runtime.js';
export type { RetryPolicy } from './runtime/retry.policy.js';
export { DEFAULT_RETRY_POLICY } from './runtime/retry.policy.js';
export type { RuntimeEnv } from './runtime/runtime.env.js';
export { runtimeEnv } from './runtime/runtime.env.js';
export type {
  FormCatalog,
  GroupCatalog,
  OutboxSink,
  RuntimeActor,
  ServiceTaskHandler,
  ServiceTaskInvocation,
  TaskFormValidation,
  TaskFormValidator,
  TaskGuard,
  TaskGuardInput,
} from './runtime/runtime.ports.js';
export { BpmnError, isBpmnError } from './runtime/runtime.ports.js';
export type { DrainResult, SchedulerOptions } from './runtime/scheduler.js';
export { Scheduler } from './runtime/scheduler.js';
export { ServiceHandlerRegistry } from './runtime/service-handler.registry.js';
