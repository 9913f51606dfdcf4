import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bpmnFixture,
  COLLECTOR,
  deploy,
  json,
  type RuntimeHarness,
  startRuntimeApp,
} from './support/runtime.support.js';

// Per-process grants (roles.processGrants) refine the coarse process.* permissions, and every
// runtime change a person makes (start, claim, release, completion, message) is in the audit log.

/** A liaison whose role may start promise-to-pay only; no coarse process.start. */
const GRANTED = {
  userId: 'sun.li',
  roles: ['liaison'],
  groups: ['collectors'],
  permissions: ['tasks.work' as const],
  processGrants: { 'promise-to-pay': ['start'] },
};

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'process grants and the runtime audit on %s',
  (_name, backend) => {
    let h: RuntimeHarness;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      h = await startRuntimeApp(opened.store);
      await deploy(h.app, 'promise-to-pay-30-days.bpmn');
      await deploy(h.app, 'wait-then-confirm.bpmn');
    });
    afterAll(async () => {
      await h.close();
      await cleanup();
    });

    const post = (path: string, body: unknown, as: object) =>
      json(h.app.request(path, { method: 'POST', json: body, as }));
    const instanceCount = () =>
      h.store.transaction(async (tx) => (await tx.instances.list({ limit: 1000 })).length, {
        readOnly: true,
      });
    const audit = (query: { action?: string; subjectId?: string }) =>
      h.store.transaction((tx) => tx.audit.list({ limit: 100, ...query }), { readOnly: true });

    it('a process grant lets a user start that process, and a start of another process is refused with nothing written', async () => {
      const started = await post(
        '/api/instances',
        { processKey: 'promise-to-pay', businessKey: 'G-1' },
        GRANTED,
      );
      expect(started.status).toBe(201);

      const before = await instanceCount();
      const refused = await post('/api/instances', { processKey: 'wait-then-confirm' }, GRANTED);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'auth.forbidden' });
      expect(refused.body.detail).toContain('wait-then-confirm');
      expect(await instanceCount()).toBe(before);

      // Without any start right at all, the route refuses before it reads the body.
      const none = await post(
        '/api/instances',
        { processKey: 'promise-to-pay' },
        { ...GRANTED, processGrants: {} },
      );
      expect(none.status).toBe(403);
    });

    it('a deploy grant covers its process key only', async () => {
      const deployer = { ...GRANTED, permissions: [], processGrants: { 'promise-to-pay': ['deploy'] } };
      const upload = (fixture: string) =>
        json(
          h.app.request('/api/deployments', {
            method: 'POST',
            headers: { 'content-type': 'application/xml' },
            body: new Uint8Array(bpmnFixture(fixture)),
            as: deployer,
          }),
        );
      const own = await upload('promise-to-pay-30-days.bpmn');
      expect(own.status).toBe(200);
      expect(own.body.unchanged).toBe(true);
      const other = await upload('reminder-every-7-days-three-times.bpmn');
      expect(other.status).toBe(403);
      const deployments = await json(h.app.request('/api/deployments?processKey=reminders'));
      expect(deployments.body.items).toEqual([]);
    });

    it('a message to an instance of a process the sender may not start is refused and not delivered', async () => {
      const { body } = await post(
        '/api/instances',
        { processKey: 'promise-to-pay', businessKey: 'G-2' },
        COLLECTOR,
      );
      await post(`/api/tasks/${body.taskIds[0]}/complete`, { data: { promisedAmount: 10 } }, COLLECTOR);
      const stranger = { ...GRANTED, processGrants: { 'wait-then-confirm': ['start'] } };
      const refused = await post('/api/messages', { name: 'PaymentReceived', businessKey: 'G-2' }, stranger);
      expect(refused.status).toBe(403);
      const view = await json(h.app.request(`/api/instances/${body.instance.id}`));
      expect(view.body.activeElementIds).toContain('await-payment');
      expect(view.body.history.some((e: { event: string }) => e.event === 'message.receive')).toBe(false);
    });

    it('start, claim, release, completion and a correlated message are audited with who, what and where', async () => {
      const { body } = await post(
        '/api/instances',
        { processKey: 'promise-to-pay', businessKey: 'A-1', variables: { debtor: 'D-9' } },
        COLLECTOR,
      );
      const instanceId: string = body.instance.id;
      const taskId: string = body.taskIds[0];
      expect((await post(`/api/tasks/${taskId}/claim`, {}, COLLECTOR)).status).toBe(200);
      expect((await post(`/api/tasks/${taskId}/unclaim`, {}, COLLECTOR)).status).toBe(200);
      expect((await post(`/api/tasks/${taskId}/claim`, {}, COLLECTOR)).status).toBe(200);
      const done = await post(`/api/tasks/${taskId}/complete`, { data: { promisedAmount: 50 } }, COLLECTOR);
      expect(done.status).toBe(200);
      const paid = await post('/api/messages', { name: 'PaymentReceived', businessKey: 'A-1' }, COLLECTOR);
      expect(paid.status).toBe(200);

      const [start] = await audit({ action: 'instance.start', subjectId: instanceId });
      expect(start).toMatchObject({
        actor: COLLECTOR.userId,
        subjectType: 'process_instance',
        detail: { processKey: 'promise-to-pay', businessKey: 'A-1', variables: ['debtor'] },
      });
      expect(start?.sourceIp).toMatch(/127\.0\.0\.1/);
      const onTask = (await audit({ subjectId: taskId })).map((e) => e.action).reverse();
      expect(onTask).toEqual(['task.claim', 'task.unclaim', 'task.claim', 'task.complete']);
      const [completion] = await audit({ action: 'task.complete', subjectId: taskId });
      // The values stay in the task and the history; the audit names the fields.
      expect(completion?.detail).toMatchObject({
        instanceId,
        elementId: 'record-promise',
        formKey: 'promise',
        formVersion: 2,
        fields: ['promisedAmount'],
      });
      const messages = await audit({ action: 'message.correlate' });
      expect(messages.find((m) => m.detail.businessKey === 'A-1')).toMatchObject({
        actor: COLLECTOR.userId,
        detail: { name: 'PaymentReceived', outcome: 'correlated', instanceIds: [instanceId] },
      });
    });

    it('an unmatched message leaves no audit entry (nothing happened) and a 404', async () => {
      const before = (await audit({ action: 'message.correlate' })).length;
      const res = await post('/api/messages', { name: 'PaymentReceived', businessKey: 'nobody' }, COLLECTOR);
      expect(res.status).toBe(404);
      expect((await audit({ action: 'message.correlate' })).length).toBe(before);
    });
  },
);
