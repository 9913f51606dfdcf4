import { DomainError, type DomainErrorKind } from '@collectflow/schema';

/** Stable codes of the store's expected failures; the CLI and the server match on them. */
export type StoreErrorCode =
  | 'store.bad_database_url'
  | 'store.unreachable'
  | 'store.data_dir_unwritable'
  | 'store.data_dir_locked'
  | 'store.nested_transaction'
  | 'store.closed'
  | 'store.migration_failed'
  | 'store.integer_overflow';

export class StoreError extends DomainError {
  declare readonly code: StoreErrorCode;
  constructor(
    code: StoreErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown; kind?: DomainErrorKind } = {},
  ) {
    super(code, options.kind ?? 'unavailable', message, options);
    this.name = 'StoreError';
  }
}
