import type { Knex } from 'knex';

/**
 * Files chosen in a form before its record exists: stored as 'upload' (the uploader's alone)
 * and moved onto the record when the record that names them is saved.
 */
export const name = '20261125_0011_attachment_uploads';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table attachments drop constraint attachments_subject_type_check');
  await knex.raw(
    `alter table attachments add constraint attachments_subject_type_check
       check (subject_type in ('record', 'task', 'comment', 'upload'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  // Uploads never claimed by a record have nothing to belong to once the type is gone.
  await knex('attachments').where({ subject_type: 'upload' }).delete();
  await knex.raw('alter table attachments drop constraint attachments_subject_type_check');
  await knex.raw(
    `alter table attachments add constraint attachments_subject_type_check
       check (subject_type in ('record', 'task', 'comment'))`,
  );
}
