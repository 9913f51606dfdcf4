import type { Clock } from '../ports/clock.port.js';
import type { TimerType } from '../timers/timer.expressions.js';
import type { InstanceSnapshot } from './snapshot.codec.js';

export type Variables = Record<string, unknown>;

/** Everything that can happen to an instance. Each event is applied by exactly one step. */
export type StepEvent =
  | { type: 'start'; variables?: Variables; businessKey?: string }
  | {
      type: 'completeTask';
      /** The task id from {@link WaitingTask.taskId}; or name the element when only one can wait there. */
      taskId?: string;
      elementId?: string;
      /** Submitted form data: merged into the process variables before the flow moves on. */
      data?: Variables;
    }
  | { type: 'timerDue'; timerId?: string; elementId?: string; jobId?: string }
  | { type: 'message'; name: string; payload?: Variables }
  | { type: 'serviceCompleted'; callId?: string; elementId?: string; output?: Variables }
  | {
      type: 'serviceFailed';
      callId?: string;
      elementId?: string;
      /** `code` is matched against error boundary events' errorCode; uncaught, the instance fails. */
      error: { code?: string; message: string };
    };

export interface StepContext {
  /** The instance's id: part of idempotency keys for service calls. */
  instanceId: string;
  clock: Clock;
}

export type InstanceStatus = 'running' | 'completed' | 'failed';

export interface WaitingTask {
  /** Unique per task occurrence (a loop back to the same element makes a new task). */
  taskId: string;
  elementId: string;
  name: string | null;
  /** The name in other languages by locale (`name@zh-CN` properties). */
  names: Record<string, string>;
  formKey: string;
  /** Null means "the form's latest version". */
  formVersion: number | null;
  candidateGroups: string[];
  assignee: string | null;
  /** ISO UTC instant. */
  dueAt: string | null;
  priority: number | null;
}

export interface TimerJob {
  /** Stable across steps; the host keys its job row on it (create is an upsert). */
  timerId: string;
  elementId: string;
  /** ISO UTC instant, from the injected clock. */
  dueAt: string;
  timerType: TimerType | null;
  expression: string | null;
  /** For cycles: firings left including this one, -1 for unbounded. */
  repeat: number | null;
}

export interface TimerJobRef {
  timerId: string;
  elementId: string;
}

export interface MessageSubscription {
  name: string;
  elementId: string;
  kind: string;
}

/**
 * A service task waiting for its handler. The host invokes the handler after committing the
 * step (with `idempotencyKey`, retrying technical failures under the same key), then reports
 * `serviceCompleted` or `serviceFailed`.
 */
export interface ServiceCall {
  callId: string;
  elementId: string;
  handler: string;
  input: Variables;
  attempt: number;
  idempotencyKey: string;
}

export interface OutboxMessage {
  kind: 'message';
  name: string;
  elementId: string;
  payload: Variables;
  at: string;
}

export type HistoryEvent =
  | 'process.start'
  | 'process.end'
  | 'process.error'
  | 'activity.start'
  | 'activity.end'
  | 'activity.timeout'
  | 'activity.error';

export interface HistoryEntry {
  at: string;
  event: HistoryEvent;
  elementId: string;
  elementType: string;
  name: string | null;
  executionId: string | null;
}

export interface StepFailure {
  elementId: string | null;
  code: string | null;
  message: string;
}

export interface StepResult {
  snapshot: InstanceSnapshot;
  status: InstanceStatus;
  failure: StepFailure | null;
  /** Every task waiting after the step. */
  waitingTasks: WaitingTask[];
  createdTaskIds: string[];
  /** Tasks that waited before the step and do not any more (completed or cancelled). */
  closedTaskIds: string[];
  timers: { create: TimerJob[]; cancel: TimerJobRef[] };
  /** Every message the instance waits for after the step (replace, don't merge). */
  messageSubscriptions: MessageSubscription[];
  /** Service calls that became due in this step. */
  serviceCalls: ServiceCall[];
  /** Calls that were waiting and were cancelled (e.g. by an interrupting boundary timer). */
  cancelledServiceCalls: string[];
  outbox: OutboxMessage[];
  history: HistoryEntry[];
  activeElementIds: string[];
  variables: Variables;
}
