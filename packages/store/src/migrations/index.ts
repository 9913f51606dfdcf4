import type { Knex } from 'knex';
import * as m0001 from './20261122_0001_meta_and_audit.js';

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration, oldest first. Listed explicitly so that bundling or a moved dist never loses one. */
export const migrations: readonly Migration[] = [m0001];

/** knex's MigrationSource over the list above. */
export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => [...migrations],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};
