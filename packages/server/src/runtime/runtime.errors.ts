import { DomainError, type DomainErrorKind, type ProblemDetailItem } from '@collectflow/schema';

/** Stable codes of the runtime's expected failures; HTTP status follows from the kind. */
export type RuntimeErrorCode =
  | 'deployment.not_found'
  | 'deployment.invalid'
  | 'deployment.too_large'
  | 'instance.not_found'
  | 'instance.not_running'
  | 'task.not_found'
  | 'task.not_open'
  | 'task.not_candidate'
  | 'task.claimed_by_other'
  | 'task.not_claimed_by_you'
  | 'task.invalid_data'
  | 'message.no_match'
  | 'message.ambiguous'
  | 'message.invalid'
  | 'incident.not_found'
  | 'incident.not_open'
  | 'incident.not_retryable'
  | 'incident.not_resolvable'
  | 'migration.invalid'
  | 'runtime.bad_request';

export class RuntimeError extends DomainError {
  declare readonly code: RuntimeErrorCode;

  constructor(
    code: RuntimeErrorCode,
    kind: DomainErrorKind,
    message: string,
    options: { hint?: string; cause?: unknown; errors?: ProblemDetailItem[] } = {},
  ) {
    super(code, kind, message, options);
    this.name = 'RuntimeError';
  }
}
