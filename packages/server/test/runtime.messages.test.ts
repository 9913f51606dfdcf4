import { rawSelect, testBackends } from '@collectflow/store/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTOR,
  deploy,
  json,
  type RuntimeHarness,
  startInstance,
  startRuntimeApp,
} from './support/runtime.support.js';

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'message correlation on %s',
  (_name, backend) => {
    let h: RuntimeHarness;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      h = await startRuntimeApp(opened.store);
      await deploy(h.app, 'promise-to-pay-30-days.bpmn');
      await deploy(h.app, 'message-start-payment-plan.bpmn');
    });
    afterAll(async () => {
      await h.close();
      await cleanup();
    });

    const send = (body: Record<string, unknown>) =>
      json(h.app.request('/api/messages', { method: 'POST', json: body, as: COLLECTOR }));
    const view = async (id: string) => (await json(h.app.request(`/api/instances/${id}`))).body;
    /** An instance of promise-to-pay waiting at await-payment (its PaymentReceived boundary armed). */
    const awaitingPayment = async (businessKey: string) => {
      const { instance, taskIds } = await startInstance(h.app, 'promise-to-pay', { businessKey });
      await json(
        h.app.request(`/api/tasks/${taskIds[0]}/complete`, {
          method: 'POST',
          json: { data: { promisedAmount: 300 } },
          as: COLLECTOR,
        }),
      );
      return instance.id;
    };
    const count = async (table: string) =>
      (await rawSelect<{ n: number }>(h.store, `select count(*) as n from ${table}`))[0]!.n;

    it('PaymentReceived for a business key reaches the waiting boundary event; the payload becomes variables', async () => {
      const id = await awaitingPayment('case-123');
      expect((await view(id)).subscriptions).toMatchObject([
        { name: 'PaymentReceived', elementId: 'paid-by-transfer' },
      ]);
      const { status, body } = await send({
        name: 'PaymentReceived',
        businessKey: 'case-123',
        payload: { paidAmount: 300 },
      });
      expect(status).toBe(200);
      expect(body).toEqual({ outcome: 'correlated', instanceIds: [id], startedInstanceIds: [] });
      const after = await view(id);
      expect(after.instance.status).toBe('completed');
      expect(after.variables).toMatchObject({ paidAmount: 300 });
      expect(after.subscriptions).toEqual([]);
      expect(after.history.filter((e: { event: string }) => e.event === 'message.receive')).toMatchObject([
        { name: 'PaymentReceived', actor: COLLECTOR.userId, data: { payload: { paidAmount: 300 } } },
      ]);
    });

    it('a message can name the instance instead of the business key', async () => {
      const id = await awaitingPayment('case-by-id');
      const { status } = await send({ name: 'PaymentReceived', instanceId: id });
      expect(status).toBe(200);
      expect((await view(id)).instance.status).toBe('completed');
    });

    it('a message nobody waits for is a 404 with a clear code, and nothing is written', async () => {
      const [buffered, history] = [await count('process_buffered_messages'), await count('process_history')];
      const { status, body } = await send({ name: 'PaymentReceived', businessKey: 'case-nobody' });
      expect(status).toBe(404);
      expect(body.code).toBe('message.no_match');
      expect(body.detail).toContain('case-nobody');
      expect(await count('process_buffered_messages')).toBe(buffered);
      expect(await count('process_history')).toBe(history);
    });

    it('a message sent before the instance waits is buffered and delivered when it starts waiting', async () => {
      const { instance, taskIds } = await startInstance(h.app, 'promise-to-pay', {
        businessKey: 'case-early',
      });
      const early = await send({
        name: 'PaymentReceived',
        businessKey: 'case-early',
        payload: { paidAmount: 300 },
        bufferTtlSeconds: 3600,
      });
      expect(early.status).toBe(202);
      expect(early.body.outcome).toBe('buffered');
      await json(
        h.app.request(`/api/tasks/${taskIds[0]}/complete`, {
          method: 'POST',
          json: { data: { promisedAmount: 300 } },
          as: COLLECTOR,
        }),
      );
      const after = await view(instance.id);
      expect(after.instance.status).toBe('completed');
      expect(after.instance.activeElementIds).toEqual([]);
      expect(after.history.filter((e: { event: string }) => e.event === 'message.receive')).toHaveLength(1);
      expect(await count('process_buffered_messages')).toBe(0);
    });

    it('a buffered message that outlives its TTL is dropped, not delivered', async () => {
      await send({ name: 'PaymentReceived', businessKey: 'case-late', bufferTtlSeconds: 60 });
      h.clock.advanceMs(120_000);
      const id = await awaitingPayment('case-late');
      expect((await view(id)).instance.activeElementIds).toContain('await-payment');
      await h.runtime.scheduler.runDue();
      expect(await count('process_buffered_messages')).toBe(0);
    });

    it('a message buffered during a step that then waits for it is delivered by the sweep, behind any number of unclaimed ones', async () => {
      const id = await awaitingPayment('case-race');
      // Older messages nobody waits for must not hide it from the sweep.
      for (let i = 0; i < 60; i++) {
        await send({ name: 'PaymentReceived', businessKey: `case-unclaimed-${i}`, bufferTtlSeconds: 3600 });
      }
      // As if buffered by a correlation that ran while the step that subscribed was uncommitted.
      await h.store.transaction((tx) =>
        tx.messages.buffer({
          id: uuidv7(),
          name: 'PaymentReceived',
          businessKey: 'case-race',
          instanceId: null,
          payload: { paidAmount: 1 },
          receivedBy: 'bank-feed',
          createdAt: h.clock.now(),
          expiresAt: new Date(h.clock.now().getTime() + 3600_000),
        }),
      );
      expect((await h.runtime.scheduler.runDue()).buffered).toBe(1);
      expect((await view(id)).instance.status).toBe('completed');
    });

    it('several waiting instances make a message ambiguous (409) unless all is set', async () => {
      const a = await awaitingPayment('case-shared');
      const b = await awaitingPayment('case-shared');
      const ambiguous = await send({ name: 'PaymentReceived', businessKey: 'case-shared' });
      expect(ambiguous).toMatchObject({ status: 409, body: { code: 'message.ambiguous' } });
      expect((await view(a)).instance.status).toBe('running');
      const all = await send({ name: 'PaymentReceived', businessKey: 'case-shared', all: true });
      expect(all.status).toBe(200);
      expect([...all.body.instanceIds].sort()).toEqual([a, b].sort());
    });

    it('a message with a message start event starts the latest version of that process', async () => {
      const { status, body } = await send({
        name: 'payment-plan-requested',
        businessKey: 'case-plan',
        payload: { months: 6 },
      });
      expect(status).toBe(200);
      expect(body.startedInstanceIds).toHaveLength(1);
      const started = await view(body.startedInstanceIds[0]);
      expect(started.instance).toMatchObject({ businessKey: 'case-plan', activeElementIds: ['review-plan'] });
      expect(started.variables).toEqual({ months: 6 });
    });

    it('a message without a name or a receiver is a 422', async () => {
      expect((await send({ businessKey: 'x' })).status).toBe(422);
      expect((await send({ name: 'PaymentReceived' })).status).toBe(422);
      expect((await send({ name: 'PaymentReceived', businessKey: 'x', bufferTtlSeconds: -1 })).status).toBe(
        422,
      );
      expect((await send({ name: 'PaymentReceived', instanceId: 'not-a-uuid' })).status).toBe(422);
    });
  },
);
