import type { Knex } from 'knex';

/**
 * Typed projections for dashboards: per form, a narrow table with one typed column per field the
 * dashboards read, kept in step with `records` by one trigger in the same transaction. Aggregates
 * then read small typed rows of one form instead of every form's JSON documents.
 *
 * The trigger function starts empty; record-projections.ts rewrites its body (CREATE OR REPLACE,
 * which locks no table) whenever a projection is added or changed.
 */
export const name = '20261124_0007_dashboard_projections';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('record_projections', (t) => {
    t.text('form_key').primary();
    // records_proj_<form hash>_<fields hash>: a new field set is a new table, filled beside the old.
    t.text('table_name').notNullable().unique();
    // [{ path, kind, column, indexed }]
    t.jsonb('fields').notNullable();
    // False while the table is being filled; readers use the records until it is true.
    t.boolean('ready').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // The projection trigger must never fail a record write: a value PostgreSQL cannot read as a
  // date (a year 0000 that JSON Schema's format accepts) is projected as NULL instead.
  await knex.raw(`
    create function dashboards_try_date(value text) returns date language plpgsql stable as $$
    begin
      return value::date;
    exception when others then
      return null;
    end $$`);
  await knex.raw(`
    create function records_project() returns trigger language plpgsql as $$
    begin
      return null;
    end $$`);
  await knex.raw(`
    create trigger records_project after insert or update on records
    for each row execute function records_project()`);
}

export async function down(knex: Knex): Promise<void> {
  const tables = (await knex('record_projections').select('table_name')) as { table_name: string }[];
  await knex.raw('drop trigger if exists records_project on records');
  await knex.raw('drop function if exists records_project()');
  await knex.raw('drop function if exists dashboards_try_date(text)');
  for (const { table_name } of tables) {
    if (/^records_proj_[0-9a-f]{12}_[0-9a-f]{8}$/.test(table_name))
      await knex.raw(`drop table if exists ${table_name}`);
  }
  await knex.schema.dropTable('record_projections');
}
