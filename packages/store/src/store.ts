import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import { type OpenedBackend, openPglite } from './backends/pglite.backend.js';
import { openPostgres } from './backends/postgres.backend.js';
import type { StoreConfig } from './config.js';
import { StoreError } from './errors/store.error.js';
import { migrationSource, migrations } from './migrations/index.js';
import { AnalyticsQueries } from './queries/analytics.queries.js';
import {
  ensureRecordIndexes,
  type RecordIndexReport,
  type RecordIndexSpec,
} from './queries/record-indexes.js';
import {
  ensureRecordProjections,
  type ProjectionReport,
  type ProjectionSpec,
} from './queries/record-projections.js';
import { ApiTokensRepo } from './repos/api-tokens.repo.js';
import { AttachmentsRepo } from './repos/attachments.repo.js';
import { AuditRepo } from './repos/audit.repo.js';
import { CollaborationRepo } from './repos/collaboration.repo.js';
import { CommentsRepo } from './repos/comments.repo.js';
import { DashboardsRepo } from './repos/dashboards.repo.js';
import { FormsRepo } from './repos/forms.repo.js';
import { LoginFailuresRepo } from './repos/login-failures.repo.js';
import { MetaRepo } from './repos/meta.repo.js';
import { NotificationsRepo } from './repos/notifications.repo.js';
import { RecordsRepo } from './repos/records.repo.js';
import { RolesRepo } from './repos/roles.repo.js';
import { type RuntimeRepos, runtimeRepos } from './repos/runtime.repos.js';
import { SessionsRepo } from './repos/sessions.repo.js';
import { TargetsRepo } from './repos/targets.repo.js';
import { TeamsRepo } from './repos/teams.repo.js';
import { UsersRepo } from './repos/users.repo.js';
import { WebhooksRepo } from './repos/webhooks.repo.js';

/** What a unit of work can touch. Every query runs inside one of these; there is no other way in. */
export interface StoreTx extends RuntimeRepos {
  readonly meta: MetaRepo;
  readonly audit: AuditRepo;
  readonly forms: FormsRepo;
  readonly records: RecordsRepo;
  readonly users: UsersRepo;
  readonly roles: RolesRepo;
  readonly teams: TeamsRepo;
  readonly sessions: SessionsRepo;
  readonly apiTokens: ApiTokensRepo;
  readonly loginFailures: LoginFailuresRepo;
  // Dashboards: their definitions, and the aggregate queries compiled from them.
  readonly dashboards: DashboardsRepo;
  readonly analytics: AnalyticsQueries;
  // Team collaboration (comments, notifications, webhooks, attachments, targets, sweeps).
  readonly comments: CommentsRepo;
  readonly notifications: NotificationsRepo;
  readonly webhooks: WebhooksRepo;
  readonly attachments: AttachmentsRepo;
  readonly targets: TargetsRepo;
  readonly collaboration: CollaborationRepo;
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
  /**
   * Expression indexes for record fields that dashboards filter and join on, outside any
   * transaction (CONCURRENTLY on PostgreSQL, so writers are never blocked). Idempotent.
   */
  ensureRecordIndexes(specs: readonly RecordIndexSpec[]): Promise<RecordIndexReport>;
  /**
   * Typed per-form projections of the fields dashboards read, kept in step with records by a
   * trigger; a changed field set is built beside the old one and filled before readers use it.
   */
  ensureRecordProjections(specs: readonly ProjectionSpec[]): Promise<ProjectionReport>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Called if another process takes over the PGlite data directory lock; the default throws. */
  onLockCompromised?: (error: Error) => void;
}

const MIGRATIONS_TABLE = 'knex_migrations';

/** Key of the test-only raw SELECT (see testing/test-stores.ts); not part of the Store interface. */
export const RAW_SELECT = Symbol('collectflow.store.rawSelect');

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
      (trx) =>
        this.inTransaction.run(true, () =>
          work({
            meta: new MetaRepo(trx),
            audit: new AuditRepo(trx),
            forms: new FormsRepo(trx),
            records: new RecordsRepo(trx),
            users: new UsersRepo(trx),
            roles: new RolesRepo(trx),
            teams: new TeamsRepo(trx),
            sessions: new SessionsRepo(trx),
            apiTokens: new ApiTokensRepo(trx),
            loginFailures: new LoginFailuresRepo(trx),
            dashboards: new DashboardsRepo(trx),
            analytics: new AnalyticsQueries(trx),
            comments: new CommentsRepo(trx),
            notifications: new NotificationsRepo(trx),
            webhooks: new WebhooksRepo(trx),
            attachments: new AttachmentsRepo(trx),
            targets: new TargetsRepo(trx),
            collaboration: new CollaborationRepo(trx),
            ...runtimeRepos(trx),
          }),
        ),
      options.readOnly ? { readOnly: true } : undefined,
    );
  }

  async migrate(): Promise<MigrationStatus> {
    this.assertUsable();
    try {
      await this.knex.migrate.latest(this.migrateConfig);
    } catch (cause) {
      throw new StoreError(
        'store.migration_failed',
        `database migration failed: ${(cause as Error).message}`,
        {
          kind: 'internal',
          hint: 'nothing was half-applied (each migration runs in a transaction); fix the cause and start again',
          cause,
        },
      );
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

  async [RAW_SELECT](sql: string, bindings: readonly unknown[]): Promise<unknown[]> {
    this.assertUsable();
    return this.knex.transaction(async (trx) => {
      const result = await trx.raw(sql, bindings as Knex.RawBinding[]);
      return (result as { rows: unknown[] }).rows;
    });
  }

  async ensureRecordIndexes(specs: readonly RecordIndexSpec[]): Promise<RecordIndexReport> {
    this.assertUsable();
    return ensureRecordIndexes(this.knex, this.backend, specs);
  }

  async ensureRecordProjections(specs: readonly ProjectionSpec[]): Promise<ProjectionReport> {
    this.assertUsable();
    return ensureRecordProjections(this.knex, specs);
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
