import type { Knex } from 'knex';

/**
 * Team collaboration: comments (with their edit history) on records and tasks, in-app
 * notifications and per-user preferences, outgoing webhooks with their delivery outbox,
 * attachments (metadata; the bytes in the database or a directory), SLA marks on tasks, the
 * sweeps' watermarks, monthly targets and per-team commission rules.
 *
 * User ids are text without a foreign key, like records.assignee_id: API tokens, service users
 * and deleted users all leave ids behind that must still read back.
 */
export const name = '20261124_0005_collaboration';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('comments', (t) => {
    t.uuid('id').primary(); // UUIDv7: creation order and the cursor
    t.text('subject_type').notNullable();
    t.uuid('subject_id').notNullable();
    // The case it belongs to (a debt case's number, a task's business key): the case timeline's link.
    t.text('case_key');
    t.text('author_id').notNullable();
    t.text('body');
    // [{ kind: 'user', id } | { kind: 'role', key }] as resolved when saved.
    t.jsonb('mentions').notNullable().defaultTo('[]');
    t.integer('revision').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('edited_at', { useTz: true });
    t.timestamp('deleted_at', { useTz: true });
    t.index(['subject_type', 'subject_id', 'id']);
    t.index(['case_key', 'id']);
  });
  await knex.raw(
    `alter table comments add constraint comments_subject_type_check check (subject_type in ('record', 'task'))`,
  );
  // Every earlier text of a comment, written when it is edited or deleted.
  await knex.schema.createTable('comment_revisions', (t) => {
    t.uuid('comment_id').notNullable().references('id').inTable('comments').onDelete('CASCADE');
    t.integer('revision').notNullable();
    t.text('body').notNullable();
    t.jsonb('mentions').notNullable().defaultTo('[]');
    t.timestamp('written_at', { useTz: true }).notNullable();
    t.timestamp('replaced_at', { useTz: true }).notNullable();
    t.text('replaced_by').notNullable();
    t.primary(['comment_id', 'revision']);
  });

  await knex.schema.createTable('notifications', (t) => {
    t.uuid('id').primary();
    t.text('user_id').notNullable();
    t.text('kind').notNullable();
    t.text('subject_type').notNullable();
    t.text('subject_id').notNullable();
    t.jsonb('title').notNullable(); // { "zh-CN": ..., "en": ... }
    t.text('excerpt');
    t.text('link');
    t.jsonb('data').notNullable().defaultTo('{}');
    t.text('actor_id');
    // The event it came from: a sweep that sees the same event twice notifies once.
    t.text('dedupe_key').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('read_at', { useTz: true });
    t.unique(['user_id', 'dedupe_key']);
    t.index(['user_id', 'id']);
  });
  await knex.raw('create index notifications_unread_idx on notifications (user_id) where read_at is null');
  await knex.schema.createTable('notification_preferences', (t) => {
    t.text('user_id').notNullable();
    t.text('kind').notNullable();
    t.boolean('in_app').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'kind']);
  });

  await knex.schema.createTable('webhooks', (t) => {
    t.uuid('id').primary();
    t.text('name').notNullable();
    t.text('platform').notNullable();
    t.text('url').notNullable();
    // Needed in clear to sign; never returned by the API.
    t.text('secret');
    t.jsonb('events').notNullable().defaultTo('[]');
    // Only events of this team's cases (null: every team).
    t.text('team_id');
    t.text('locale').notNullable().defaultTo('zh-CN');
    t.boolean('active').notNullable().defaultTo(true);
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.raw(
    `alter table webhooks add constraint webhooks_platform_check
       check (platform in ('generic', 'wecom', 'dingtalk', 'feishu', 'slack', 'teams'))`,
  );
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.uuid('id').primary();
    t.uuid('webhook_id').notNullable().references('id').inTable('webhooks').onDelete('CASCADE');
    t.text('event_kind').notNullable();
    t.text('idempotency_key').notNullable().unique();
    // The platform's message body, built when the event happened.
    t.jsonb('payload').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('max_attempts').notNullable();
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    // A lease: the send happens outside any transaction, and a dead node's lease runs out.
    t.timestamp('locked_until', { useTz: true });
    t.integer('last_status');
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('delivered_at', { useTz: true });
    t.index(['webhook_id', 'id']);
  });
  await knex.raw(
    `alter table webhook_deliveries add constraint webhook_deliveries_status_check
       check (status in ('pending', 'delivered', 'failed'))`,
  );
  await knex.raw(
    `create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending'`,
  );

  await knex.schema.createTable('attachments', (t) => {
    t.uuid('id').primary();
    t.text('subject_type').notNullable();
    t.uuid('subject_id').notNullable();
    t.text('file_name').notNullable();
    t.text('content_type').notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.text('sha256').notNullable();
    t.text('storage').notNullable();
    t.text('uploaded_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('deleted_at', { useTz: true });
    t.index(['subject_type', 'subject_id', 'id']);
  });
  await knex.raw(
    `alter table attachments add constraint attachments_subject_type_check
       check (subject_type in ('record', 'task', 'comment'))`,
  );
  await knex.raw(
    `alter table attachments add constraint attachments_storage_check check (storage in ('database', 'directory'))`,
  );
  await knex.schema.createTable('attachment_contents', (t) => {
    t.uuid('attachment_id').primary().references('id').inTable('attachments').onDelete('CASCADE');
    t.binary('content').notNullable();
  });

  // Which SLA step a task got for which due date: a moved due date starts over.
  await knex.schema.createTable('task_sla_marks', (t) => {
    t.uuid('task_id').notNullable().references('id').inTable('process_tasks').onDelete('CASCADE');
    t.text('mark').notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.primary(['task_id', 'mark', 'due_at']);
  });
  // How far each sweep has read its source (assignments, broken promises, incidents).
  await knex.schema.createTable('collab_watermarks', (t) => {
    t.text('name').primary();
    t.timestamp('at', { useTz: true }).notNullable();
  });
  // Events a sweep has handled, notified or not (a self-assignment is seen, and never announced later).
  await knex.schema.createTable('collab_events_seen', (t) => {
    t.text('key').primary();
    t.timestamp('at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('performance_targets', (t) => {
    t.text('period').notNullable(); // YYYY-MM
    t.text('scope').notNullable(); // user | team
    t.text('subject_id').notNullable();
    t.text('currency').notNullable();
    t.decimal('amount', 20, 2).notNullable();
    t.text('updated_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['period', 'scope', 'subject_id']);
  });
  await knex.raw(
    `alter table performance_targets add constraint performance_targets_scope_check check (scope in ('user', 'team'))`,
  );
  // A team's rule from a month on; the rule of a month is the newest one not after it.
  await knex.schema.createTable('commission_rules', (t) => {
    t.text('team_id').notNullable();
    t.text('effective_from').notNullable(); // YYYY-MM
    t.jsonb('rule').notNullable();
    t.text('updated_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['team_id', 'effective_from']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'commission_rules',
    'performance_targets',
    'collab_events_seen',
    'collab_watermarks',
    'task_sla_marks',
    'attachment_contents',
    'attachments',
    'webhook_deliveries',
    'webhooks',
    'notification_preferences',
    'notifications',
    'comment_revisions',
    'comments',
  ]) {
    await knex.schema.dropTable(table);
  }
}
