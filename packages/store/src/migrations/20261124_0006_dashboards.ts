import type { Knex } from 'knex';

/**
 * Dashboard definitions, one immutable row per saved version (as form versions are), and the
 * cast the dashboards' date-time filters and expression indexes share.
 */
export const name = '20261124_0006_dashboards';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dashboards', (t) => {
    t.text('key').primary();
    t.jsonb('title').notNullable();
    t.integer('latest_version').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('created_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('updated_by').notNullable();
  });

  await knex.schema.createTable('dashboard_versions', (t) => {
    t.text('dashboard_key').notNullable().references('key').inTable('dashboards');
    t.integer('version').notNullable();
    t.jsonb('definition').notNullable();
    // sha256 of the definitions/dashboards file a seeded version came from; null for saves.
    t.text('source_sha256');
    t.timestamp('saved_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('saved_by').notNullable();
    t.primary(['dashboard_key', 'version']);
    t.check('?? > 0', ['version'], 'dashboard_versions_version_positive');
  });
  await knex.raw(`
    create function dashboard_versions_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'saved dashboard version %@% is immutable', old.dashboard_key, old.version
        using errcode = 'P0001', hint = 'save a new version instead';
    end $$`);
  await knex.raw(`
    create trigger dashboard_versions_no_change before update or delete on dashboard_versions
    for each row execute function dashboard_versions_immutable()`);

  // text::timestamptz is only STABLE (DateStyle, TimeZone); for RFC 3339 text, which always
  // carries its offset and is all a validated date-time field can hold, the result never varies.
  // Declared IMMUTABLE so that range filters on date-time fields can use expression indexes.
  await knex.raw(`
    create function dashboards_timestamptz(value text) returns timestamptz
    language plpgsql immutable strict parallel safe as $$
    begin
      return value::timestamptz;
    end $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function if exists dashboards_timestamptz(text) cascade');
  await knex.schema.dropTable('dashboard_versions');
  await knex.raw('drop function if exists dashboard_versions_immutable()');
  await knex.schema.dropTable('dashboards');
}
