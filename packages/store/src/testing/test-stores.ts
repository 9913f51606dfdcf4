import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { MEMORY } from '../config.js';
import { openStore, RAW_SELECT, type Store } from '../store.js';

/** A backend the contract suites run against; `open` gives a fresh, empty, migrated-or-not store. */
export interface TestBackend {
  name: 'pglite' | 'postgres';
  open(options?: { migrate?: boolean }): Promise<TestStore>;
}

export interface TestStore {
  store: Store;
  /** Closes the store and, on PostgreSQL, drops the run's schema. */
  cleanup(): Promise<void>;
}

/**
 * PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. Each PostgreSQL store gets its own
 * schema (`t_<random>`), so parallel test files and earlier runs never see each other's rows.
 */
export function testBackends(env: NodeJS.ProcessEnv = process.env): TestBackend[] {
  const backends: TestBackend[] = [
    {
      name: 'pglite',
      open: async ({ migrate = true } = {}) => {
        const store = await openStore({ backend: 'pglite', dataDir: MEMORY });
        if (migrate) await store.migrate();
        return { store, cleanup: () => store.close() };
      },
    },
  ];
  const url = env.TEST_DATABASE_URL?.trim();
  if (url) {
    backends.push({
      name: 'postgres',
      open: async ({ migrate = true } = {}) => {
        const schema = `t_${randomBytes(6).toString('hex')}`;
        const store = await openStore({ backend: 'postgres', databaseUrl: url, schema });
        if (migrate) await store.migrate();
        return {
          store,
          cleanup: async () => {
            await store.close();
            await dropSchema(url, schema);
          },
        };
      },
    });
  }
  return backends;
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    await knex.raw('drop schema if exists ?? cascade', [schema]);
  } finally {
    await knex.destroy();
  }
}

/** Runs a read-only SELECT in its own transaction, through the store's type parsers. Tests only. */
export function rawSelect<T = Record<string, unknown>>(
  store: Store,
  sql: string,
  bindings: readonly unknown[] = [],
): Promise<T[]> {
  const select = (store as unknown as Record<symbol, unknown>)[RAW_SELECT] as
    | ((sql: string, bindings: readonly unknown[]) => Promise<T[]>)
    | undefined;
  if (!select) throw new Error('rawSelect needs a store made by openStore');
  return select.call(store, sql, bindings);
}
