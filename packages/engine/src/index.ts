// Deploy: parse, lint and pre-serialize BPMN uploads.

export type { LintContext } from './deploy/bpmn.lint.js';
export { SUPPORTED_FLOW_NODES } from './deploy/bpmn.lint.js';
export type { DeploymentDefinition } from './deploy/deployment.definition.js';
export { DEPLOYMENT_FORMAT } from './deploy/deployment.definition.js';
export type {
  ErrorEventMetadata,
  FormRef,
  MessageEventKind,
  MessageMetadata,
  ProcessMetadata,
  ServiceTaskMetadata,
  TimerEventKind,
  TimerMetadata,
  UserTaskMetadata,
} from './deploy/deployment.metadata.js';
export { parseFormKey } from './deploy/deployment.metadata.js';
export type { ParseAndLintOptions, ParseAndLintResult } from './deploy/deployment.parser.js';
export { parseAndLint } from './deploy/deployment.parser.js';
export { isSyntheticId, SYNTHETIC_ID_PREFIX } from './deploy/event-subprocess.rewrite.js';
export type { LintProblem, LintSeverity } from './deploy/lint-problem.js';
export { MAX_BPMN_BYTES } from './deploy/xml-source.decoder.js';
export type { EngineErrorCode } from './errors/engine.error.js';
// Errors and ports.
export { EngineError, isEngineError } from './errors/engine.error.js';
export type { CompiledTemplate, ExpressionScope } from './expressions/expression.language.js';
// Expressions and timers, for hosts that validate or preview them.
export {
  compileTemplate,
  EXPRESSION_FUNCTIONS,
  ExpressionSyntaxError,
  evaluateCondition,
} from './expressions/expression.language.js';
export type { Clock } from './ports/clock.port.js';
export { systemClock } from './ports/clock.port.js';
export type { FormRegistry, GroupDirectory } from './ports/form-registry.port.js';
export type { DeploymentStore, InstanceRecord, InstanceStore } from './ports/instance-store.port.js';
export type {
  ServiceFailure,
  ServiceHandler,
  ServiceHandlerRegistry,
  ServiceInvocation,
} from './ports/service-handler.port.js';
export type { InstanceSnapshot } from './runtime/snapshot.codec.js';
export { SNAPSHOT_FORMAT } from './runtime/snapshot.codec.js';
// Runtime: one event, one step.
export { runStep } from './runtime/step.runner.js';
export type {
  HistoryEntry,
  HistoryEvent,
  InstanceStatus,
  MessageSubscription,
  OutboxMessage,
  ServiceCall,
  StepContext,
  StepEvent,
  StepFailure,
  StepResult,
  TimerJob,
  TimerJobRef,
  Variables,
  WaitingTask,
} from './runtime/step.types.js';
export type { IsoDuration, ParsedTimer, TimerType } from './timers/timer.expressions.js';
export {
  addDuration,
  dueAt,
  parseIsoDuration,
  parseTimer,
  TimerExpressionError,
} from './timers/timer.expressions.js';
