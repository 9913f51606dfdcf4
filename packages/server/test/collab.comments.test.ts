import type { Store } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsers, expectProblem, FakeClock, publishCaseForm, type TestUser } from './collab.support.js';
import { type Body, json } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'comments and mentions on %s',
  (_n, backend) => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let app: RunningTestApp;
    let u: Record<string, TestUser>;
    let caseId: string;
    let commentId: string;
    const clock = new FakeClock(new Date());

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      u = await createUsers(store, [
        { username: 'li.a', role: 'liaison', teamId: 'team-a', displayName: 'Li Na' },
        { username: 'wang.a', role: 'liaison', teamId: 'team-a', displayName: 'Wang Wei' },
        { username: 'zhao.b', role: 'liaison', teamId: 'team-b', displayName: 'Zhao Lei' },
        { username: 'legal.1', role: 'legal', teamId: 'team-legal' },
        { username: 'legal.2', role: 'legal', teamId: 'team-legal' },
        { username: 'boss.a', role: 'manager', teamId: 'team-a' },
      ]);
      app = await startTestApp(store, { collaboration: { clock } });
      await publishCaseForm(app);
      const created = await app.request('/api/forms/debt-case/records', {
        method: 'POST',
        json: { data: { caseNumber: 'DC-2026-000001' } },
        as: u['li.a']!.as,
      });
      caseId = (await json(created)).id;
    });
    afterAll(async () => {
      await app?.close();
      await cleanup();
    });

    const notificationsOf = async (user: TestUser) =>
      json(await app.request('/api/notifications', { as: user.as }));

    it('a mention notifies the user, and everyone holding a mentioned role, who can see the case', async () => {
      const res = await app.request(`/api/records/${caseId}/comments`, {
        method: 'POST',
        as: u['li.a']!.as,
        json: {
          body: '@role:legal 请看一下这个案件，@zhao.b 也看看',
          mentions: [{ kind: 'user', id: u['wang.a']!.id }],
        },
      });
      const body = await json(res);
      expect(res.status, JSON.stringify(body)).toBe(201);
      commentId = body.comment.id;
      expect(body.comment.author).toEqual({ id: u['li.a']!.id, displayName: 'Li Na' });
      expect(body.comment.mentions).toEqual(
        expect.arrayContaining([
          { kind: 'user', id: u['wang.a']!.id, displayName: 'Wang Wei' },
          { kind: 'role', key: 'legal', name: expect.objectContaining({ en: 'legal' }) },
        ]),
      );
      expect([...body.mentions.notified].sort()).toEqual(
        [u['wang.a']!.id, u['legal.1']!.id, u['legal.2']!.id].sort(),
      );
      // Team B's liaison cannot see team A's case: mentioned, but not told about it.
      expect(body.mentions.cannotSee).toEqual([{ id: u['zhao.b']!.id, displayName: 'Zhao Lei' }]);

      const legal = await notificationsOf(u['legal.1']!);
      expect(legal.unreadCount).toBe(1);
      expect(legal.items[0]).toMatchObject({
        kind: 'mention',
        subject: { type: 'comment', id: commentId },
        link: `/cases/${caseId}`,
        title: { 'zh-CN': 'Li Na 在“DC-2026-000001”中提到了你', en: 'Li Na mentioned you on DC-2026-000001' },
        excerpt: '@role:legal 请看一下这个案件，@zhao.b 也看看',
        readAt: null,
      });
      expect((await notificationsOf(u['zhao.b']!)).items).toEqual([]);
      expect((await notificationsOf(u['li.a']!)).items).toEqual([]);

      const read = await app.request(`/api/notifications/${legal.items[0].id}/read`, {
        method: 'POST',
        as: u['legal.1']!.as,
      });
      expect((await json(read)).readAt).not.toBeNull();
      expect(
        await json(await app.request('/api/notifications/unread-count', { as: u['legal.1']!.as })),
      ).toEqual({
        count: 0,
      });
      // Someone else's notification is not there for you.
      await expectProblem(
        await app.request(`/api/notifications/${legal.items[0].id}/read`, {
          method: 'POST',
          as: u['legal.2']!.as,
        }),
        404,
        'notifications.not_found',
      );
    });

    it('an edit keeps the earlier text in the history and notifies only the newly mentioned', async () => {
      clock.advance(60_000);
      const res = await app.request(`/api/comments/${commentId}`, {
        method: 'PATCH',
        as: u['li.a']!.as,
        json: {
          body: '更正：@role:legal 和 @boss.a 请看',
          mentions: [{ kind: 'user', id: u['wang.a']!.id }],
        },
      });
      const body = await json(res);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.comment.revision).toBe(2);
      expect(body.comment.editedAt).toBe(clock.now().toISOString());
      expect(body.mentions.notified).toEqual([u['boss.a']!.id]);
      expect((await notificationsOf(u['wang.a']!)).items).toHaveLength(1);
      expect((await notificationsOf(u['boss.a']!)).items).toHaveLength(1);

      const history = await json(
        await app.request(`/api/comments/${commentId}/history`, { as: u['wang.a']!.as }),
      );
      expect(history.current.body).toBe('更正：@role:legal 和 @boss.a 请看');
      expect(history.revisions).toEqual([
        expect.objectContaining({
          revision: 1,
          body: '@role:legal 请看一下这个案件，@zhao.b 也看看',
          replacedBy: u['li.a']!.id,
        }),
      ]);

      await expectProblem(
        await app.request(`/api/comments/${commentId}`, {
          method: 'PATCH',
          as: u['wang.a']!.as,
          json: { body: '我改一下' },
        }),
        403,
        'comments.not_author',
      );
    });

    it("another team's liaison cannot read the case's comments: the case is not found", async () => {
      await expectProblem(
        await app.request(`/api/records/${caseId}/comments`, { as: u['zhao.b']!.as }),
        404,
        'records.not_found',
      );
      await expectProblem(
        await app.request(`/api/comments/${commentId}`, { as: u['zhao.b']!.as }),
        404,
        'comments.not_found',
      );
    });

    it('the timeline shows the comment and the record changes, and pages through them without gaps', async () => {
      clock.advance(60_000);
      const record = await json(await app.request(`/api/records/${caseId}`, { as: u['li.a']!.as }));
      const updated = await app.request(`/api/records/${caseId}`, {
        method: 'PUT',
        as: u['li.a']!.as,
        json: { version: record.version, data: { caseNumber: 'DC-2026-000001', note: '已联系' } },
      });
      expect(updated.status).toBe(200);
      await app.request(`/api/records/${caseId}/comments`, {
        method: 'POST',
        as: u['wang.a']!.as,
        json: { body: '收到' },
      });

      const all = await json(await app.request(`/api/records/${caseId}/timeline`, { as: u['boss.a']!.as }));
      const kinds = all.items.map((i: Body) => (i.kind === 'record' ? i.change.action : i.kind));
      expect(kinds.sort()).toEqual(['comment', 'comment', 'record.created', 'record.updated']);
      const change = all.items.find((i: Body) => i.change?.action === 'record.updated');
      expect(change.change).toMatchObject({ version: 2, changedFields: ['note'] });
      expect(change.actor).toEqual({ id: u['li.a']!.id, displayName: 'Li Na' });

      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Body = await json(
          await app.request(`/api/records/${caseId}/timeline?limit=1${cursor ? `&cursor=${cursor}` : ''}`, {
            as: u['boss.a']!.as,
          }),
        );
        paged.push(...page.items.map((i: Body) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual(all.items.map((i: Body) => i.id));

      await expectProblem(
        await app.request(`/api/records/${caseId}/timeline?cursor=nonsense`, { as: u['boss.a']!.as }),
        422,
        'timeline.bad_cursor',
        '/cursor',
      );
    });

    it('only the author deletes a comment; it leaves the lists and keeps its history', async () => {
      await expectProblem(
        await app.request(`/api/comments/${commentId}`, { method: 'DELETE', as: u['boss.a']!.as }),
        403,
        'comments.not_author',
      );
      const deleted = await app.request(`/api/comments/${commentId}`, {
        method: 'DELETE',
        as: u['li.a']!.as,
      });
      expect(deleted.status).toBe(204);
      await expectProblem(
        await app.request(`/api/comments/${commentId}`, { as: u['li.a']!.as }),
        404,
        'comments.not_found',
      );
      const list = await json(await app.request(`/api/records/${caseId}/comments`, { as: u['li.a']!.as }));
      expect(list.items.map((c: Body) => c.body)).toEqual(['收到']);
      const revisions = await store.transaction((tx) => tx.comments.revisions(commentId));
      expect(revisions.map((r) => r.revision)).toEqual([1, 2]);
      const audit = await store.transaction((tx) => tx.audit.list({ limit: 10, subjectId: commentId }));
      expect(audit.map((a) => a.action)).toEqual(['comment.deleted', 'comment.edited', 'comment.created']);
    });

    it('a user who turned mentions off is not notified', async () => {
      const off = await app.request('/api/notifications/preferences', {
        method: 'PUT',
        as: u['legal.2']!.as,
        json: { inApp: { mention: false } },
      });
      expect((await json(off)).inApp).toMatchObject({ mention: false, assignment: true });
      const res = await app.request(`/api/records/${caseId}/comments`, {
        method: 'POST',
        as: u['wang.a']!.as,
        json: { body: '@legal.1 @legal.2 请再看' },
      });
      expect((await json(res)).mentions.notified).toEqual([u['legal.1']!.id]);
    });

    it('the @ picker offers only the people who can see the case, and the roles', async () => {
      const candidates = async (query: string, user = u['li.a']!) => {
        const res = await app.request(`/api/records/${caseId}/mention-candidates${query}`, { as: user.as });
        const body = await json(res);
        expect(res.status, JSON.stringify(body)).toBe(200);
        return body as { users: { username: string }[]; roles: { key: string }[] };
      };
      const all = await candidates('');
      const names = all.users.map((x) => x.username);
      expect(names).toEqual(expect.arrayContaining(['wang.a', 'legal.1', 'legal.2', 'boss.a']));
      // Not the caller, and not team B's liaison, who cannot see team A's case.
      expect(names).not.toContain('li.a');
      expect(names).not.toContain('zhao.b');
      expect(all.roles.map((r) => r.key)).toEqual(expect.arrayContaining(['legal', 'liaison']));

      const legal = await candidates('?q=LEGAL.1');
      expect(legal.users.map((x) => x.username)).toEqual(['legal.1']);
      expect(legal.roles).toEqual([]);
      expect((await candidates('?q=wang')).users.map((x) => x.username)).toEqual(['wang.a']);
      expect((await candidates('?limit=1')).users).toHaveLength(1);

      // Someone who cannot see the case learns nothing about who can.
      await expectProblem(
        await app.request(`/api/records/${caseId}/mention-candidates`, { as: u['zhao.b']!.as }),
        404,
        'records.not_found',
      );
      await expectProblem(
        await app.request(`/api/records/${caseId}/mention-candidates?limit=99`, { as: u['li.a']!.as }),
        422,
        'comments.bad_query',
        '/limit',
      );
    });

    it('bad input is answered with problem+json naming the field', async () => {
      const as = u['li.a']!.as;
      const post = (body: unknown) =>
        app.request(`/api/records/${caseId}/comments`, { method: 'POST', as, json: body });
      await expectProblem(await post({}), 422, 'comments.invalid_body', '/body');
      await expectProblem(await post({ body: 'x'.repeat(10_001) }), 422, 'comments.invalid_body', '/body');
      await expectProblem(
        await post({ body: 'hi', mentions: 'legal' }),
        422,
        'comments.invalid_mentions',
        '/mentions',
      );
      await expectProblem(
        await post({ body: 'hi', mentions: [{ kind: 'user', id: '00000000-0000-7000-8000-000000000000' }] }),
        422,
        'comments.unknown_mention',
        '/mentions/0',
      );
      await expectProblem(
        await post({ body: 'hi', mentions: [{ kind: 'role', key: 'nobody' }] }),
        422,
        'comments.unknown_mention',
        '/mentions/0',
      );
      await expectProblem(
        await app.request('/api/notifications/preferences', {
          method: 'PUT',
          as,
          json: { inApp: { gossip: true } },
        }),
        422,
        'notifications.invalid_preferences',
        '/inApp/gossip',
      );
      await expectProblem(
        await app.request('/api/notifications?limit=0', { as }),
        422,
        'request.bad_query',
        '/limit',
      );
    });
  },
);
