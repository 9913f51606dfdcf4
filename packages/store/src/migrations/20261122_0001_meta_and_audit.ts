import type { Knex } from 'knex';

/** Key/value facts about this installation (e.g. which definitions were loaded) and the audit log. */
export const name = '20261122_0001_meta_and_audit';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('app_meta', (t) => {
    t.text('key').primary();
    t.jsonb('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('audit_log', (t) => {
    t.uuid('id').primary(); // UUIDv7: time-ordered, so the primary key is also the cursor
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('actor').notNullable();
    t.text('action').notNullable();
    t.text('subject_type').notNullable();
    t.text('subject_id');
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.index(['subject_type', 'subject_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('app_meta');
}
