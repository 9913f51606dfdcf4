import type { Variables } from '../runtime/step.types.js';

/** Deploy-time check that a service task's `camunda:topic` names a handler the host has. */
export interface ServiceHandlerRegistry {
  handlerExists(name: string): boolean | Promise<boolean>;
}

export interface ServiceInvocation {
  instanceId: string;
  elementId: string;
  attempt: number;
  /** Same key for every retry of the same call: handlers use it to do the work once. */
  idempotencyKey: string;
  input: Variables;
}

/**
 * What the host registers per handler name. Steps never call handlers: the host runs them
 * after committing the step and feeds the outcome back as `serviceCompleted` (the returned
 * variables) or `serviceFailed` (a thrown {@link ServiceFailure} becomes a BPMN error whose
 * code error boundary events can catch). Other exceptions are technical: retry the same call.
 */
export type ServiceHandler = (invocation: ServiceInvocation) => Promise<Variables | undefined>;

/** A business failure a handler reports; `code` is matched against errorRef/@errorCode. */
export interface ServiceFailure {
  code: string;
  message: string;
}
