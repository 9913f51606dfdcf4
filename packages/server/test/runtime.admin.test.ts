import { BpmnError, ServiceHandlerRegistry } from '@collectflow/server';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTOR,
  deploy,
  json,
  type RuntimeHarness,
  SUPERVISOR,
  startInstance,
  startRuntimeApp,
} from './support/runtime.support.js';

// Process administration: cancel an instance, count instances and incidents per element of a
// version, filter the instance list, and move running instances to a newer version.

/** May administer promise-to-pay only (a role's process grant), no coarse process.admin. */
const GRANTED_ADMIN = {
  userId: 'zhou.min',
  roles: ['liaison'],
  groups: ['collectors'],
  permissions: ['tasks.work' as const],
  processGrants: { 'promise-to-pay': ['administer'] },
};

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'process administration on %s',
  (_name, backend) => {
    let h: RuntimeHarness;
    let cleanup: () => Promise<void>;
    const deployments: Record<string, { id: string; version: number }> = {};

    beforeAll(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      const handlers = new ServiceHandlerRegistry().register('letters.post', async (call) => {
        if (call.businessKey === 'broken-printer')
          throw new BpmnError('PRINTER_ON_FIRE', 'nobody catches this');
        return { trackingNo: 'T-1' };
      });
      h = await startRuntimeApp(opened.store, { handlers });
      deployments.promise = await deploy(h.app, 'promise-to-pay-30-days.bpmn');
      deployments.wait = await deploy(h.app, 'wait-then-confirm.bpmn');
      deployments.letter = await deploy(h.app, 'letter-with-error-boundary.bpmn');
      deployments.v1 = await deploy(h.app, 'review-then-close-v1.bpmn');
    });
    afterAll(async () => {
      await h.close();
      await cleanup();
    });

    const post = (path: string, body: unknown, as?: object) =>
      json(h.app.request(path, { method: 'POST', json: body, ...(as ? { as } : {}) }));
    const get = (path: string, as?: object) => json(h.app.request(path, as ? { as } : {}));
    const audit = (action: string, subjectId: string) =>
      h.store.transaction((tx) => tx.audit.list({ limit: 10, action, subjectId }), { readOnly: true });

    describe('cancel', () => {
      it('cancelling a waiting instance cancels its task, deletes its timer and subscription, and writes history and audit', async () => {
        const { instance, taskIds } = await startInstance(h.app, 'promise-to-pay', { businessKey: 'C-1' });
        await post(`/api/tasks/${taskIds[0]}/claim`, {}, COLLECTOR);
        await post(`/api/tasks/${taskIds[0]}/complete`, { data: { promisedAmount: 100 } }, COLLECTOR);
        const waiting = await get(`/api/instances/${instance.id}`);
        expect(waiting.body.jobs).toHaveLength(1);
        expect(waiting.body.subscriptions).toHaveLength(1);

        const cancelled = await post(`/api/instances/${instance.id}/cancel`, { reason: 'debt written off' });
        expect(cancelled.status).toBe(200);
        expect(cancelled.body.instance).toMatchObject({ status: 'cancelled', activeElementIds: [] });
        expect(cancelled.body.deletedJobIds).toEqual([waiting.body.jobs[0].id]);

        const after = await get(`/api/instances/${instance.id}`);
        expect(after.body.instance.status).toBe('cancelled');
        expect(after.body.instance.endedAt).not.toBeNull();
        expect(after.body.jobs).toEqual([]);
        expect(after.body.subscriptions).toEqual([]);
        expect(
          after.body.tasks.map((t: { elementId: string; status: string }) => `${t.elementId}:${t.status}`),
        ).toEqual(['record-promise:completed', 'await-payment:cancelled']);
        const entry = after.body.history.find((e: { event: string }) => e.event === 'instance.cancel');
        expect(entry).toMatchObject({
          actor: 'user-admin',
          step: after.body.instance.version,
          data: { reason: 'debt written off', activeElementIds: waiting.body.activeElementIds },
        });
        const [logged] = await audit('instance.cancel', instance.id);
        expect(logged).toMatchObject({
          actor: 'user-admin',
          detail: { reason: 'debt written off', businessKey: 'C-1' },
        });

        // The timer job is gone: 30 days later nothing fires.
        h.clock.advanceDays(31);
        await h.runtime.scheduler.runDue();
        expect((await get(`/api/instances/${instance.id}`)).body.instance.status).toBe('cancelled');
      });

      it('a cancelled instance refuses further events with a 409: task completion, a message to it, a second cancel', async () => {
        const { instance, taskIds } = await startInstance(h.app, 'promise-to-pay', { businessKey: 'C-2' });
        await post(`/api/tasks/${taskIds[0]}/claim`, {}, COLLECTOR);
        expect((await post(`/api/instances/${instance.id}/cancel`, {})).status).toBe(200);

        const complete = await post(
          `/api/tasks/${taskIds[0]}/complete`,
          { data: { promisedAmount: 5 } },
          COLLECTOR,
        );
        expect(complete.status).toBe(409);
        expect(complete.body.code).toBe('task.not_open');
        const message = await post('/api/messages', { name: 'PaymentReceived', instanceId: instance.id });
        expect(message).toMatchObject({ status: 409, body: { code: 'instance.not_running' } });
        expect(message.body.detail).toContain('cancelled');
        const again = await post(`/api/instances/${instance.id}/cancel`, {});
        expect(again).toMatchObject({ status: 409, body: { code: 'instance.not_running' } });
        expect(again.body.detail).toBe('the instance is cancelled');
      });

      it('cancel needs administer on that process: a grant covers its process only, and a refusal writes nothing', async () => {
        const promise = await startInstance(h.app, 'promise-to-pay', { businessKey: 'C-3' });
        const other = await startInstance(h.app, 'wait-then-confirm', { variables: { coolOff: 'PT1H' } });

        const refused = await post(`/api/instances/${other.instance.id}/cancel`, {}, GRANTED_ADMIN);
        expect(refused).toMatchObject({ status: 403, body: { code: 'auth.forbidden' } });
        expect((await get(`/api/instances/${other.instance.id}`)).body.instance.status).toBe('running');
        expect(await audit('instance.cancel', other.instance.id)).toEqual([]);
        expect((await post(`/api/instances/${promise.instance.id}/cancel`, {}, COLLECTOR)).status).toBe(403);

        const allowed = await post(`/api/instances/${promise.instance.id}/cancel`, {}, GRANTED_ADMIN);
        expect(allowed.status).toBe(200);
        expect((await audit('instance.cancel', promise.instance.id))[0]?.actor).toBe('zhou.min');
      });

      it('bad input: an unknown instance is 404, a non-UUID id and a too long reason are 4xx problems', async () => {
        const missing = await post('/api/instances/0190a4b2-0000-7000-8000-000000000000/cancel', {});
        expect(missing).toMatchObject({ status: 404, body: { code: 'instance.not_found' } });
        expect((await post('/api/instances/not-a-uuid/cancel', {})).status).toBeGreaterThanOrEqual(400);
        const { instance } = await startInstance(h.app, 'promise-to-pay');
        const long = await post(`/api/instances/${instance.id}/cancel`, { reason: 'x'.repeat(501) });
        expect(long.status).toBe(422);
        expect(long.body.errors[0].pointer).toBe('/reason');
      });
    });

    describe('statistics and filters', () => {
      it('a version counts running instances per active element and open incidents per element', async () => {
        const started = [
          await startInstance(h.app, 'review-then-close', { businessKey: 'S-1' }),
          await startInstance(h.app, 'review-then-close', { businessKey: 'S-2' }),
          await startInstance(h.app, 'review-then-close', { businessKey: 'S-3' }),
        ];
        await post(`/api/instances/${started[2]!.instance.id}/cancel`, {});
        const stats = await get(`/api/deployments/${deployments.v1!.id}/statistics`);
        expect(stats.status).toBe(200);
        expect(stats.body).toMatchObject({ processKey: 'review-then-close', version: 1 });
        expect(stats.body.elements).toEqual({ review: { active: 2, incidents: 0 } });
        expect(stats.body.totals).toEqual({ running: 2, incidents: 0 });

        const failed = await startInstance(h.app, 'dunning-letter', { businessKey: 'broken-printer' });
        await h.runtime.scheduler.runDue();
        expect((await get(`/api/instances/${failed.instance.id}`)).body.instance.status).toBe('failed');
        const letter = await get(`/api/deployments/${deployments.letter!.id}/statistics`);
        expect(letter.body.elements['post-letter']).toEqual({ active: 0, incidents: 1 });
        expect(letter.body.totals.incidents).toBe(1);

        expect((await get('/api/deployments/0190a4b2-0000-7000-8000-000000000000/statistics')).status).toBe(
          404,
        );
        expect(
          (await get(`/api/deployments/${deployments.v1!.id}/statistics`, { permissions: ['tasks.work'] }))
            .status,
        ).toBe(403);
      });

      it('the instance list filters by version, status and start date, and refuses bad filters', async () => {
        const early = await startInstance(h.app, 'promise-to-pay', { businessKey: 'F-1' });
        const cut = h.clock.now().toISOString();
        h.clock.advanceDays(2);
        const late = await startInstance(h.app, 'promise-to-pay', { businessKey: 'F-2' });
        const ids = async (query: string) =>
          ((await get(`/api/instances?${query}`)).body.items as { id: string }[]).map((i) => i.id);

        const fromCut = await ids(
          `processKey=promise-to-pay&startedFrom=${encodeURIComponent(h.clock.now().toISOString())}`,
        );
        expect(fromCut).toEqual([late.instance.id]);
        const beforeCut = await ids(`processKey=promise-to-pay&startedBefore=${encodeURIComponent(cut)}`);
        expect(beforeCut).not.toContain(late.instance.id);
        expect(await ids('processKey=promise-to-pay&businessKey=F-1&startedFrom=2026-03-01')).toEqual([
          early.instance.id,
        ]);
        expect(await ids('processKey=promise-to-pay&version=1&businessKey=F-2')).toEqual([late.instance.id]);
        expect(await ids('processKey=promise-to-pay&version=9')).toEqual([]);
        const cancelled = await ids('status=cancelled');
        expect(cancelled.length).toBeGreaterThan(0);
        expect(cancelled).not.toContain(late.instance.id);

        for (const [query, pointer] of [
          ['startedFrom=yesterday', '/startedFrom'],
          ['startedBefore=2026-13-45T99:00:00Z', '/startedBefore'],
          ['version=0&processKey=promise-to-pay', '/version'],
          ['version=2', '/processKey'],
          ['status=paused', '/status'],
        ] as const) {
          const bad = await get(`/api/instances?${query}`);
          expect(bad.status, query).toBe(422);
          expect(bad.body.errors[0].pointer, query).toBe(pointer);
        }
      });
    });

    describe('migration', () => {
      it('a dry run reports per instance whether its active elements exist in the new version, and writes nothing', async () => {
        const waiting = await startInstance(h.app, 'review-then-close', { businessKey: 'M-1' });
        const v2 = await deploy(h.app, 'review-then-close-v2-adds-approval.bpmn');
        const v3 = await deploy(h.app, 'review-then-close-v3-drops-review.bpmn');
        deployments.v2 = v2;
        deployments.v3 = v3;
        expect([v2.version, v3.version]).toEqual([2, 3]);

        const toV2 = await post('/api/migrations', {
          processKey: 'review-then-close',
          fromVersion: 1,
          toVersion: 2,
          dryRun: true,
        });
        expect(toV2.status).toBe(200);
        expect(toV2.body).toMatchObject({
          dryRun: true,
          migrated: [],
          from: { version: 1 },
          to: { version: 2 },
        });
        const mine = toV2.body.instances.find(
          (i: { instanceId: string }) => i.instanceId === waiting.instance.id,
        );
        expect(mine).toEqual({
          instanceId: waiting.instance.id,
          businessKey: 'M-1',
          activeElementIds: ['review'],
          migratable: true,
          reasons: [],
        });

        const toV3 = await post('/api/migrations', {
          processKey: 'review-then-close',
          fromVersion: 1,
          toVersion: 3,
          dryRun: true,
        });
        const blocked = toV3.body.instances.find(
          (i: { instanceId: string }) => i.instanceId === waiting.instance.id,
        );
        expect(blocked).toMatchObject({
          migratable: false,
          reasons: [{ elementId: 'review', code: 'migration.element_missing' }],
        });
        expect((await get(`/api/instances/${waiting.instance.id}`)).body.deployment.version).toBe(1);
        expect(await audit('instance.migrate', waiting.instance.id)).toEqual([]);
      });

      it('a migrated instance continues on the new version: after its review it waits for the approval v2 added', async () => {
        const { instance, taskIds } = await startInstance(h.app, 'review-then-close', {
          businessKey: 'M-2',
          variables: {},
        });
        // The instance was started on the latest (v3): start one on v1 explicitly.
        const onV1 = await json(
          h.app.request('/api/instances', {
            method: 'POST',
            json: { processKey: 'review-then-close', version: 1, businessKey: 'M-3' },
          }),
        );
        expect(onV1.status).toBe(201);
        expect((await get(`/api/instances/${instance.id}`)).body.deployment.version).toBe(3);
        expect(taskIds).toHaveLength(1);

        // An instance not running any more is not offered.
        const done = await json(
          h.app.request('/api/instances', {
            method: 'POST',
            json: { processKey: 'review-then-close', version: 1 },
          }),
        );
        await post(`/api/instances/${done.body.instance.id}/cancel`, {});

        const applied = await post('/api/migrations', {
          processKey: 'review-then-close',
          fromVersion: 1,
          toVersion: 2,
          instanceIds: [onV1.body.instance.id, done.body.instance.id],
        });
        expect(applied.status).toBe(200);
        expect(applied.body.dryRun).toBe(false);
        expect(applied.body.migrated).toEqual([onV1.body.instance.id]);
        const skipped = applied.body.instances.find(
          (i: { instanceId: string }) => i.instanceId === done.body.instance.id,
        );
        expect(skipped.reasons.map((r: { code: string }) => r.code)).toEqual(['migration.not_running']);

        const moved = await get(`/api/instances/${onV1.body.instance.id}`);
        expect(moved.body.deployment).toMatchObject({ version: 2, id: deployments.v2!.id });
        expect(moved.body.history.at(-1)).toMatchObject({
          event: 'instance.migrate',
          actor: 'user-admin',
          data: { fromVersion: 1, toVersion: 2 },
        });
        expect((await audit('instance.migrate', onV1.body.instance.id))[0]).toMatchObject({
          detail: { fromVersion: 1, toVersion: 2, activeElementIds: ['review'] },
        });

        // v1 would end after the review; v2 asks a supervisor to approve.
        const review = onV1.body.taskIds[0];
        expect((await post(`/api/tasks/${review}/claim`, {}, COLLECTOR)).status).toBe(200);
        const completed = await post(
          `/api/tasks/${review}/complete`,
          { data: { approved: true } },
          COLLECTOR,
        );
        expect(completed.status).toBe(200);
        const next = await get(`/api/instances/${onV1.body.instance.id}`);
        expect(next.body.instance).toMatchObject({ status: 'running', activeElementIds: ['approve'] });
        const approval = next.body.tasks.find((t: { elementId: string }) => t.elementId === 'approve');
        expect(approval).toMatchObject({ status: 'open', candidateGroups: ['supervisors'] });
        await post(`/api/tasks/${approval.id}/claim`, {}, SUPERVISOR);
        await post(`/api/tasks/${approval.id}/complete`, { data: { approved: true } }, SUPERVISOR);
        expect((await get(`/api/instances/${onV1.body.instance.id}`)).body.instance.status).toBe('completed');
      });

      it('applying a migration the elements do not allow moves nothing', async () => {
        const onV1 = await json(
          h.app.request('/api/instances', {
            method: 'POST',
            json: { processKey: 'review-then-close', version: 1, businessKey: 'M-4' },
          }),
        );
        const applied = await post('/api/migrations', {
          processKey: 'review-then-close',
          fromVersion: 1,
          toVersion: 3,
          instanceIds: [onV1.body.instance.id],
        });
        expect(applied.body.migrated).toEqual([]);
        expect(applied.body.instances[0].reasons[0].code).toBe('migration.element_missing');
        expect((await get(`/api/instances/${onV1.body.instance.id}`)).body.deployment.version).toBe(1);
      });

      it('migration needs administer on the process and valid versions', async () => {
        const body = { processKey: 'review-then-close', fromVersion: 1, toVersion: 2, dryRun: true };
        expect((await post('/api/migrations', body, COLLECTOR)).status).toBe(403);
        expect((await post('/api/migrations', body, GRANTED_ADMIN)).status).toBe(403);
        const older = await post('/api/migrations', { ...body, fromVersion: 2, toVersion: 1 });
        expect(older).toMatchObject({ status: 422, body: { code: 'migration.invalid' } });
        const missing = await post('/api/migrations', { ...body, toVersion: 9 });
        expect(missing).toMatchObject({ status: 404, body: { code: 'deployment.not_found' } });
        for (const [bad, pointer] of [
          [{ ...body, fromVersion: 'one' }, '/fromVersion'],
          [{ ...body, processKey: undefined }, '/processKey'],
          [{ ...body, instanceIds: ['x'] }, '/instanceIds'],
          [{ ...body, dryRun: 'yes' }, '/dryRun'],
        ] as const) {
          const res = await post('/api/migrations', bad);
          expect(res.status).toBe(422);
          expect(res.body.errors[0].pointer).toBe(pointer);
        }
      });
    });
  },
);
