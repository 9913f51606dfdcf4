import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTOR,
  deploy,
  json,
  OUTSIDER,
  type RuntimeHarness,
  startInstance,
  startRuntimeApp,
} from './support/runtime.support.js';

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'process instances on %s',
  (_name, backend) => {
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

    const post = (path: string, body: unknown, as: object = COLLECTOR) =>
      json(h.app.request(path, { method: 'POST', json: body, as }));

    it('GET an instance gives its active element ids and a history of every step, cause and actor included', async () => {
      const { instance, taskIds } = await startInstance(h.app, 'promise-to-pay', {
        businessKey: 'case-777',
        variables: { debtor: 'D-1' },
      });
      await post(`/api/tasks/${taskIds[0]}/claim`, {});
      const promised = await post(`/api/tasks/${taskIds[0]}/complete`, { data: { promisedAmount: 200 } });
      h.clock.advanceDays(30);
      await h.runtime.scheduler.runDue();
      const { body } = await json(h.app.request(`/api/instances/${instance.id}`, { as: COLLECTOR }));
      expect(body.activeElementIds).toEqual(['follow-up']);
      expect(body.instance).toMatchObject({ businessKey: 'case-777', status: 'running', version: 3 });
      expect(body.deployment).toMatchObject({ processKey: 'promise-to-pay', version: 1 });
      expect(body.variables).toEqual({ debtor: 'D-1', promisedAmount: 200 });
      expect(
        body.tasks.map((t: { elementId: string; status: string }) => `${t.elementId}:${t.status}`),
      ).toEqual(['record-promise:completed', 'await-payment:cancelled', 'follow-up:open']);

      const events = body.history.map(
        (e: { event: string; elementId: string | null; step: number }) =>
          `${e.step} ${e.event} ${e.elementId ?? '-'}`,
      );
      expect(events).toEqual(
        expect.arrayContaining([
          '1 instance.start -',
          '1 process.start promise-to-pay',
          '1 activity.start start',
          '1 activity.end start',
          '1 activity.start record-promise',
          '1 task.claim record-promise',
          '2 task.complete record-promise',
          '2 activity.end record-promise',
          '2 activity.start await-payment',
          '3 timer.fire promise-expired',
          '3 activity.start follow-up',
        ]),
      );
      const completion = body.history.find((e: { event: string }) => e.event === 'task.complete');
      expect(completion).toMatchObject({
        actor: COLLECTOR.userId,
        data: { taskId: taskIds[0], formKey: 'promise', formVersion: 2, data: { promisedAmount: 200 } },
      });
      expect(promised.body.task.formVersion).toBe(2);
      // History ids only grow, so the UI can page with `after`.
      const ids = body.history.map((e: { id: number }) => e.id);
      expect([...ids].sort((a: number, b: number) => a - b)).toEqual(ids);
      const page = await json(h.app.request(`/api/instances/${instance.id}/history?limit=3&after=${ids[2]}`));
      expect(page.body.items.map((e: { id: number }) => e.id)).toEqual(ids.slice(3, 6));
    });

    it('instances list newest first with filters; a bad status filter is a 422', async () => {
      await startInstance(h.app, 'promise-to-pay', { businessKey: 'case-list' });
      const { body } = await json(h.app.request('/api/instances?businessKey=case-list&status=running'));
      expect(body.items).toMatchObject([
        { businessKey: 'case-list', status: 'running', processKey: 'promise-to-pay' },
      ]);
      expect((await h.app.request('/api/instances?status=sleeping')).status).toBe(422);
    });

    it('starting an unknown process is a 404; a bad body is a 422; no permission is a 403', async () => {
      expect((await post('/api/instances', { processKey: 'nope' })).body.code).toBe('deployment.not_found');
      expect((await post('/api/instances', { processKey: 'promise-to-pay', version: 99 })).status).toBe(404);
      expect((await post('/api/instances', {})).status).toBe(422);
      expect((await post('/api/instances', { processKey: 'promise-to-pay', variables: [1, 2] })).status).toBe(
        422,
      );
      expect((await post('/api/instances', { processKey: 'promise-to-pay', businessKey: 7 })).status).toBe(
        422,
      );
      expect((await post('/api/instances', { processKey: 'promise-to-pay' }, OUTSIDER)).status).toBe(403);
      expect((await json(h.app.request('/api/instances/0190a5a0-0000-7000-8000-000000000000'))).status).toBe(
        404,
      );
    });

    it('every runtime route is in the OpenAPI document', async () => {
      const { body } = await json(h.app.request('/api/openapi.json'));
      for (const path of [
        '/api/deployments',
        '/api/deployments/{id}',
        '/api/deployments/{id}/source',
        '/api/instances',
        '/api/instances/{id}',
        '/api/instances/{id}/history',
        '/api/tasks',
        '/api/tasks/{id}',
        '/api/tasks/{id}/claim',
        '/api/tasks/{id}/unclaim',
        '/api/tasks/{id}/complete',
        '/api/messages',
        '/api/incidents',
        '/api/incidents/{id}',
        '/api/incidents/{id}/retry',
        '/api/incidents/{id}/resolve',
      ]) {
        expect(body.paths[path], path).toBeDefined();
      }
    });
  },
);
