/**
 * The base of every expected, user-facing error in collectflow.
 *
 * `code` is stable (clients and tests match on it); `kind` tells the HTTP layer which status
 * family to use, so packages below the server never need to know about HTTP.
 */
export type DomainErrorKind =
  | 'invalid' // the caller sent something wrong (400/422)
  | 'not_found'
  | 'conflict' // the world changed under the caller (409)
  | 'forbidden'
  | 'unauthenticated'
  | 'too_large'
  | 'rate_limited' // too many attempts (429)
  | 'unavailable' // a dependency (database, disk) is down or misconfigured (503)
  | 'internal';

export interface ProblemDetailItem {
  pointer: string;
  keyword?: string;
  code?: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: string;
  readonly kind: DomainErrorKind;
  /** One line that tells the user what to do about it. */
  readonly hint: string | undefined;
  readonly errors: ProblemDetailItem[] | undefined;

  constructor(
    code: string,
    kind: DomainErrorKind,
    message: string,
    options: { hint?: string; cause?: unknown; errors?: ProblemDetailItem[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.kind = kind;
    this.hint = options.hint;
    this.errors = options.errors;
  }

  /** The message plus the hint: what the CLI prints on one line. */
  oneLine(): string {
    return this.hint ? `${this.message}; ${this.hint}` : this.message;
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
