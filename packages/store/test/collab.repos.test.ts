import type { Store } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const T0 = new Date('2026-11-02T09:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe.each(testBackends().map((b) => [b.name, b] as const))('collaboration repos on %s', (_n, backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
  });
  afterAll(async () => {
    await cleanup();
  });

  it('a notification is stored once per user and event, and counts as unread until read', async () => {
    const base = {
      kind: 'mention',
      subjectType: 'comment',
      subjectId: 'c-1',
      title: { en: 'hi' },
      excerpt: null,
      link: null,
      data: {},
      actorId: null,
      dedupeKey: 'mention:c-1',
      createdAt: T0,
    };
    const first = await store.transaction((tx) =>
      tx.notifications.insert([
        { ...base, id: uuidv7(), userId: 'u1' },
        { ...base, id: uuidv7(), userId: 'u2' },
      ]),
    );
    const again = await store.transaction((tx) =>
      tx.notifications.insert([{ ...base, id: uuidv7(), userId: 'u1' }]),
    );
    expect(first).toHaveLength(2);
    expect(again).toEqual([]);
    await store.transaction(async (tx) => {
      expect(await tx.notifications.unreadCount('u1')).toBe(1);
      expect(await tx.notifications.markRead('u2', first[0]!.id, T0)).toBeUndefined();
      expect((await tx.notifications.markRead('u1', first[0]!.id, T0))?.readAt).toEqual(T0);
      expect(await tx.notifications.unreadCount('u1')).toBe(0);
      await tx.notifications.setPreferences('u2', { mention: false, assignment: true });
      expect(await tx.notifications.optedOut(['u1', 'u2'], 'mention')).toEqual(new Set(['u2']));
    });
  });

  it('a leased webhook delivery is invisible to other nodes until the lease runs out', async () => {
    const hookId = uuidv7();
    await store.transaction(async (tx) => {
      await tx.webhooks.create({
        id: hookId,
        name: 'h',
        platform: 'generic',
        url: 'http://127.0.0.1:9/x',
        secret: null,
        events: ['mention'],
        teamId: null,
        locale: 'en',
        active: true,
        createdBy: 'admin',
        createdAt: T0,
      });
      const input = { webhookId: hookId, eventKind: 'mention', payload: {}, maxAttempts: 3, createdAt: T0 };
      expect(await tx.webhooks.enqueue([{ ...input, id: uuidv7(), idempotencyKey: 'k1' }])).toBe(1);
      expect(await tx.webhooks.enqueue([{ ...input, id: uuidv7(), idempotencyKey: 'k1' }])).toBe(0);
      expect(await tx.webhooks.subscribedTo('mention', 'team-x')).toHaveLength(1);
      expect(await tx.webhooks.subscribedTo('incident', null)).toHaveLength(0);
    });
    const leased = await store.transaction((tx) => tx.webhooks.lease(at(0), at(60), 10));
    expect(leased).toHaveLength(1);
    expect(await store.transaction((tx) => tx.webhooks.lease(at(30), at(90), 10))).toEqual([]);
    expect(await store.transaction((tx) => tx.webhooks.lease(at(61), at(120), 10))).toHaveLength(1);
  });

  it('an SLA mark and a seen event are taken once', async () => {
    const seen = await store.transaction(async (tx) => [
      await tx.collaboration.markSeen('assignment:x', T0),
      await tx.collaboration.markSeen('assignment:x', T0),
    ]);
    expect(seen).toEqual([true, false]);
  });

  it('a commission rule applies from its month until a newer one', async () => {
    await store.transaction(async (tx) => {
      await tx.teams.upsert({ id: 'team-r', name: { en: 'R' } });
      await tx.targets.setCommissionRule(
        'team-r',
        '2026-03',
        { tiers: [{ from: '0', percent: '1' }] },
        'boss',
      );
      await tx.targets.setCommissionRule(
        'team-r',
        '2026-07',
        { tiers: [{ from: '0', percent: '2' }] },
        'boss',
      );
      expect(await tx.targets.commissionRule('team-r', '2026-02')).toBeUndefined();
      expect((await tx.targets.commissionRule('team-r', '2026-06'))?.effectiveFrom).toBe('2026-03');
      expect((await tx.targets.commissionRule('team-r', '2026-12'))?.effectiveFrom).toBe('2026-07');
    });
  });
});
