import type { Store } from '@collectflow/store';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUsers,
  expectProblem,
  FakeClock,
  insertTask,
  publishCaseForm,
  type TestUser,
} from './collab.support.js';
import { type Body, json } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/**
 * Comments and attachments on a process task: whoever may work the task (its candidates, its
 * assignee) reads and writes them; anyone else is told the task does not exist. Whoever sees
 * the task's case reads them too, through the case timeline and the files' download links.
 */
describe.each(testBackends().map((b) => [b.name, b] as const))(
  'comments and files on a task on %s',
  (_n, backend) => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let app: RunningTestApp;
    let u: Record<string, TestUser>;
    let caseId: string;
    let taskId: string;
    const clock = new FakeClock(new Date());

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      u = await createUsers(store, [
        { username: 'li.a', role: 'liaison', teamId: 'team-a' },
        { username: 'qian.a', role: 'liaison', teamId: 'team-a' },
        { username: 'zhao.b', role: 'liaison', teamId: 'team-b' },
        { username: 'boss.a', role: 'manager', teamId: 'team-a' },
      ]);
      app = await startTestApp(store, { collaboration: { clock } });
      await publishCaseForm(app);
      const created = await app.request('/api/forms/debt-case/records', {
        method: 'POST',
        json: { data: { caseNumber: 'DC-2026-000510' } },
        as: u['li.a']!.as,
      });
      caseId = (await json(created)).id;
      // Offered to team A only: team B's liaison may not work it, and neither may the manager.
      ({ taskId } = await store.transaction((tx) =>
        insertTask(tx, {
          businessKey: 'DC-2026-000510',
          name: 'Call debtor',
          candidateGroups: ['team-a'],
          at: clock.now(),
        }),
      ));
    });
    afterAll(async () => {
      await app?.close();
      await cleanup();
    });

    it("a candidate comments on the task with a mention; the colleague is notified and opens the task's thread", async () => {
      const res = await app.request(`/api/tasks/${taskId}/comments`, {
        method: 'POST',
        as: u['li.a']!.as,
        json: { body: 'Debtor asked for a call after 6pm, @qian.a can you take it?' },
      });
      const saved = await json(res);
      expect(res.status, JSON.stringify(saved)).toBe(201);
      expect(saved.comment.subject).toEqual({ type: 'task', id: taskId });
      expect(saved.comment.caseKey).toBe('DC-2026-000510');
      expect(saved.mentions.notified).toEqual([u['qian.a']!.id]);

      const list = await json(await app.request(`/api/tasks/${taskId}/comments`, { as: u['qian.a']!.as }));
      expect(list.items.map((c: Body) => c.body)).toEqual([
        'Debtor asked for a call after 6pm, @qian.a can you take it?',
      ]);
      const notice = (await json(await app.request('/api/notifications', { as: u['qian.a']!.as }))).items[0];
      expect(notice.kind).toBe('mention');
      expect(notice.link).toBe(`/tasks/${taskId}`);

      // The @ picker of a task offers the people who may work it, not the other team.
      const candidates = await json(
        await app.request(`/api/tasks/${taskId}/mention-candidates?q=`, { as: u['li.a']!.as }),
      );
      const usernames = candidates.users.map((x: Body) => x.username);
      expect(usernames).toContain('qian.a');
      expect(usernames).not.toContain('zhao.b');
    });

    it('someone who may not work the task gets 404 for its comments, picker and files, and writes nothing', async () => {
      const outsider = u['zhao.b']!.as;
      await expectProblem(
        await app.request(`/api/tasks/${taskId}/comments`, { as: outsider }),
        404,
        'task.not_found',
      );
      await expectProblem(
        await app.request(`/api/tasks/${taskId}/comments`, {
          method: 'POST',
          as: outsider,
          json: { body: 'not my task' },
        }),
        404,
        'task.not_found',
      );
      await expectProblem(
        await app.request(`/api/tasks/${taskId}/mention-candidates`, { as: outsider }),
        404,
        'task.not_found',
      );
      await expectProblem(
        await app.request(`/api/tasks/${taskId}/attachments`, { as: outsider }),
        404,
        'task.not_found',
      );
      await expectProblem(
        await app.request(`/api/tasks/${taskId}/attachments?fileName=x.pdf`, {
          method: 'POST',
          headers: { 'content-type': 'application/pdf' },
          body: new Uint8Array(PDF),
          as: outsider,
        }),
        404,
        'task.not_found',
      );
      const written = await rawSelect<{ n: number }>(
        store,
        'select count(*)::int as n from comments where subject_id = ? and body = ?',
        [taskId, 'not my task'],
      );
      expect(Number(written[0]!.n)).toBe(0);
      const files = await rawSelect<{ n: number }>(
        store,
        'select count(*)::int as n from attachments where subject_id = ?',
        [taskId],
      );
      expect(Number(files[0]!.n)).toBe(0);
      // An unknown task is the same answer.
      await expectProblem(
        await app.request('/api/tasks/00000000-0000-7000-8000-000000000000/comments', { as: u['li.a']!.as }),
        404,
        'task.not_found',
      );
    });

    it("a candidate attaches a PDF to the task; the case's manager downloads it, audited", async () => {
      const res = await app.request(
        `/api/tasks/${taskId}/attachments?fileName=${encodeURIComponent('回执.pdf')}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/pdf' },
          body: new Uint8Array(PDF),
          as: u['li.a']!.as,
        },
      );
      const stored = await json(res);
      expect(res.status, JSON.stringify(stored)).toBe(201);
      expect(stored).toMatchObject({
        subject: { type: 'task', id: taskId },
        fileName: '回执.pdf',
        contentType: 'application/pdf',
        previewable: true,
      });
      const listed = await json(
        await app.request(`/api/tasks/${taskId}/attachments`, { as: u['qian.a']!.as }),
      );
      expect(listed.items.map((a: Body) => a.id)).toEqual([stored.id]);

      // The case's manager finds the task's conversation on the case timeline.
      const timeline = await json(
        await app.request(`/api/records/${caseId}/timeline`, { as: u['boss.a']!.as }),
      );
      expect(
        timeline.items.filter((i: Body) => i.kind === 'comment').map((i: Body) => i.comment.subject),
      ).toEqual([{ type: 'task', id: taskId }]);
      const download = await app.request(`/api/attachments/${stored.id}/content`, { as: u['boss.a']!.as });
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
      const audited = await store.transaction((tx) =>
        tx.audit.list({ limit: 10, action: 'attachment.downloaded', subjectId: stored.id }),
      );
      expect(audited.map((d) => d.actor)).toEqual([u['boss.a']!.id]);

      // The other team sees neither the task nor its case: the file is not found.
      await expectProblem(
        await app.request(`/api/attachments/${stored.id}/content`, { as: u['zhao.b']!.as }),
        404,
        'attachments.not_found',
      );
    });
  },
);
