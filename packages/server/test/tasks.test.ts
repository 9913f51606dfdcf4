import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTOR,
  deploy,
  json,
  OUTSIDER,
  type RuntimeHarness,
  SUPERVISOR,
  startInstance,
  startRuntimeApp,
} from './support/runtime.support.js';

describe.each(testBackends().map((b) => [b.name, b] as const))('user tasks on %s', (_name, backend) => {
  let h: RuntimeHarness;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    h = await startRuntimeApp(opened.store);
    await deploy(h.app, 'promise-to-pay-30-days.bpmn');
  });
  afterAll(async () => {
    await h.close();
    await cleanup();
  });

  const complete = (
    taskId: string,
    data: unknown,
    as: object = COLLECTOR,
    headers: Record<string, string> = {},
  ) => json(h.app.request(`/api/tasks/${taskId}/complete`, { method: 'POST', json: { data }, as, headers }));
  const openTask = async (instanceId: string, as: object = COLLECTOR) => {
    const { body } = await json(h.app.request(`/api/tasks?instanceId=${instanceId}`, { as }));
    return body.items[0] as { id: string; elementId: string; candidateGroups: string[] } | undefined;
  };

  it('a waiting user task is a row with its form, groups, due date and priority, in the inbox of its groups only', async () => {
    const { instance, taskIds } = await startInstance(h.app, 'promise-to-pay', { businessKey: 'case-100' });
    expect(taskIds).toHaveLength(1);
    const { status, body: task } = await json(h.app.request(`/api/tasks/${taskIds[0]}`, { as: COLLECTOR }));
    expect(status).toBe(200);
    expect(task).toMatchObject({
      instanceId: instance.id,
      elementId: 'record-promise',
      name: 'Record the promise',
      formKey: 'promise',
      formVersion: null,
      candidateGroups: ['collectors'],
      priority: 50,
      status: 'open',
      businessKey: 'case-100',
      dueAt: new Date(h.clock.now().getTime() + 2 * 86_400_000).toISOString(),
    });
    expect((await openTask(instance.id, COLLECTOR))?.id).toBe(task.id);
    expect(await openTask(instance.id, SUPERVISOR)).toBeUndefined();
    expect((await h.app.request(`/api/tasks/${task.id}`, { as: OUTSIDER })).status).toBe(403);
  });

  it('a user outside the candidate groups cannot complete the task: 403, and nothing changes', async () => {
    const { instance, taskIds } = await startInstance(h.app, 'promise-to-pay');
    const { status, body } = await complete(taskIds[0]!, { promisedAmount: 100 }, OUTSIDER);
    expect(status).toBe(403);
    expect(body.code).toBe('task.not_candidate');
    const view = await json(h.app.request(`/api/instances/${instance.id}`));
    expect(view.body.instance.version).toBe(1);
    expect(view.body.tasks).toMatchObject([{ id: taskIds[0], status: 'open' }]);
  });

  it('claim is exclusive; only the claimer (or a process admin) releases it', async () => {
    const { taskIds } = await startInstance(h.app, 'promise-to-pay');
    const id = taskIds[0]!;
    const other = { ...COLLECTOR, userId: 'sun.li' };
    const claimed = await json(h.app.request(`/api/tasks/${id}/claim`, { method: 'POST', as: COLLECTOR }));
    expect(claimed).toMatchObject({ status: 200, body: { claimedBy: COLLECTOR.userId } });
    expect(
      (await json(h.app.request(`/api/tasks/${id}/claim`, { method: 'POST', as: other }))).body.code,
    ).toBe('task.claimed_by_other');
    expect((await complete(id, { promisedAmount: 1 }, other)).status).toBe(409);
    expect((await h.app.request(`/api/tasks/${id}/unclaim`, { method: 'POST', as: other })).status).toBe(403);
    const mine = await json(h.app.request('/api/tasks?mine=true', { as: COLLECTOR }));
    expect(mine.body.items.map((t: { id: string }) => t.id)).toContain(id);
    const released = await json(h.app.request(`/api/tasks/${id}/unclaim`, { method: 'POST', as: COLLECTOR }));
    expect(released.body.claimedBy).toBeNull();
    expect((await h.app.request(`/api/tasks/${id}/claim`, { method: 'POST', as: other })).status).toBe(200);
  });

  it("invalid form data is a 422 with field errors in the caller's language; the task stays open and nothing is written", async () => {
    const { instance, taskIds } = await startInstance(h.app, 'promise-to-pay');
    const historyBefore = await rawSelect<{ n: number }>(
      h.store,
      'select count(*) as n from process_history where instance_id = ?',
      [instance.id],
    );
    const { status, body } = await complete(taskIds[0]!, { promisedAmount: 'lots' }, COLLECTOR, {
      'accept-language': 'zh-CN',
    });
    expect(status).toBe(422);
    expect(body.code).toBe('task.invalid_data');
    expect(body.errors).toMatchObject([{ pointer: '/promisedAmount', keyword: 'type' }]);
    expect(body.errors[0].message).toMatch(/[\u4e00-\u9fff]/);
    const missing = await complete(taskIds[0]!, {});
    expect(missing.body.errors).toMatchObject([{ pointer: '/promisedAmount', keyword: 'required' }]);

    const view = await json(h.app.request(`/api/instances/${instance.id}`));
    expect(view.body.instance.version).toBe(1);
    expect(view.body.tasks).toMatchObject([{ status: 'open', data: null }]);
    const historyAfter = await rawSelect<{ n: number }>(
      h.store,
      'select count(*) as n from process_history where instance_id = ?',
      [instance.id],
    );
    expect(historyAfter[0]!.n).toBe(historyBefore[0]!.n);
  });

  it('submitted data becomes process variables that the gateway reads', async () => {
    const kept = await startInstance(h.app, 'promise-to-pay', { businessKey: 'case-kept' });
    const first = await complete(kept.taskIds[0]!, { promisedAmount: 1000 });
    expect(first.status).toBe(200);
    // Boundary events wait with their activity: the diagram shows them armed.
    expect([...first.body.instance.activeElementIds].sort()).toEqual([
      'await-payment',
      'paid-by-transfer',
      'promise-expired',
    ]);
    const paying = await complete(first.body.nextTaskIds[0], { paidAmount: 950 });
    expect(paying.body.instance.status).toBe('completed');

    const short = await startInstance(h.app, 'promise-to-pay', { businessKey: 'case-short' });
    const promised = await complete(short.taskIds[0]!, { promisedAmount: 1000 });
    const paidTooLittle = await complete(promised.body.nextTaskIds[0], { paidAmount: 100 });
    expect(paidTooLittle.body.instance.activeElementIds).toEqual(['escalate']);
    const escalation = await json(
      h.app.request(`/api/tasks/${paidTooLittle.body.nextTaskIds[0]}`, { as: SUPERVISOR }),
    );
    expect(escalation.body).toMatchObject({ elementId: 'escalate', candidateGroups: ['supervisors'] });
    const view = await json(h.app.request(`/api/instances/${short.instance.id}`));
    expect(view.body.variables).toEqual({ promisedAmount: 1000, paidAmount: 100 });
  });

  it('N concurrent completions of one task give exactly one 200 and N-1 409, and the flow moves once', async () => {
    const { instance, taskIds } = await startInstance(h.app, 'promise-to-pay');
    const n = 8;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        complete(taskIds[0]!, { promisedAmount: 100 + i }, { ...COLLECTOR, userId: `collector-${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(n - 1).fill(409)]);
    for (const loser of results.filter((r) => r.status === 409))
      expect(loser.body.code).toBe('task.not_open');

    const view = await json(h.app.request(`/api/instances/${instance.id}`));
    expect(view.body.instance.version).toBe(2);
    expect(
      view.body.tasks.filter((t: { elementId: string }) => t.elementId === 'await-payment'),
    ).toHaveLength(1);
    const completions = view.body.history.filter((e: { event: string }) => e.event === 'task.complete');
    expect(completions).toHaveLength(1);
    const winner = results.find((r) => r.status === 200)!;
    expect(completions[0].actor).toBe(winner.body.task.completedBy);
  });

  it('completing a task that no longer waits is a 409; an unknown task is a 404', async () => {
    const { taskIds } = await startInstance(h.app, 'promise-to-pay');
    expect((await complete(taskIds[0]!, { promisedAmount: 5 })).status).toBe(200);
    const again = await complete(taskIds[0]!, { promisedAmount: 5 });
    expect(again).toMatchObject({ status: 409, body: { code: 'task.not_open' } });
    expect((await complete('0190a5a0-0000-7000-8000-000000000000', {})).status).toBe(404);
    expect((await complete('not-a-uuid', {})).status).toBe(404);
  });

  it('the inbox pages with limit and cursor, and scope=all is for process admins', async () => {
    const page1 = await json(h.app.request('/api/tasks?limit=2', { as: COLLECTOR }));
    expect(page1.body.items).toHaveLength(2);
    const page2 = await json(
      h.app.request(`/api/tasks?limit=2&cursor=${page1.body.nextCursor}`, { as: COLLECTOR }),
    );
    expect(page2.body.items[0].id > page1.body.items[1].id).toBe(true);
    expect((await h.app.request('/api/tasks?scope=all', { as: COLLECTOR })).status).toBe(403);
    expect((await h.app.request('/api/tasks?scope=all')).status).toBe(200);
    expect((await h.app.request('/api/tasks?limit=0', { as: COLLECTOR })).status).toBe(422);
  });
});
