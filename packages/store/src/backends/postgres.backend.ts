import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { parseDatabaseUrl, redactDatabaseUrl } from '../config.js';
import { StoreError } from '../errors/store.error.js';
import { typeParsers } from '../type-parsers.js';
import type { OpenedBackend } from './pglite.backend.js';

const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  typeParsers[oid] ?? pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser;

export async function openPostgres(databaseUrl: string, schema: string | undefined): Promise<OpenedBackend> {
  parseDatabaseUrl(databaseUrl);
  const knex = knexFactory({
    // knex prints its own warnings to the console; our callers report failures as StoreErrors.
    log: {
      warn: () => undefined,
      error: () => undefined,
      deprecate: () => undefined,
      debug: () => undefined,
    },
    client: 'pg',
    connection: {
      connectionString: databaseUrl,
      // Per-connection parsers: pg's global type registry stays untouched.
      types: { getTypeParser },
      connectionTimeoutMillis: 5_000,
      application_name: 'collectflow',
    } as Knex.PgConnectionConfig,
    pool: { min: 0, max: Number(process.env.COLLECTFLOW_DB_POOL_MAX ?? 10) },
    acquireConnectionTimeout: 10_000,
    ...(schema ? { searchPath: [schema] } : {}),
  });
  try {
    if (schema) await knex.raw('create schema if not exists ??', [schema]);
    else await knex.raw('select 1');
  } catch (cause) {
    await knex.destroy().catch(() => undefined);
    throw connectionError(databaseUrl, cause);
  }
  return {
    knex,
    description: `postgres at ${redactDatabaseUrl(databaseUrl)}`,
    release: async () => undefined,
  };
}

function connectionError(databaseUrl: string, cause: unknown): StoreError {
  const where = redactDatabaseUrl(databaseUrl);
  const err = cause as { code?: string; message?: string };
  const hints: Record<string, string> = {
    ECONNREFUSED: 'is PostgreSQL running and listening there? check DATABASE_URL',
    ENOTFOUND: 'the host name does not resolve; check DATABASE_URL',
    EAI_AGAIN: 'the host name does not resolve; check DATABASE_URL',
    ETIMEDOUT: 'the server did not answer; check the host, port and firewall',
    '28P01': 'the password was rejected; check the user and password in DATABASE_URL',
    '28000': 'the server refused this user; check pg_hba.conf and the user in DATABASE_URL',
    '3D000': 'the database does not exist; create it (createdb) or fix its name in DATABASE_URL',
  };
  const code = err.code ?? '';
  const reason = code || err.message || String(cause);
  return new StoreError('store.unreachable', `cannot connect to PostgreSQL at ${where} (${reason})`, {
    hint: hints[code] ?? 'check DATABASE_URL and that PostgreSQL is running',
    cause,
  });
}
