import type { Knex } from 'knex';

/**
 * Lookup keys of the typed projections that have stopped being unique (two records of a form
 * with the same case number, say). While a key is unique a lookup on it is a plain join; once a
 * duplicate appears, the trigger that keeps the projection notes it here and lookups go back to
 * taking the first record per key, so no row is ever counted twice.
 */
export const name = '20261124_0008_dashboard_lookup_keys';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('record_projections', (t) => {
    t.specificType('duplicate_keys', 'text[]').notNullable().defaultTo('{}');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('record_projections', (t) => {
    t.dropColumn('duplicate_keys');
  });
}
