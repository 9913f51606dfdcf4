import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { MEMORY } from '../config.js';
import { typeParsers } from '../type-parsers.js';
import { type DataDirLock, lockDataDir, prepareDataDir } from './data-dir.lock.js';

export interface OpenedBackend {
  knex: Knex;
  description: string;
  /** Called after knex is destroyed. */
  release(): Promise<void>;
}

export async function openPglite(
  dataDir: string,
  onLockCompromised: (error: Error) => void,
): Promise<OpenedBackend> {
  let lock: DataDirLock | undefined;
  let location: string = MEMORY;
  if (dataDir !== MEMORY) {
    await prepareDataDir(dataDir);
    lock = await lockDataDir(dataDir, onLockCompromised);
    // PGlite wants a directory of its own: the lock and, later, attachments live beside it.
    location = join(dataDir, 'pgdata');
  }
  try {
    const pglite = new PGlite(location, { parsers: typeParsers });
    await pglite.waitReady;
    const knex = knexFactory({
      client: ClientPgLite as unknown as typeof Knex.Client,
      dialect: 'postgres',
      connection: { pglite } as Knex.StaticConnectionConfig,
      // PGlite has one connection: a second acquire can only wait for the first, so fail fast
      // instead of hanging for knex's default minute.
      acquireConnectionTimeout: 30_000,
    });
    return {
      knex,
      description: dataDir === MEMORY ? 'pglite (in memory)' : `pglite at ${dataDir}`,
      release: async () => lock?.release(),
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}
