import type { Knex } from 'knex';

export type CommentSubjectType = 'record' | 'task';

/** Who a comment mentions, as resolved when it was saved. */
export type CommentMention = { kind: 'user'; id: string } | { kind: 'role'; key: string };

export interface CommentRecord {
  id: string;
  subjectType: CommentSubjectType;
  subjectId: string;
  caseKey: string | null;
  authorId: string;
  /** Null once deleted. */
  body: string | null;
  mentions: CommentMention[];
  revision: number;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
}

export interface NewComment {
  id: string;
  subjectType: CommentSubjectType;
  subjectId: string;
  caseKey: string | null;
  authorId: string;
  body: string;
  mentions: CommentMention[];
  createdAt: Date;
}

/** An earlier text of a comment, kept when it was edited or deleted. */
export interface CommentRevisionRecord {
  revision: number;
  body: string;
  mentions: CommentMention[];
  writtenAt: Date;
  replacedAt: Date;
  replacedBy: string;
}

export interface CommentQuery {
  subjects: { type: CommentSubjectType; id: string }[];
  /** Comments of tasks (or records) filed under these case keys, too. */
  caseKeys?: string[];
  includeDeleted?: boolean;
  limit: number;
  /** Newest first: only comments with an id below this one. */
  before?: string;
}

interface CommentRow {
  id: string;
  subject_type: CommentSubjectType;
  subject_id: string;
  case_key: string | null;
  author_id: string;
  body: string | null;
  mentions: CommentMention[];
  revision: number;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
}

const toRecord = (r: CommentRow): CommentRecord => ({
  id: r.id,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  caseKey: r.case_key,
  authorId: r.author_id,
  body: r.body,
  mentions: r.mentions,
  revision: r.revision,
  createdAt: r.created_at,
  editedAt: r.edited_at,
  deletedAt: r.deleted_at,
});

export class CommentsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async insert(comment: NewComment): Promise<CommentRecord> {
    const rows = (await this.db('comments')
      .insert({
        id: comment.id,
        subject_type: comment.subjectType,
        subject_id: comment.subjectId,
        case_key: comment.caseKey,
        author_id: comment.authorId,
        body: comment.body,
        mentions: JSON.stringify(comment.mentions),
        created_at: comment.createdAt,
      })
      .returning('*')) as CommentRow[];
    return toRecord(rows[0]!);
  }

  async get(id: string, options: { forUpdate?: boolean } = {}): Promise<CommentRecord | undefined> {
    const q = this.db('comments').where({ id }).first();
    if (options.forUpdate) q.forUpdate();
    const row = (await q) as CommentRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /**
   * Replaces the text (or, with `body: null`, deletes) and keeps the previous text as a revision,
   * in one statement pair under the row lock the caller took with `get(id, { forUpdate })`.
   */
  async replace(
    current: CommentRecord,
    change: { body: string | null; mentions: CommentMention[]; at: Date; by: string },
  ): Promise<CommentRecord> {
    if (current.body !== null) {
      await this.db('comment_revisions').insert({
        comment_id: current.id,
        revision: current.revision,
        body: current.body,
        mentions: JSON.stringify(current.mentions),
        written_at: current.editedAt ?? current.createdAt,
        replaced_at: change.at,
        replaced_by: change.by,
      });
    }
    const rows = (await this.db('comments')
      .where({ id: current.id })
      .update({
        body: change.body,
        mentions: JSON.stringify(change.mentions),
        revision: current.revision + 1,
        ...(change.body === null ? { deleted_at: change.at } : { edited_at: change.at }),
      })
      .returning('*')) as CommentRow[];
    return toRecord(rows[0]!);
  }

  async byIds(ids: readonly string[]): Promise<CommentRecord[]> {
    if (ids.length === 0) return [];
    return ((await this.db('comments').whereIn('id', [...ids])) as CommentRow[]).map(toRecord);
  }

  async revisions(commentId: string): Promise<CommentRevisionRecord[]> {
    const rows = (await this.db('comment_revisions')
      .where({ comment_id: commentId })
      .orderBy('revision', 'asc')) as {
      revision: number;
      body: string;
      mentions: CommentMention[];
      written_at: Date;
      replaced_at: Date;
      replaced_by: string;
    }[];
    return rows.map((r) => ({
      revision: r.revision,
      body: r.body,
      mentions: r.mentions,
      writtenAt: r.written_at,
      replacedAt: r.replaced_at,
      replacedBy: r.replaced_by,
    }));
  }

  /** Newest first, on any of the subjects (or filed under any of the case keys). */
  async list(query: CommentQuery): Promise<CommentRecord[]> {
    if (query.subjects.length === 0 && (query.caseKeys ?? []).length === 0) return [];
    const q = this.db('comments').orderBy('id', 'desc').limit(query.limit);
    q.where((w) => {
      for (const s of query.subjects) w.orWhere({ subject_type: s.type, subject_id: s.id });
      if (query.caseKeys && query.caseKeys.length > 0) w.orWhereIn('case_key', query.caseKeys);
    });
    if (!query.includeDeleted) q.whereNull('deleted_at');
    if (query.before) q.where('id', '<', query.before);
    return ((await q) as CommentRow[]).map(toRecord);
  }
}
