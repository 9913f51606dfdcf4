import { createCollaboration, createLogger } from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUsers, FakeClock, insertTask, publishCaseForm, type TestUser } from './collab.support.js';
import { type Body, formWith, json, publishForm } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

const HOUR = 3_600_000;

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'SLA sweep and event notices on %s',
  (_n, backend) => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let app: RunningTestApp;
    let u: Record<string, TestUser>;
    // Starts at the real time: records carry the database's clock, which the event sweep reads.
    const clock = new FakeClock(new Date());

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      u = await createUsers(store, [
        { username: 'li.a', role: 'liaison', teamId: 'team-a', displayName: 'Li Na' },
        { username: 'wang.a', role: 'liaison', teamId: 'team-a' },
        { username: 'boss.a', role: 'manager', teamId: 'team-a' },
        { username: 'boss.b', role: 'manager', teamId: 'team-b' },
        { username: 'ops', role: 'process-admin' },
      ]);
      app = await startTestApp(store, {
        collaboration: { clock, sla: { reminderLeadMs: 2 * HOUR }, events: { initialLookbackMs: HOUR } },
      });
      await publishCaseForm(app);
      await publishForm(
        app,
        formWith('promise-to-pay', {
          type: 'object',
          properties: {
            caseNumber: { type: 'string' },
            status: { type: 'string' },
            collectorId: { type: 'string' },
          },
        }),
      );
    });
    afterAll(async () => {
      await app?.close();
      await cleanup();
    });

    const kinds = async (user: TestUser) =>
      (await json(await app.request('/api/notifications', { as: user.as }))).items.map((n: Body) => n.kind);

    it('assignments, broken promises and incidents are announced once, whoever wrote them', async () => {
      const { taskId, instanceId } = await store.transaction((tx) =>
        insertTask(tx, {
          businessKey: 'DC-2026-000100',
          name: 'Call debtor',
          assignee: u['wang.a']!.id,
          at: clock.now(),
        }),
      );
      const caseRes = await app.request('/api/forms/debt-case/records', {
        method: 'POST',
        as: u['li.a']!.as,
        json: { data: { caseNumber: 'DC-2026-000100' }, assigneeId: u['wang.a']!.id },
      });
      const caseId = (await json(caseRes)).id;
      // Taking a record oneself is not announced.
      await app.request('/api/forms/debt-case/records', {
        method: 'POST',
        as: u['li.a']!.as,
        json: { data: { caseNumber: 'DC-2026-000101' }, assigneeId: u['li.a']!.id },
      });
      await app.request('/api/forms/promise-to-pay/records', {
        method: 'POST',
        as: u['wang.a']!.as,
        json: { data: { caseNumber: 'DC-2026-000100', status: 'BROKEN', collectorId: 'li.a' } },
      });
      await store.transaction((tx) =>
        tx.incidents.open({
          id: uuidv7(),
          instanceId,
          jobId: null,
          elementId: 'send-letter',
          kind: 'service_failed',
          message: 'letter service down',
          details: {},
          createdAt: clock.now(),
        }),
      );

      expect(await app.collaboration.events.run()).toEqual({
        assignments: 2,
        brokenPromises: 1,
        incidents: 1,
      });
      expect(await app.collaboration.events.run()).toEqual({
        assignments: 0,
        brokenPromises: 0,
        incidents: 0,
      });

      const wang = await json(
        await app.request('/api/notifications?kind=assignment', { as: u['wang.a']!.as }),
      );
      expect(wang.items.map((n: Body) => n.link).sort()).toEqual(
        [`/cases/${caseId}`, `/tasks/${taskId}`].sort(),
      );
      expect(await kinds(u['li.a']!)).toEqual(['promise.broken']);
      const li = await json(await app.request('/api/notifications', { as: u['li.a']!.as }));
      expect(li.items[0]).toMatchObject({
        link: `/cases/${caseId}`,
        title: { en: 'Promise to pay broken on case DC-2026-000100' },
      });
      const ops = await json(await app.request('/api/notifications', { as: u.ops!.as }));
      expect(ops.items).toEqual([
        expect.objectContaining({
          kind: 'incident',
          excerpt: 'letter service down',
          title: { 'zh-CN': '流程异常：collab-test', en: 'Process incident in collab-test' },
        }),
      ]);
    });

    it('a task is reminded before it is due and escalated to the manager of its team when overdue, once each', async () => {
      const t0 = clock.now();
      const { taskId } = await store.transaction((tx) =>
        insertTask(tx, {
          businessKey: 'DC-2026-000200',
          name: 'Verify address',
          assignee: u['li.a']!.id,
          dueAt: new Date(t0.getTime() + 6 * HOUR),
          at: t0,
        }),
      );
      expect(await app.collaboration.sla.run()).toEqual({ reminded: 0, escalated: 0 });

      clock.set(new Date(t0.getTime() + 4.5 * HOUR));
      expect(await app.collaboration.sla.run()).toEqual({ reminded: 1, escalated: 0 });
      expect(await app.collaboration.sla.run()).toEqual({ reminded: 0, escalated: 0 });
      const reminder = (
        await json(await app.request('/api/notifications?kind=task.due_soon', { as: u['li.a']!.as }))
      ).items;
      expect(reminder).toEqual([
        expect.objectContaining({
          link: `/tasks/${taskId}`,
          title: {
            'zh-CN': '任务“Verify address · DC-2026-000200”即将到期',
            en: 'Task "Verify address · DC-2026-000200" is due soon',
          },
          data: expect.objectContaining({ dueAt: new Date(t0.getTime() + 6 * HOUR).toISOString() }),
        }),
      ]);
      expect(await kinds(u['boss.a']!)).toEqual([]);

      clock.set(new Date(t0.getTime() + 6 * HOUR + 60_000));
      expect(await app.collaboration.sla.run()).toEqual({ reminded: 0, escalated: 1 });
      expect(await app.collaboration.sla.run()).toEqual({ reminded: 0, escalated: 0 });
      expect(await kinds(u['li.a']!)).toContain('task.overdue');
      const escalation = (await json(await app.request('/api/notifications', { as: u['boss.a']!.as }))).items;
      expect(escalation).toEqual([
        expect.objectContaining({
          kind: 'task.escalated',
          title: expect.objectContaining({
            en: 'Li Na\'s task "Verify address · DC-2026-000200" is overdue',
          }),
          data: expect.objectContaining({ taskId, responsible: [u['li.a']!.id] }),
        }),
      ]);
      // The other team's manager is not bothered.
      expect(await kinds(u['boss.b']!)).toEqual([]);
    });

    it("comments on a case's tasks and its process steps appear on the case timeline", async () => {
      const caseRes = await app.request('/api/forms/debt-case/records', {
        method: 'POST',
        as: u['li.a']!.as,
        json: { data: { caseNumber: 'DC-2026-000300' } },
      });
      const caseId = (await json(caseRes)).id;
      const { taskId, instanceId } = await store.transaction((tx) =>
        insertTask(tx, {
          businessKey: 'DC-2026-000300',
          name: 'Call debtor',
          candidateGroups: ['liaison'],
          at: clock.now(),
        }),
      );
      await store.transaction((tx) =>
        tx.history.append([
          {
            instanceId,
            step: 1,
            at: clock.now(),
            event: 'activity.start',
            elementId: 'work',
            elementType: 'bpmn:UserTask',
            name: 'Call debtor',
            executionId: 'work_1',
            actor: null,
            data: null,
          },
          {
            instanceId,
            step: 1,
            at: clock.now(),
            event: 'activity.end',
            elementId: 'gw',
            elementType: 'bpmn:ExclusiveGateway',
            name: null,
            executionId: 'gw_1',
            actor: null,
            data: null,
          },
        ]),
      );
      const comment = await app.request(`/api/tasks/${taskId}/comments`, {
        method: 'POST',
        as: u['li.a']!.as,
        json: { body: 'Debtor asked to call back on Monday, @boss.a FYI' },
      });
      const saved = await json(comment);
      expect(comment.status, JSON.stringify(saved)).toBe(201);
      // The manager cannot work the task but sees its case: the notice opens the case.
      expect(saved.mentions.notified).toEqual([u['boss.a']!.id]);
      const mention = (
        await json(await app.request('/api/notifications?kind=mention', { as: u['boss.a']!.as }))
      ).items[0];
      expect(mention.link).toBe(`/cases/${caseId}`);

      const timeline = await json(
        await app.request(`/api/records/${caseId}/timeline`, { as: u['boss.a']!.as }),
      );
      const byKind = (kind: string) => timeline.items.filter((i: Body) => i.kind === kind);
      expect(byKind('comment').map((i: Body) => i.comment.subject)).toEqual([{ type: 'task', id: taskId }]);
      // The gateway's step is left out: a case's story, not every element the token passed.
      expect(byKind('process').map((i: Body) => i.process)).toEqual([
        expect.objectContaining({ event: 'activity.start', elementId: 'work', processKey: 'collab-test' }),
      ]);
      expect(byKind('record').map((i: Body) => i.change.action)).toEqual(['record.created']);
    });

    it('the worker runs its passes on the timers it is given, one after another, until stopped', async () => {
      const scheduled: { run: () => void; ms: number }[] = [];
      const cleared: unknown[] = [];
      const collaboration = createCollaboration(store, createLogger({ level: 'silent' }), {
        clock,
        intervalMs: 30_000,
        timers: {
          setTimeout: (run, ms) => scheduled.push({ run, ms }),
          clearTimeout: (handle) => cleared.push(handle),
        },
      });
      collaboration.worker.start();
      expect(scheduled.map((s) => s.ms)).toEqual([0]);
      scheduled[0]!.run();
      await vi.waitFor(() => expect(scheduled.map((s) => s.ms)).toEqual([0, 30_000]));
      await collaboration.worker.stop();
      expect(cleared).toEqual([2]);
      expect(collaboration.worker.isRunning).toBe(false);
    });
  },
);
