import type { AttachmentRecord, CommentRecord, RecordRecord, StoreTx, TaskRecord } from '@collectflow/store';
import { type Actor, canOnForm, type FormAction } from '../auth/actor.js';
import { visible } from '../registry/registry.service.js';
import { runtimeActor } from '../runtime/runtime.http.js';
import { mayWork } from '../runtime/task.service.js';
import { notFound, UUID } from './collab.errors.js';

/**
 * Who may see what the collaboration features hang on things: the record-level rule of records
 * (own team or assigned, plus the form grant), the candidate rule of tasks. Anything the caller
 * may not see is "not found", exactly like something that does not exist.
 */

export type Subject = { type: 'record'; record: RecordRecord } | { type: 'task'; task: TaskRecord };

export function canSeeRecord(record: RecordRecord, actor: Actor, action: FormAction = 'view'): boolean {
  return visible(record, actor) && canOnForm(actor, record.formKey, action);
}

export function canSeeTask(task: TaskRecord, actor: Actor): boolean {
  return mayWork(task, runtimeActor(actor));
}

export async function recordFor(
  tx: StoreTx,
  id: string,
  actor: Actor,
  action: FormAction = 'view',
): Promise<RecordRecord> {
  const record = UUID.test(id) ? await tx.records.get(id) : undefined;
  if (!record || !canSeeRecord(record, actor, action)) throw notFound('records.not_found', 'record', id);
  return record;
}

export async function taskFor(tx: StoreTx, id: string, actor: Actor): Promise<TaskRecord> {
  const task = UUID.test(id) ? await tx.tasks.get(id) : undefined;
  if (!task || !canSeeTask(task, actor)) throw notFound('task.not_found', 'task', id);
  return task;
}

export async function subjectFor(
  tx: StoreTx,
  type: 'record' | 'task',
  id: string,
  actor: Actor,
): Promise<Subject> {
  return type === 'record'
    ? { type, record: await recordFor(tx, id, actor) }
    : { type, task: await taskFor(tx, id, actor) };
}

/** Whether the actor may see the thing a comment is on. */
export async function canSeeComment(tx: StoreTx, comment: CommentRecord, actor: Actor): Promise<boolean> {
  if (comment.subjectType === 'record') {
    const record = await tx.records.get(comment.subjectId);
    return record !== undefined && canSeeRecord(record, actor);
  }
  const task = await tx.tasks.get(comment.subjectId);
  if (task && canSeeTask(task, actor)) return true;
  // A task's conversation is also part of its case: whoever sees the case sees it.
  return comment.caseKey !== null && task !== undefined && (await canSeeCaseOf(tx, comment.caseKey, actor));
}

/** Whether the actor sees the debt case with this case number (the timeline's way to a task). */
export async function canSeeCaseOf(tx: StoreTx, caseNumber: string, actor: Actor): Promise<boolean> {
  const found = await tx.collaboration.caseRecord('debt-case', caseNumber);
  if (!found) return false;
  const record = await tx.records.get(found.id);
  return record !== undefined && canSeeRecord(record, actor);
}

/** Whether the actor may see (and so download) an attachment: the rule of what it is attached to. */
export async function canSeeAttachment(
  tx: StoreTx,
  attachment: AttachmentRecord,
  actor: Actor,
): Promise<boolean> {
  switch (attachment.subjectType) {
    case 'record': {
      const record = await tx.records.get(attachment.subjectId);
      return record !== undefined && canSeeRecord(record, actor);
    }
    case 'task': {
      const task = await tx.tasks.get(attachment.subjectId);
      if (!task) return false;
      if (canSeeTask(task, actor)) return true;
      return task.businessKey !== null && (await canSeeCaseOf(tx, task.businessKey, actor));
    }
    case 'comment': {
      const comment = await tx.comments.get(attachment.subjectId);
      return comment !== undefined && comment.deletedAt === null && (await canSeeComment(tx, comment, actor));
    }
    case 'upload':
      // Not on a record yet: its uploader's alone.
      return attachment.uploadedBy === actor.userId;
  }
}

/** The case number a subject belongs to, when it has one. */
export function caseKeyOf(subject: Subject): string | null {
  if (subject.type === 'task') return subject.task.businessKey;
  const data = subject.record.data as Record<string, unknown> | null;
  return data && typeof data.caseNumber === 'string' ? data.caseNumber : null;
}

/** Where the web app shows a subject. */
export function linkOf(subject: Subject): string {
  if (subject.type === 'task') return `/tasks/${subject.task.id}`;
  return subject.record.formKey === 'debt-case'
    ? `/cases/${subject.record.id}`
    : `/records/${subject.record.id}`;
}

/** A short human label: the case number, else the task name or form key. */
export function labelOf(subject: Subject): string {
  const caseKey = caseKeyOf(subject);
  if (subject.type === 'task') return subject.task.name ?? caseKey ?? subject.task.elementId;
  return caseKey ?? subject.record.formKey;
}
