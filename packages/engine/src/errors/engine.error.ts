import { DomainError, type DomainErrorKind } from '@collectflow/schema';

/** Stable codes the engine throws; hosts and tests match on these, never on messages. */
export type EngineErrorCode =
  | 'engine.task_not_waiting'
  | 'engine.timer_not_waiting'
  | 'engine.message_not_expected'
  | 'engine.service_call_not_waiting'
  | 'engine.instance_not_running'
  | 'engine.instance_not_started'
  | 'engine.instance_already_started'
  | 'engine.snapshot_invalid'
  | 'engine.deployment_invalid'
  | 'engine.expression_invalid'
  | 'engine.expression_failed'
  | 'engine.internal';

/**
 * The base of the engine's expected errors. Lint findings are not errors (they are returned as
 * data); these are thrown when a caller asks the runtime to do something the instance can't do.
 */
export class EngineError extends DomainError {
  declare readonly code: EngineErrorCode;

  constructor(
    code: EngineErrorCode,
    kind: DomainErrorKind,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(code, kind, message, options);
    this.name = 'EngineError';
  }
}

export function isEngineError(value: unknown): value is EngineError {
  return value instanceof EngineError;
}
