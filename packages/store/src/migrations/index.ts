import type { Knex } from 'knex';
import * as m0001 from './20261122_0001_meta_and_audit.js';
import * as m0002 from './20261123_0002_forms_and_records.js';
import * as m0003 from './20261123_0003_runtime.js';
import * as m0004 from './20261123_0004_users_and_access.js';
import * as m0005 from './20261124_0005_collaboration.js';
import * as m0006 from './20261124_0006_dashboards.js';
import * as m0007 from './20261124_0007_dashboard_projections.js';
import * as m0008 from './20261124_0008_dashboard_lookup_keys.js';
import * as m0009 from './20261125_0009_instance_cancelled.js';
import * as m0010 from './20261125_0010_task_localized_names.js';
import * as m0011 from './20261125_0011_attachment_uploads.js';

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration, oldest first. Listed explicitly so that bundling or a moved dist never loses one. */
export const migrations: readonly Migration[] = [
  m0001,
  m0002,
  m0003,
  m0004,
  m0005,
  m0006,
  m0007,
  m0008,
  m0009,
  m0010,
  m0011,
];

/** knex's MigrationSource over the list above. */
export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => [...migrations],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};
