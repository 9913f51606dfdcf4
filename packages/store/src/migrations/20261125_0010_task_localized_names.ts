import type { Knex } from 'knex';

/** A user task's name in other languages (`name@zh-CN` in the BPMN), so the inbox speaks both. */
export const name = '20261125_0010_task_localized_names';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_tasks', (t) => {
    t.jsonb('names').notNullable().defaultTo('{}');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_tasks', (t) => {
    t.dropColumn('names');
  });
}
