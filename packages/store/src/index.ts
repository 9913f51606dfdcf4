export { openStore } from './store.js';
export type { MigrationStatus, OpenStoreOptions, Store, StoreTx } from './store.js';
export { MEMORY, parseDatabaseUrl, redactDatabaseUrl, storeConfigFromEnv } from './config.js';
export type { StoreConfig } from './config.js';
export { StoreError } from './errors/store.error.js';
export type { StoreErrorCode } from './errors/store.error.js';
export type { AuditEntry, AuditEntryInput } from './repos/audit.repo.js';
