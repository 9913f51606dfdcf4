import type { Knex } from 'knex';
import type { LocalizedText } from './roles.repo.js';

export interface NotificationInput {
  id: string;
  userId: string;
  kind: string;
  subjectType: string;
  subjectId: string;
  title: LocalizedText;
  excerpt: string | null;
  link: string | null;
  data: Record<string, unknown>;
  actorId: string | null;
  /** One notification per user and key: the same event seen twice notifies once. */
  dedupeKey: string;
  createdAt: Date;
}

export interface NotificationRecord extends Omit<NotificationInput, 'dedupeKey'> {
  readAt: Date | null;
}

export interface NotificationQuery {
  userId: string;
  unreadOnly?: boolean;
  kinds?: string[];
  limit: number;
  /** Newest first: only notifications with an id below this one. */
  before?: string;
}

interface NotificationRow {
  id: string;
  user_id: string;
  kind: string;
  subject_type: string;
  subject_id: string;
  title: LocalizedText;
  excerpt: string | null;
  link: string | null;
  data: Record<string, unknown>;
  actor_id: string | null;
  created_at: Date;
  read_at: Date | null;
}

const toRecord = (r: NotificationRow): NotificationRecord => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  title: r.title,
  excerpt: r.excerpt,
  link: r.link,
  data: r.data,
  actorId: r.actor_id,
  createdAt: r.created_at,
  readAt: r.read_at,
});

/** In-app notifications and what each user wants to receive. */
export class NotificationsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  /** Inserts the ones not seen before (by user and dedupe key); returns those inserted. */
  async insert(notifications: readonly NotificationInput[]): Promise<NotificationRecord[]> {
    if (notifications.length === 0) return [];
    const rows = (await this.db('notifications')
      .insert(
        notifications.map((n) => ({
          id: n.id,
          user_id: n.userId,
          kind: n.kind,
          subject_type: n.subjectType,
          subject_id: n.subjectId,
          title: JSON.stringify(n.title),
          excerpt: n.excerpt,
          link: n.link,
          data: JSON.stringify(n.data),
          actor_id: n.actorId,
          dedupe_key: n.dedupeKey,
          created_at: n.createdAt,
        })),
      )
      .onConflict(['user_id', 'dedupe_key'])
      .ignore()
      .returning('*')) as NotificationRow[];
    return rows.map(toRecord);
  }

  async list(query: NotificationQuery): Promise<NotificationRecord[]> {
    const q = this.db('notifications')
      .where({ user_id: query.userId })
      .orderBy('id', 'desc')
      .limit(query.limit);
    if (query.unreadOnly) q.whereNull('read_at');
    if (query.kinds && query.kinds.length > 0) q.whereIn('kind', query.kinds);
    if (query.before) q.where('id', '<', query.before);
    return ((await q) as NotificationRow[]).map(toRecord);
  }

  async unreadCount(userId: string): Promise<number> {
    const row = await this.db('notifications')
      .where({ user_id: userId })
      .whereNull('read_at')
      .count<{ n: number }>({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  }

  /** Marks the user's own notification read; undefined when it is not theirs or does not exist. */
  async markRead(userId: string, id: string, at: Date): Promise<NotificationRecord | undefined> {
    const rows = (await this.db('notifications')
      .where({ id, user_id: userId })
      .update({ read_at: this.db.raw('coalesce(read_at, ?)', [at]) })
      .returning('*')) as NotificationRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Marks every unread notification of the user read (up to `upTo`, an id, when given). */
  async markAllRead(userId: string, at: Date, upTo?: string): Promise<number> {
    const q = this.db('notifications').where({ user_id: userId }).whereNull('read_at');
    if (upTo) q.where('id', '<=', upTo);
    return q.update({ read_at: at });
  }

  /** kind → in-app on/off, for the kinds the user has set. */
  async preferences(userId: string): Promise<Record<string, boolean>> {
    const rows = (await this.db('notification_preferences').where({ user_id: userId })) as {
      kind: string;
      in_app: boolean;
    }[];
    return Object.fromEntries(rows.map((r) => [r.kind, r.in_app]));
  }

  async setPreferences(userId: string, preferences: Record<string, boolean>): Promise<void> {
    const entries = Object.entries(preferences);
    if (entries.length === 0) return;
    await this.db('notification_preferences')
      .insert(
        entries.map(([kind, inApp]) => ({
          user_id: userId,
          kind,
          in_app: inApp,
          updated_at: this.db.fn.now(),
        })),
      )
      .onConflict(['user_id', 'kind'])
      .merge(['in_app', 'updated_at']);
  }

  /** Of `userIds`, those who turned `kind` off. */
  async optedOut(userIds: readonly string[], kind: string): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = (await this.db('notification_preferences')
      .whereIn('user_id', [...userIds])
      .where({ kind, in_app: false })
      .select('user_id')) as { user_id: string }[];
    return new Set(rows.map((r) => r.user_id));
  }
}
