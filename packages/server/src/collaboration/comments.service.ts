import type { Clock } from '@collectflow/engine';
import type {
  AttachmentRecord,
  CollabUser,
  CommentMention,
  CommentRecord,
  RoleRecord,
  Store,
  StoreTx,
} from '@collectflow/store';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../auth/actor.js';
import { type AttachmentView, attachmentView } from './attachments/attachment.views.js';
import { forbidden, invalid, notFound, objectBody, UUID } from './collab.errors.js';
import { actorOfCollabUser, mentionsFromBody, resolveMentions } from './mentions.js';
import type { Notifier } from './notifier.js';
import {
  canSeeCaseOf,
  canSeeComment,
  canSeeRecord,
  canSeeTask,
  caseKeyOf,
  labelOf,
  linkOf,
  type Subject,
  subjectFor,
} from './subject.access.js';

export const MAX_COMMENT_LENGTH = 10_000;

export type MentionView =
  | { kind: 'user'; id: string; displayName: string | null }
  | { kind: 'role'; key: string; name: Record<string, string> | null };

export interface CommentView {
  id: string;
  subject: { type: 'record' | 'task'; id: string };
  caseKey: string | null;
  author: { id: string; displayName: string | null };
  /** Null once deleted. */
  body: string | null;
  mentions: MentionView[];
  revision: number;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  attachments: AttachmentView[];
}

/** What saving a comment did with its mentions. */
export interface MentionReport {
  notified: string[];
  /** Mentioned, but they cannot see what the comment is on: not notified. */
  cannotSee: { id: string; displayName: string }[];
}

/** Whom the comment box may offer to @mention. */
export interface MentionCandidates {
  users: { id: string; username: string; displayName: string }[];
  roles: { key: string; name: Record<string, string> }[];
}

/** Comments on records (cases) and tasks: write, list, edit with history, delete by the author. */
export class CommentsService {
  constructor(private readonly deps: { store: Store; clock: Clock; notifier: Notifier }) {}

  async create(
    subjectType: 'record' | 'task',
    subjectId: string,
    body: unknown,
    actor: Actor,
  ): Promise<{ comment: CommentView; mentions: MentionReport }> {
    const input = commentInput(body);
    return this.deps.store.transaction(async (tx) => {
      const subject = await subjectFor(tx, subjectType, subjectId, actor);
      const resolved = await resolveMentions(tx, input.mentions, input.body);
      const at = this.deps.clock.now();
      const comment = await tx.comments.insert({
        id: uuidv7(),
        subjectType,
        subjectId,
        caseKey: caseKeyOf(subject),
        authorId: actor.userId,
        body: input.body,
        mentions: resolved.mentions,
        createdAt: at,
      });
      await tx.audit.append({
        actor: actor.userId,
        action: 'comment.created',
        subjectType: 'comment',
        subjectId: comment.id,
        detail: { on: { type: subjectType, id: subjectId }, mentions: resolved.mentions.length },
      });
      const report = await this.notifyMentions(tx, subject, comment, resolved.recipients, actor, at);
      return { comment: (await this.views(tx, [comment]))[0]!, mentions: report };
    });
  }

  async list(
    subjectType: 'record' | 'task',
    subjectId: string,
    actor: Actor,
    page: { limit: number; before?: string },
  ): Promise<{ items: CommentView[]; nextCursor: string | null }> {
    return this.deps.store.transaction(
      async (tx) => {
        await subjectFor(tx, subjectType, subjectId, actor);
        const comments = await tx.comments.list({
          subjects: [{ type: subjectType, id: subjectId }],
          limit: page.limit,
          ...(page.before ? { before: page.before } : {}),
        });
        return {
          items: await this.views(tx, comments),
          nextCursor: comments.length === page.limit ? (comments.at(-1)?.id ?? null) : null,
        };
      },
      { readOnly: true },
    );
  }

  /**
   * Who the comment box offers to @mention on a record or task: the active users (other than the
   * caller) who can see it, directly or through its case, matching `q` in their username or
   * name; and the roles (a role mention reaches only those of its members who can see it).
   */
  async mentionCandidates(
    subjectType: 'record' | 'task',
    subjectId: string,
    actor: Actor,
    q: string,
    limit: number,
  ): Promise<MentionCandidates> {
    return this.deps.store.transaction(
      async (tx) => {
        const subject = await subjectFor(tx, subjectType, subjectId, actor);
        const roles = await tx.roles.list();
        const needle = q.trim().toLowerCase();
        const everyone = await tx.collaboration.activeUsers({ roles: roles.map((r) => r.key) });
        const caseKey = caseKeyOf(subject);
        const viaCase = subject.type === 'task' && caseKey !== null;
        const users: MentionCandidates['users'] = [];
        for (const user of everyone) {
          if (users.length >= limit) break;
          if (user.id === actor.userId) continue;
          if (
            needle !== '' &&
            !user.username.toLowerCase().includes(needle) &&
            !user.displayName.toLowerCase().includes(needle)
          )
            continue;
          const as = actorOfCollabUser(user, roles);
          const sees =
            subject.type === 'record'
              ? canSeeRecord(subject.record, as)
              : canSeeTask(subject.task, as) || (viaCase && (await canSeeCaseOf(tx, caseKey, as)));
          if (sees) users.push({ id: user.id, username: user.username, displayName: user.displayName });
        }
        const matching = roles.filter(
          (r) =>
            needle === '' ||
            r.key.toLowerCase().includes(needle) ||
            Object.values(r.name).some((n) => String(n).toLowerCase().includes(needle)),
        );
        return {
          users,
          roles: matching.slice(0, limit).map((r) => ({ key: r.key, name: { ...r.name } })),
        };
      },
      { readOnly: true },
    );
  }

  async get(id: string, actor: Actor): Promise<CommentView> {
    return this.deps.store.transaction(
      async (tx) => (await this.views(tx, [await this.visibleComment(tx, id, actor)]))[0]!,
      { readOnly: true },
    );
  }

  async edit(
    id: string,
    body: unknown,
    actor: Actor,
  ): Promise<{ comment: CommentView; mentions: MentionReport }> {
    const input = commentInput(body);
    return this.deps.store.transaction(async (tx) => {
      const current = await this.visibleComment(tx, id, actor, { forUpdate: true });
      if (current.authorId !== actor.userId) {
        throw forbidden('comments.not_author', 'only the author can edit a comment');
      }
      const subject = await subjectOfComment(tx, current);
      const resolved = await resolveMentions(tx, input.mentions, input.body);
      const at = this.deps.clock.now();
      const updated = await tx.comments.replace(current, {
        body: input.body,
        mentions: resolved.mentions,
        at,
        by: actor.userId,
      });
      await tx.audit.append({
        actor: actor.userId,
        action: 'comment.edited',
        subjectType: 'comment',
        subjectId: id,
        detail: { revision: updated.revision, mentions: resolved.mentions.length },
      });
      // Everyone mentioned before was told already (the event key is the comment's): only new names hear of it.
      const report = subject
        ? await this.notifyMentions(tx, subject, updated, resolved.recipients, actor, at)
        : { notified: [], cannotSee: [] };
      return { comment: (await this.views(tx, [updated]))[0]!, mentions: report };
    });
  }

  async delete(id: string, actor: Actor): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      const current = await this.visibleComment(tx, id, actor, { forUpdate: true });
      if (current.authorId !== actor.userId) {
        throw forbidden('comments.not_author', 'only the author can delete a comment');
      }
      const at = this.deps.clock.now();
      await tx.comments.replace(current, { body: null, mentions: [], at, by: actor.userId });
      await tx.audit.append({
        actor: actor.userId,
        action: 'comment.deleted',
        subjectType: 'comment',
        subjectId: id,
        detail: { on: { type: current.subjectType, id: current.subjectId }, revision: current.revision },
      });
    });
  }

  /** Earlier texts, oldest first, then the current one. */
  async history(
    id: string,
    actor: Actor,
  ): Promise<{
    current: CommentView;
    revisions: {
      revision: number;
      body: string;
      writtenAt: string;
      replacedAt: string;
      replacedBy: string;
    }[];
  }> {
    return this.deps.store.transaction(
      async (tx) => {
        const comment = await this.visibleComment(tx, id, actor);
        const revisions = await tx.comments.revisions(id);
        return {
          current: (await this.views(tx, [comment]))[0]!,
          revisions: revisions.map((r) => ({
            revision: r.revision,
            body: r.body,
            writtenAt: r.writtenAt.toISOString(),
            replacedAt: r.replacedAt.toISOString(),
            replacedBy: r.replacedBy,
          })),
        };
      },
      { readOnly: true },
    );
  }

  /** Comment views with authors, mention names and attachments resolved (in the caller's transaction). */
  async views(tx: StoreTx, comments: readonly CommentRecord[]): Promise<CommentView[]> {
    if (comments.length === 0) return [];
    const userIds = comments.flatMap((c) => [
      c.authorId,
      ...c.mentions.flatMap((m) => (m.kind === 'user' ? [m.id] : [])),
    ]);
    const names = await tx.collaboration.displayNames(userIds);
    const roleKeys = [
      ...new Set(comments.flatMap((c) => c.mentions.flatMap((m) => (m.kind === 'role' ? [m.key] : [])))),
    ];
    const roles = new Map((await tx.roles.byKeys(roleKeys)).map((r) => [r.key, r]));
    const attachments = await tx.attachments.list(
      comments.filter((c) => c.deletedAt === null).map((c) => ({ type: 'comment' as const, id: c.id })),
    );
    const byComment = new Map<string, AttachmentRecord[]>();
    for (const a of attachments) byComment.set(a.subjectId, [...(byComment.get(a.subjectId) ?? []), a]);
    return comments.map((c) => ({
      id: c.id,
      subject: { type: c.subjectType, id: c.subjectId },
      caseKey: c.caseKey,
      author: { id: c.authorId, displayName: names.get(c.authorId) ?? null },
      body: c.body,
      mentions: c.mentions.map((m) =>
        m.kind === 'user'
          ? { kind: 'user', id: m.id, displayName: names.get(m.id) ?? null }
          : { kind: 'role', key: m.key, name: roles.get(m.key)?.name ?? null },
      ),
      revision: c.revision,
      createdAt: c.createdAt.toISOString(),
      editedAt: c.editedAt?.toISOString() ?? null,
      deletedAt: c.deletedAt?.toISOString() ?? null,
      attachments: (byComment.get(c.id) ?? []).reverse().map(attachmentView),
    }));
  }

  private async visibleComment(
    tx: StoreTx,
    id: string,
    actor: Actor,
    options: { forUpdate?: boolean } = {},
  ): Promise<CommentRecord> {
    const comment = UUID.test(id) ? await tx.comments.get(id, options) : undefined;
    if (!comment || comment.deletedAt !== null || !(await canSeeComment(tx, comment, actor))) {
      throw notFound('comments.not_found', 'comment', id);
    }
    return comment;
  }

  /**
   * Notifies the mentioned people who can see what the comment is on: those who can work a task
   * are sent to the task, those who only see its case are sent to the case.
   */
  private async notifyMentions(
    tx: StoreTx,
    subject: Subject,
    comment: CommentRecord,
    recipients: readonly CollabUser[],
    actor: Actor,
    at: Date,
  ): Promise<MentionReport> {
    const others = recipients.filter((u) => u.id !== actor.userId);
    if (others.length === 0) return { notified: [], cannotSee: [] };
    const roles: RoleRecord[] = await tx.roles.list();
    const direct: string[] = [];
    const viaCase: string[] = [];
    const cannotSee: { id: string; displayName: string }[] = [];
    const caseKey = caseKeyOf(subject);
    const caseRecord =
      subject.type === 'task' && caseKey
        ? await tx.collaboration.caseRecord('debt-case', caseKey)
        : undefined;
    for (const user of others) {
      const as = actorOfCollabUser(user, roles);
      if (subject.type === 'record' ? canSeeRecord(subject.record, as) : canSeeTask(subject.task, as)) {
        direct.push(user.id);
      } else if (caseRecord && caseKey && (await canSeeCaseOf(tx, caseKey, as))) {
        viaCase.push(user.id);
      } else {
        cannotSee.push({ id: user.id, displayName: user.displayName });
      }
    }
    const label = labelOf(subject);
    const author = actor.displayName || actor.userId;
    const base = {
      kind: 'mention' as const,
      key: `mention:${comment.id}`,
      actorId: actor.userId,
      subject: { type: 'comment', id: comment.id },
      title: {
        'zh-CN': `${author} 在“${label}”中提到了你`,
        en: `${author} mentioned you on ${label}`,
      },
      excerpt: comment.body,
      teamId: subject.type === 'record' ? subject.record.ownerTeamId : (caseRecord?.ownerTeamId ?? null),
      data: {
        commentId: comment.id,
        on: { type: subject.type, id: subject.type === 'record' ? subject.record.id : subject.task.id },
        ...(caseKey ? { caseKey } : {}),
        ...(caseRecord ? { caseRecordId: caseRecord.id } : {}),
      },
      at,
    };
    const first = await this.deps.notifier.emit(tx, { ...base, recipients: direct, link: linkOf(subject) });
    const second =
      viaCase.length > 0 && caseRecord
        ? await this.deps.notifier.emit(tx, { ...base, recipients: viaCase, link: `/cases/${caseRecord.id}` })
        : { notified: [] };
    return { notified: [...first.notified, ...second.notified], cannotSee };
  }
}

async function subjectOfComment(tx: StoreTx, comment: CommentRecord): Promise<Subject | undefined> {
  if (comment.subjectType === 'record') {
    const record = await tx.records.get(comment.subjectId);
    return record && { type: 'record', record };
  }
  const task = await tx.tasks.get(comment.subjectId);
  return task && { type: 'task', task };
}

function commentInput(body: unknown): { body: string; mentions: CommentMention[] } {
  const b = objectBody(body, 'an object with "body" (the text) and optionally "mentions"');
  if (typeof b.body !== 'string' || b.body.trim() === '') {
    throw invalid('comments.invalid_body', '/body', 'body must be a non-empty string');
  }
  if (b.body.length > MAX_COMMENT_LENGTH) {
    throw invalid('comments.invalid_body', '/body', `body must be at most ${MAX_COMMENT_LENGTH} characters`);
  }
  if (b.body.includes('\u0000')) {
    throw invalid('comments.invalid_body', '/body', 'body must not contain the NUL character (U+0000)');
  }
  return { body: b.body, mentions: mentionsFromBody(b.mentions) };
}
