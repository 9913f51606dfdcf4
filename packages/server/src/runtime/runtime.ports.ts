import type { ServiceInvocation, Variables } from '@collectflow/engine';
import type { Locale, ProblemDetailItem } from '@collectflow/schema';
import type { OutboxRecord, TaskRecord } from '@collectflow/store';

/** The outcome of validating a task's submitted data against its form. */
export interface TaskFormValidation {
  valid: boolean;
  errors: ProblemDetailItem[];
  /** The form version the data was validated against (the latest when the task pins none). */
  version: number | null;
  /** What to store and hand to the flow, e.g. with computed fields; the submitted data when absent. */
  data?: Record<string, unknown>;
}

/**
 * What task completion needs from the form registry. The runtime calls it before its own
 * transaction opens (the registry has transactions of its own, and the store refuses nesting).
 * Unknown forms are DomainErrors (not_found), not invalid data.
 */
export interface TaskFormValidator {
  validate(
    formKey: string,
    version: number | null,
    data: Record<string, unknown>,
    locale: Locale,
  ): Promise<TaskFormValidation>;
}

/** Deploy-time lookup: does the form a user task names exist (at that version, when pinned)? */
export interface FormCatalog {
  formExists(key: string, version?: number): boolean | Promise<boolean>;
}

/** Deploy-time lookup of the groups tasks may be offered to (roles and teams). */
export interface GroupCatalog {
  knownGroups(): Iterable<string> | Promise<Iterable<string>>;
}

/** Delivers an outbox message to the outside world; throwing means "try again later". */
export type OutboxSink = (message: OutboxRecord) => Promise<void>;

/** Who acts, as far as the runtime cares; routes map the HTTP actor to this. */
export interface RuntimeActor {
  userId: string;
  groups: readonly string[];
  /** May act on any task and instance (process.admin). */
  admin: boolean;
}

/** What a service handler receives: the engine's invocation plus where it runs and how it is configured. */
export interface ServiceTaskInvocation extends ServiceInvocation {
  handler: string;
  processKey: string;
  businessKey: string | null;
  /** The service task's camunda:properties (url, method, retries, ...). */
  config: Readonly<Record<string, string>>;
  /** Aborted when the call times out or the node shuts down. */
  signal: AbortSignal;
}

/**
 * A service handler. Resolve with output variables; throw {@link BpmnError} for a business
 * failure an error boundary event can catch; any other throw is technical and is retried with
 * backoff under the same idempotency key.
 */
export type ServiceTaskHandler = (
  invocation: ServiceTaskInvocation,
) => Promise<Variables | undefined | undefined>;

/** A business failure reported by a service handler; `code` is matched against errorCode. */
export class BpmnError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BpmnError';
  }
}

/** Also accepts errors from plugins that carry their own copy of the class. */
export function isBpmnError(error: unknown): error is BpmnError {
  return (
    error instanceof BpmnError ||
    (error instanceof Error && error.name === 'BpmnError' && typeof (error as BpmnError).code === 'string')
  );
}

/**
 * Checks, once a step knows which process it touches, that the caller may act on it; throws the
 * 403 problem otherwise. Called inside the transaction before anything is written.
 */
export type ProcessAuthorizer = (processKey: string) => void;

export interface TaskGuardInput {
  action: 'claim' | 'complete';
  task: TaskRecord;
  actor: RuntimeActor;
  /** The validated form data (complete only). */
  data?: Record<string, unknown>;
}

/**
 * A domain rule on working a user task (the collection pack's compliance guards on contact
 * tasks). Refuses by throwing a DomainError, whose problem the caller gets; it runs before the
 * task's transaction, so nothing is written when it refuses. It may read through the store.
 */
export type TaskGuard = (input: TaskGuardInput) => Promise<void>;
