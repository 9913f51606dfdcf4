import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import { type OpenedBackend, openPglite } from './backends/pglite.backend.js';
import { openPostgres } from './backends/postgres.backend.js';
import type { StoreConfig } from './config.js';
import { StoreError } from './errors/store.error.js';
import { migrationSource, migrations } from './migrations/index.js';
import { AuditRepo } from './repos/audit.repo.js';
import { MetaRepo } from './repos/meta.repo.js';

/** What a unit of work can touch. Every query runs inside one of these; there is no other way in. */
export interface StoreTx {
  readonly meta: MetaRepo;
  readonly audit: AuditRepo;
}

export interface MigrationStatus {
  /** Name of the newest applied migration, or null on an empty database. */
  version: string | null;
  applied: string[];
  pending: string[];
}

export interface Store {
  readonly backend: 'pglite' | 'postgres';
  /** Human-readable location, never with a password. */
  readonly description: string;
  /**
   * Runs `work` in one transaction and commits when it resolves. Nesting is refused: on PGlite's
   * single connection an inner transaction would wait forever for the outer one.
   */
  transaction<T>(work: (tx: StoreTx) => Promise<T>, options?: { readOnly?: boolean }): Promise<T>;
  migrate(): Promise<MigrationStatus>;
  migrationStatus(): Promise<MigrationStatus>;
  rollbackAll(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Called if another process takes over the PGlite data directory lock; the default throws. */
  onLockCompromised?: (error: Error) => void;
}

const MIGRATIONS_TABLE = 'knex_migrations';

export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const onLockCompromised =
    options.onLockCompromised ??
    ((error: Error) => {
      throw error;
    });
  const opened =
    config.backend === 'pglite'
      ? await openPglite(config.dataDir, onLockCompromised)
      : await openPostgres(config.databaseUrl, config.schema);
  return new KnexStore(config, opened);
}

class KnexStore implements Store {
  readonly backend: 'pglite' | 'postgres';
  readonly description: string;
  private readonly knex: Knex;
  private readonly inTransaction = new AsyncLocalStorage<true>();
  private closed = false;
  private readonly migrateConfig: Knex.MigratorConfig;

  constructor(
    config: StoreConfig,
    private readonly opened: OpenedBackend,
  ) {
    this.backend = config.backend;
    this.description = opened.description;
    this.knex = opened.knex;
    const schemaName = config.backend === 'postgres' ? config.schema : undefined;
    this.migrateConfig = {
      migrationSource,
      tableName: MIGRATIONS_TABLE,
      ...(schemaName ? { schemaName } : {}),
    };
  }

  async transaction<T>(work: (tx: StoreTx) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
    this.assertUsable();
    return this.knex.transaction(
      (trx) => this.inTransaction.run(true, () => work({ meta: new MetaRepo(trx), audit: new AuditRepo(trx) })),
      options.readOnly ? { readOnly: true } : undefined,
    );
  }

  async migrate(): Promise<MigrationStatus> {
    this.assertUsable();
    try {
      await this.knex.migrate.latest(this.migrateConfig);
    } catch (cause) {
      throw new StoreError('store.migration_failed', `database migration failed: ${(cause as Error).message}`, {
        kind: 'internal',
        hint: 'nothing was half-applied (each migration runs in a transaction); fix the cause and start again',
        cause,
      });
    }
    return this.migrationStatus();
  }

  async migrationStatus(): Promise<MigrationStatus> {
    this.assertUsable();
    // knex types `list` loosely; pending is derived from our own ordered list instead.
    const [completed] = (await this.knex.migrate.list(this.migrateConfig)) as [{ name: string }[], unknown[]];
    const applied = completed.map((m) => m.name);
    const appliedSet = new Set(applied);
    return {
      version: applied.at(-1) ?? null,
      applied,
      pending: migrations.map((m) => m.name).filter((n) => !appliedSet.has(n)),
    };
  }

  async rollbackAll(): Promise<void> {
    this.assertUsable();
    await this.knex.migrate.rollback(this.migrateConfig, true);
  }

  async ping(): Promise<void> {
    this.assertUsable();
    await this.knex.raw('select 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.knex.destroy();
    await this.opened.release();
  }

  private assertUsable(): void {
    if (this.closed) throw new StoreError('store.closed', 'the store is closed', { kind: 'internal' });
    if (this.inTransaction.getStore()) {
      throw new StoreError(
        'store.nested_transaction',
        'a store call was made inside an open transaction; use the transaction handle you were given',
        { kind: 'internal' },
      );
    }
  }
}
