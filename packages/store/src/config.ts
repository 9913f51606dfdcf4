import { resolve } from 'node:path';
import { StoreError } from './errors/store.error.js';

export type StoreConfig =
  | { backend: 'pglite'; dataDir: string | 'memory://' }
  | { backend: 'postgres'; databaseUrl: string; schema?: string };

export const MEMORY = 'memory://';

/**
 * Reads the store's configuration from the environment: PostgreSQL when DATABASE_URL is set,
 * otherwise embedded PGlite in COLLECTFLOW_DATA_DIR (default ./data).
 */
export function storeConfigFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): StoreConfig {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    parseDatabaseUrl(url);
    return { backend: 'postgres', databaseUrl: url };
  }
  const dir = env.COLLECTFLOW_DATA_DIR?.trim() || './data';
  return { backend: 'pglite', dataDir: dir === MEMORY ? MEMORY : resolve(cwd, dir) };
}

export function parseDatabaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new StoreError('store.bad_database_url', 'DATABASE_URL is not a valid URL', {
      kind: 'invalid',
      hint: 'use the form postgres://user:password@host:5432/database',
      cause,
    });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreError(
      'store.bad_database_url',
      `DATABASE_URL has scheme "${parsed.protocol}", not postgres:`,
      {
        kind: 'invalid',
        hint: 'use the form postgres://user:password@host:5432/database',
      },
    );
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) {
    throw new StoreError('store.bad_database_url', 'DATABASE_URL names no host', {
      kind: 'invalid',
      hint: 'use the form postgres://user:password@host:5432/database',
    });
  }
  return parsed;
}

/** The URL without its password, for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
