import type { Knex } from 'knex';

/** An administrator may cancel a running instance: `cancelled` joins the instance statuses. */
export const name = '20261125_0009_instance_cancelled';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table process_instances drop constraint process_instances_status_check');
  await knex.raw(
    `alter table process_instances add constraint process_instances_status_check
       check (status in ('running', 'completed', 'failed', 'cancelled'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  // A cancelled instance ended without completing: the closest older status is failed.
  await knex('process_instances').where({ status: 'cancelled' }).update({ status: 'failed' });
  await knex.raw('alter table process_instances drop constraint process_instances_status_check');
  await knex.raw(
    `alter table process_instances add constraint process_instances_status_check
       check (status in ('running', 'completed', 'failed'))`,
  );
}
