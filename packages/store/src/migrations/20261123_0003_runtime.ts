import type { Knex } from 'knex';

/**
 * The durable process runtime: deployed BPMN (source stored once, parsed definition beside it),
 * instances with their engine snapshot, the rows a step produces (tasks, jobs, message
 * subscriptions, history, outbox) and incidents. Everything an instance owns cascades with it.
 */
export const name = '20261123_0003_runtime';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('process_deployments', (t) => {
    t.uuid('id').primary();
    t.text('process_key').notNullable();
    t.integer('version').notNullable();
    t.text('name');
    // The uploaded bytes as sent (any declared encoding): the diagram UI shows exactly this.
    t.binary('source').notNullable();
    t.text('source_sha256').notNullable();
    // The engine's DeploymentDefinition (metadata + pre-serialized model): steps never re-parse XML.
    t.jsonb('definition').notNullable();
    // Lint warnings kept for the admin UI; errors never get this far.
    t.jsonb('problems').notNullable().defaultTo('[]');
    // Message start event names, so an unmatched message can start a new instance.
    t.specificType('message_starts', 'text[]').notNullable().defaultTo('{}');
    t.text('deployed_by').notNullable();
    t.timestamp('deployed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['process_key', 'version']);
  });
  await knex.raw(
    'create index process_deployments_message_starts_idx on process_deployments using gin (message_starts)',
  );

  await knex.schema.createTable('process_instances', (t) => {
    t.uuid('id').primary();
    t.uuid('deployment_id').notNullable().references('id').inTable('process_deployments');
    t.text('process_key').notNullable();
    t.text('business_key');
    t.text('status').notNullable();
    t.jsonb('snapshot').notNullable();
    t.jsonb('variables').notNullable().defaultTo('{}');
    t.jsonb('active_element_ids').notNullable().defaultTo('[]');
    t.jsonb('failure');
    // Bumped by every step: history rows carry it, so a step applied twice would show.
    t.integer('version').notNullable();
    t.text('started_by');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('ended_at', { useTz: true });
    t.index(['business_key']);
    t.index(['process_key', 'status']);
    t.index(['deployment_id']);
  });
  await knex.raw(
    `alter table process_instances add constraint process_instances_status_check
       check (status in ('running', 'completed', 'failed'))`,
  );

  await knex.schema.createTable('process_tasks', (t) => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    // The engine's id of the waiting occurrence: unique within its instance only.
    t.text('engine_task_id').notNullable();
    t.text('element_id').notNullable();
    t.text('name');
    t.text('process_key').notNullable();
    t.text('business_key');
    t.text('form_key').notNullable();
    // Null: the form's latest published version when the task is completed.
    t.integer('form_version');
    t.specificType('candidate_groups', 'text[]').notNullable().defaultTo('{}');
    t.text('assignee');
    t.timestamp('due_at', { useTz: true });
    t.integer('priority');
    t.text('status').notNullable().defaultTo('open');
    t.text('claimed_by');
    t.timestamp('claimed_at', { useTz: true });
    t.text('completed_by');
    t.timestamp('completed_at', { useTz: true });
    t.jsonb('data');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['instance_id', 'engine_task_id']);
    t.index(['status', 'assignee']);
    t.index(['status', 'claimed_by']);
  });
  await knex.raw(
    `alter table process_tasks add constraint process_tasks_status_check
       check (status in ('open', 'completed', 'cancelled'))`,
  );
  await knex.raw(
    'create index process_tasks_candidate_groups_idx on process_tasks using gin (candidate_groups)',
  );

  await knex.schema.createTable('process_jobs', (t) => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    t.text('kind').notNullable();
    // The engine's timerId or service callId: a step upserts by it.
    t.text('job_key').notNullable();
    t.text('element_id').notNullable();
    t.timestamp('run_at', { useTz: true }).notNullable();
    t.text('status').notNullable().defaultTo('ready');
    // Technical failures so far; at max_attempts the job stops and an incident opens.
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('max_attempts').notNullable();
    t.jsonb('payload').notNullable();
    // A lease, for work done outside a transaction (service handlers): a dead node's lease expires.
    t.text('locked_by');
    t.timestamp('locked_until', { useTz: true });
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['instance_id', 'kind', 'job_key']);
  });
  await knex.raw(
    `alter table process_jobs add constraint process_jobs_kind_check check (kind in ('timer', 'service'))`,
  );
  await knex.raw(
    `alter table process_jobs add constraint process_jobs_status_check check (status in ('ready', 'incident'))`,
  );
  // The scheduler's poll: due ready jobs in run_at order.
  await knex.raw(`create index process_jobs_due_idx on process_jobs (kind, run_at) where status = 'ready'`);

  await knex.schema.createTable('process_message_subscriptions', (t) => {
    t.uuid('instance_id').notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('element_id').notNullable();
    t.text('kind').notNullable();
    t.text('business_key');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['instance_id', 'name', 'element_id']);
    t.index(['name', 'business_key']);
  });

  await knex.schema.createTable('process_buffered_messages', (t) => {
    t.uuid('id').primary();
    t.text('name').notNullable();
    t.text('business_key');
    t.uuid('instance_id');
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.text('received_by');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['name', 'business_key']);
    t.index(['expires_at']);
  });

  await knex.schema.createTable('process_history', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('instance_id').notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    // The instance version the step produced.
    t.integer('step').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('event').notNullable();
    t.text('element_id');
    t.text('element_type');
    t.text('name');
    t.text('execution_id');
    t.text('actor');
    t.jsonb('data');
    t.index(['instance_id', 'id']);
  });

  await knex.schema.createTable('process_outbox', (t) => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.text('name').notNullable();
    t.text('element_id');
    t.text('idempotency_key').notNullable().unique();
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    t.timestamp('dispatched_at', { useTz: true });
  });
  await knex.raw(
    'create index process_outbox_pending_idx on process_outbox (next_attempt_at) where dispatched_at is null',
  );

  await knex.schema.createTable('process_incidents', (t) => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    t.uuid('job_id');
    t.text('element_id');
    t.text('kind').notNullable();
    t.text('message').notNullable();
    t.jsonb('details').notNullable().defaultTo('{}');
    t.text('status').notNullable().defaultTo('open');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('resolved_at', { useTz: true });
    t.text('resolved_by');
    t.text('resolution');
    t.index(['status', 'id']);
    t.index(['instance_id']);
    t.index(['job_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'process_incidents',
    'process_outbox',
    'process_history',
    'process_buffered_messages',
    'process_message_subscriptions',
    'process_jobs',
    'process_tasks',
    'process_instances',
    'process_deployments',
  ]) {
    await knex.schema.dropTable(table);
  }
}
