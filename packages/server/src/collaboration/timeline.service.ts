import type { Store, StoreTx, TimelineCursor } from '@collectflow/store';
import type { Actor } from '../auth/actor.js';
import { type AttachmentView, attachmentView } from './attachments/attachment.views.js';
import { invalid } from './collab.errors.js';
import type { CommentsService, CommentView } from './comments.service.js';
import { recordFor } from './subject.access.js';

export type TimelineKind = 'record' | 'process' | 'comment' | 'attachment';

export interface TimelineItem {
  /** `<kind>:<id of the source row>`, unique within the timeline. */
  id: string;
  kind: TimelineKind;
  at: string;
  actor: { id: string; displayName: string | null } | null;
  /** kind comment: the comment (deleted ones stay, with body null). */
  comment?: CommentView;
  /** kind record: a change of the record from the audit log (field names only, never values). */
  change?: { action: string; formVersion?: number; version?: number; changedFields?: string[] };
  /** kind process: a step of a process instance with the case's business key. */
  process?: {
    instanceId: string;
    processKey: string;
    event: string;
    elementId: string | null;
    elementType: string | null;
    name: string | null;
  };
  /** kind attachment: a file attached to the record or to one of the case's tasks. */
  attachment?: AttachmentView;
}

export interface TimelineOptions {
  /** Forms whose records are cases: their timeline takes in the tasks and processes of the case number. */
  caseForms: readonly string[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function encodeTimelineCursor(c: TimelineCursor): string {
  return Buffer.from(JSON.stringify({ at: c.at.toISOString(), kind: c.kind, id: c.id })).toString(
    'base64url',
  );
}

export function decodeTimelineCursor(raw: string): TimelineCursor {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    const at = new Date(String(parsed.at));
    if (Number.isNaN(at.getTime()) || typeof parsed.kind !== 'string' || typeof parsed.id !== 'string') {
      throw new Error('bad cursor');
    }
    return { at, kind: parsed.kind, id: parsed.id };
  } catch {
    throw invalid('timeline.bad_cursor', '/cursor', 'cursor must be the nextCursor of a previous page');
  }
}

/** Top-level fields whose value differs between two snapshots of a record's data. */
function changedFields(before: unknown, after: unknown): string[] | undefined {
  if (!isObject(before) || !isObject(after)) return undefined;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

/**
 * A case's story in one list, newest first: comments on the record and on the case's tasks,
 * the record's changes from the audit log, process steps of the instances with the case
 * number as business key, and attachments. Each source is read after the cursor in the same
 * order (time to the millisecond, kind, id), so pages neither skip nor repeat.
 */
export class TimelineService {
  constructor(private readonly deps: { store: Store; comments: CommentsService; options: TimelineOptions }) {}

  async forRecord(
    recordId: string,
    actor: Actor,
    query: { limit: number; cursor?: string },
  ): Promise<{ items: TimelineItem[]; nextCursor: string | null }> {
    const cursor = query.cursor ? decodeTimelineCursor(query.cursor) : undefined;
    return this.deps.store.transaction(
      async (tx) => {
        const record = await recordFor(tx, recordId, actor);
        const data = record.data as Record<string, unknown> | null;
        const caseKey =
          this.deps.options.caseForms.includes(record.formKey) && data && typeof data.caseNumber === 'string'
            ? data.caseNumber
            : null;
        const items = await this.collect(tx, record.id, caseKey, cursor, query.limit);
        items.sort(compareDesc);
        const page = items.slice(0, query.limit);
        await this.nameActors(tx, page);
        const last = page.at(-1);
        return {
          items: page,
          nextCursor:
            page.length === query.limit && last
              ? encodeTimelineCursor({ at: new Date(last.at), kind: last.kind, id: sourceId(last) })
              : null,
        };
      },
      { readOnly: true },
    );
  }

  private async collect(
    tx: StoreTx,
    recordId: string,
    caseKey: string | null,
    cursor: TimelineCursor | undefined,
    limit: number,
  ): Promise<TimelineItem[]> {
    const c = tx.collaboration;
    const taskIds = caseKey ? await c.taskIdsForBusinessKey(caseKey) : [];
    const subjects = [{ type: 'record', id: recordId }, ...taskIds.map((id) => ({ type: 'task', id }))];
    const items: TimelineItem[] = [];

    for (const entry of await c.timelineAudit('record', recordId, 'record', cursor, limit)) {
      const detail = entry.detail;
      const before = isObject(detail.before) ? detail.before : undefined;
      const after = isObject(detail.after) ? detail.after : undefined;
      const fields = changedFields(before?.data, after?.data);
      const formVersion = (after?.formVersion ?? detail.formVersion) as number | undefined;
      items.push({
        id: `record:${entry.id}`,
        kind: 'record',
        at: entry.at.toISOString(),
        actor: { id: entry.actor, displayName: null },
        change: {
          action: entry.action,
          ...(typeof formVersion === 'number' ? { formVersion } : {}),
          ...(typeof after?.version === 'number' ? { version: after.version } : {}),
          ...(fields ? { changedFields: fields } : {}),
        },
      });
    }

    if (caseKey) {
      for (const h of await c.timelineHistory(caseKey, 'process', cursor, limit)) {
        items.push({
          id: `process:${h.id}`,
          kind: 'process',
          at: h.at.toISOString(),
          actor: h.actor ? { id: h.actor, displayName: null } : null,
          process: {
            instanceId: h.instanceId,
            processKey: h.processKey,
            event: h.event,
            elementId: h.elementId,
            elementType: h.elementType,
            name: h.name,
          },
        });
      }
    }

    const commentIds = await c.timelineComments(
      [{ type: 'record', id: recordId }],
      caseKey ? [caseKey] : [],
      'comment',
      cursor,
      limit,
    );
    const comments = await tx.comments.byIds(commentIds);
    for (const view of await this.deps.comments.views(tx, comments)) {
      items.push({
        id: `comment:${view.id}`,
        kind: 'comment',
        at: view.createdAt,
        actor: { id: view.author.id, displayName: view.author.displayName },
        comment: view,
      });
    }

    const attachmentIds = await c.timelineAttachments(subjects, 'attachment', cursor, limit);
    for (const a of await tx.attachments.byIds(attachmentIds)) {
      items.push({
        id: `attachment:${a.id}`,
        kind: 'attachment',
        at: a.createdAt.toISOString(),
        actor: { id: a.uploadedBy, displayName: null },
        attachment: attachmentView(a),
      });
    }
    return items;
  }

  private async nameActors(tx: StoreTx, items: TimelineItem[]): Promise<void> {
    const names = await tx.collaboration.displayNames(items.flatMap((i) => (i.actor ? [i.actor.id] : [])));
    for (const item of items) {
      if (item.actor && item.actor.displayName === null)
        item.actor.displayName = names.get(item.actor.id) ?? null;
    }
  }
}

const sourceId = (item: TimelineItem) => item.id.slice(item.kind.length + 1);

/** (at to the millisecond, kind, id) descending: the order every source was read in. */
function compareDesc(a: TimelineItem, b: TimelineItem): number {
  const at = Date.parse(b.at) - Date.parse(a.at);
  if (at !== 0) return at;
  if (a.kind !== b.kind) return a.kind < b.kind ? 1 : -1;
  const x = sourceId(a);
  const y = sourceId(b);
  return x === y ? 0 : x < y ? 1 : -1;
}
