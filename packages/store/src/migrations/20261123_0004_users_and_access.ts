import type { Knex } from 'knex';

/** Users, teams, roles, sessions, API tokens, login failures; and the audit log made append-only. */
export const name = '20261123_0004_users_and_access';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('teams', (t) => {
    t.text('id').primary();
    t.jsonb('name').notNullable(); // { "zh-CN": ..., "en": ... }
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('roles', (t) => {
    t.text('key').primary();
    t.jsonb('name').notNullable();
    t.jsonb('permissions').notNullable().defaultTo('[]');
    // Per-form and per-process grants: { "<formKey>": ["view","create","edit","design"] }.
    t.jsonb('form_grants').notNullable().defaultTo('{}');
    t.jsonb('process_grants').notNullable().defaultTo('{}');
    t.boolean('builtin').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary();
    t.text('username').notNullable().unique(); // stored lower-case
    t.text('display_name').notNullable();
    t.text('password_hash');
    t.text('locale').notNullable().defaultTo('zh-CN');
    t.text('team_id').references('teams.id').onDelete('SET NULL');
    t.boolean('active').notNullable().defaultTo(true);
    t.boolean('must_change_password').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_login_at', { useTz: true });
  });
  await knex.schema.createTable('user_roles', (t) => {
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('role_key').notNullable().references('roles.key').onDelete('CASCADE');
    t.primary(['user_id', 'role_key']);
  });
  await knex.schema.createTable('sessions', (t) => {
    t.text('id_hash').primary(); // sha256 of the cookie value: a database leak yields no sessions
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('csrf_token').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.text('ip');
    t.text('user_agent');
    t.index(['user_id']);
  });
  await knex.schema.createTable('api_tokens', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('token_hash').notNullable().unique();
    t.jsonb('permissions').notNullable().defaultTo('[]');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
  });
  await knex.schema.createTable('login_failures', (t) => {
    t.bigIncrements('id');
    t.text('username').notNullable();
    t.text('ip');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['username', 'at']);
    t.index(['ip', 'at']);
  });
  await knex.schema.alterTable('audit_log', (t) => {
    t.text('source_ip');
    t.index(['actor', 'at']);
    t.index(['action', 'at']);
  });
  // Regulators want a log nobody can rewrite: refuse UPDATE, DELETE and TRUNCATE in the database.
  await knex.raw(`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only' using errcode = 'insufficient_privilege';
    end $$`);
  await knex.raw(`create trigger audit_log_no_update_delete before update or delete on audit_log
    for each row execute function audit_log_append_only()`);
  await knex.raw(`create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists audit_log_no_truncate on audit_log');
  await knex.raw('drop trigger if exists audit_log_no_update_delete on audit_log');
  await knex.raw('drop function if exists audit_log_append_only()');
  await knex.schema.alterTable('audit_log', (t) => {
    t.dropIndex(['action', 'at']);
    t.dropIndex(['actor', 'at']);
    t.dropColumn('source_ip');
  });
  for (const table of ['login_failures', 'api_tokens', 'sessions', 'user_roles', 'users', 'roles', 'teams']) {
    await knex.schema.dropTable(table);
  }
}
