import type { Knex } from 'knex';

/**
 * The schema registry: forms (one editable draft each), their published versions (immutable,
 * enforced by a trigger so no code path can rewrite what stored records were validated against),
 * and records, each pinned to the form version it was validated against.
 */
export const name = '20261123_0002_forms_and_records';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('forms', (t) => {
    t.text('key').primary();
    t.jsonb('title').notNullable();
    // { title, schema, uiSchema, metadata } being edited; published versions are copies of it.
    t.jsonb('draft');
    // Bumped on every draft save: the designer's optimistic concurrency token.
    t.integer('draft_revision').notNullable().defaultTo(0);
    t.integer('latest_version');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('created_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('updated_by').notNullable();
  });

  await knex.schema.createTable('form_versions', (t) => {
    t.text('form_key').notNullable().references('key').inTable('forms');
    t.integer('version').notNullable();
    t.jsonb('title').notNullable();
    t.jsonb('schema').notNullable();
    t.jsonb('ui_schema').notNullable();
    t.jsonb('metadata').notNullable();
    // The report against the previous version, as shown when it was published (null for version 1).
    t.jsonb('compatibility');
    t.boolean('accepted_breaking').notNullable().defaultTo(false);
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('published_by').notNullable();
    t.primary(['form_key', 'version']);
    t.check('?? > 0', ['version'], 'form_versions_version_positive');
  });
  await knex.raw(`
    create function form_versions_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'published form version %@% is immutable', old.form_key, old.version
        using errcode = 'P0001', hint = 'publish a new version instead';
    end $$`);
  await knex.raw(`
    create trigger form_versions_no_change before update or delete on form_versions
    for each row execute function form_versions_immutable()`);

  await knex.schema.createTable('records', (t) => {
    t.uuid('id').primary(); // UUIDv7: creation order, and the default sort's cursor
    t.text('form_key').notNullable();
    t.integer('form_version').notNullable();
    t.jsonb('data').notNullable();
    // pointer → value of the computed fields, as evaluated on the server (also present in data).
    t.jsonb('computed').notNullable().defaultTo('{}');
    t.integer('version').notNullable().defaultTo(1);
    // Record-level permissions (the security issue) filter on these two.
    t.text('owner_team_id');
    t.text('assignee_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('created_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('updated_by').notNullable();
    t.foreign(['form_key', 'form_version']).references(['form_key', 'version']).inTable('form_versions');
    t.check('?? > 0', ['version'], 'records_version_positive');
    t.index(['form_key', 'id']);
    t.index(['form_key', 'updated_at', 'id']);
    t.index(['owner_team_id']);
    t.index(['assignee_id']);
  });
  // Equality filters are written as containment (data @> {...}) so this index serves them.
  await knex.raw('create index records_data_idx on records using gin (data jsonb_path_ops)');
  // Range filters on date-time fields: a value that does not parse (an old version stored it as
  // free text) must not fail the whole query, so the cast is guarded.
  await knex.raw(`
    create function records_try_timestamptz(value text) returns timestamptz language plpgsql stable as $$
    begin
      return value::timestamptz;
    exception when others then
      return null;
    end $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function if exists records_try_timestamptz(text)');
  await knex.schema.dropTable('records');
  await knex.schema.dropTable('form_versions');
  await knex.raw('drop function if exists form_versions_immutable()');
  await knex.schema.dropTable('forms');
}
