import type { Clock } from '@collectflow/engine';
import type { NotificationRecord, Store } from '@collectflow/store';
import type { Actor } from '../auth/actor.js';
import { invalid, notFound, objectBody, UUID } from './collab.errors.js';
import { isNotificationKind, NOTIFICATION_KINDS, type NotificationKind } from './notifier.js';

export interface NotificationView {
  id: string;
  kind: string;
  subject: { type: string; id: string };
  title: Record<string, string>;
  excerpt: string | null;
  link: string | null;
  data: Record<string, unknown>;
  actorId: string | null;
  createdAt: string;
  readAt: string | null;
}

const view = (n: NotificationRecord): NotificationView => ({
  id: n.id,
  kind: n.kind,
  subject: { type: n.subjectType, id: n.subjectId },
  title: n.title,
  excerpt: n.excerpt,
  link: n.link,
  data: n.data,
  actorId: n.actorId,
  createdAt: n.createdAt.toISOString(),
  readAt: n.readAt?.toISOString() ?? null,
});

/** The bell: a user's own notifications, unread count, marking read, and preferences. */
export class NotificationsService {
  constructor(private readonly deps: { store: Store; clock: Clock }) {}

  async list(
    actor: Actor,
    query: { unreadOnly: boolean; kinds?: string[]; limit: number; before?: string },
  ): Promise<{ items: NotificationView[]; nextCursor: string | null; unreadCount: number }> {
    for (const kind of query.kinds ?? []) {
      if (!isNotificationKind(kind)) {
        throw invalid(
          'notifications.bad_query',
          '/kind',
          `kind must be one of ${NOTIFICATION_KINDS.join(', ')}`,
        );
      }
    }
    return this.deps.store.transaction(
      async (tx) => {
        const items = await tx.notifications.list({ userId: actor.userId, ...query });
        return {
          items: items.map(view),
          nextCursor: items.length === query.limit ? (items.at(-1)?.id ?? null) : null,
          unreadCount: await tx.notifications.unreadCount(actor.userId),
        };
      },
      { readOnly: true },
    );
  }

  async unreadCount(actor: Actor): Promise<{ count: number }> {
    const count = await this.deps.store.transaction((tx) => tx.notifications.unreadCount(actor.userId), {
      readOnly: true,
    });
    return { count };
  }

  async markRead(id: string, actor: Actor): Promise<NotificationView> {
    const found = UUID.test(id)
      ? await this.deps.store.transaction((tx) =>
          tx.notifications.markRead(actor.userId, id, this.deps.clock.now()),
        )
      : undefined;
    // Someone else's notification is as absent as one that never existed.
    if (!found) throw notFound('notifications.not_found', 'notification', id);
    return view(found);
  }

  async markAllRead(actor: Actor, body: unknown): Promise<{ marked: number; unreadCount: number }> {
    const b = body === undefined ? {} : objectBody(body, 'an object (optionally with "upTo")');
    if (b.upTo !== undefined && (typeof b.upTo !== 'string' || !UUID.test(b.upTo))) {
      throw invalid('notifications.invalid_body', '/upTo', 'upTo must be the id of a notification');
    }
    return this.deps.store.transaction(async (tx) => {
      const marked = await tx.notifications.markAllRead(
        actor.userId,
        this.deps.clock.now(),
        b.upTo as string | undefined,
      );
      return { marked, unreadCount: await tx.notifications.unreadCount(actor.userId) };
    });
  }

  /** Every kind with whether it shows in the app (on unless turned off). */
  async preferences(actor: Actor): Promise<{ inApp: Record<NotificationKind, boolean> }> {
    const set = await this.deps.store.transaction((tx) => tx.notifications.preferences(actor.userId), {
      readOnly: true,
    });
    return {
      inApp: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, set[k] ?? true])) as Record<
        NotificationKind,
        boolean
      >,
    };
  }

  async setPreferences(actor: Actor, body: unknown): Promise<{ inApp: Record<NotificationKind, boolean> }> {
    const b = objectBody(body, 'an object with "inApp": { "<kind>": true | false }');
    const inApp = b.inApp;
    if (typeof inApp !== 'object' || inApp === null || Array.isArray(inApp)) {
      throw invalid(
        'notifications.invalid_preferences',
        '/inApp',
        'inApp must be an object of kind → boolean',
      );
    }
    const changes: Record<string, boolean> = {};
    for (const [kind, on] of Object.entries(inApp)) {
      if (!isNotificationKind(kind)) {
        throw invalid(
          'notifications.invalid_preferences',
          `/inApp/${kind.replaceAll('~', '~0').replaceAll('/', '~1')}`,
          `unknown kind; kinds are ${NOTIFICATION_KINDS.join(', ')}`,
        );
      }
      if (typeof on !== 'boolean') {
        throw invalid('notifications.invalid_preferences', `/inApp/${kind}`, 'must be true or false');
      }
      changes[kind] = on;
    }
    await this.deps.store.transaction((tx) => tx.notifications.setPreferences(actor.userId, changes));
    return this.preferences(actor);
  }
}
