import { describe, expect, it } from 'vitest';
import { deployFixture } from './support/fixtures.js';
import { InMemoryHost } from './support/in-memory.host.js';

describe('messages', () => {
  it('a message correlates to a receive task, then an event-based gateway takes the message over the timer', async () => {
    const host = new InMemoryHost(await deployFixture('payment-message-or-14-day-timeout.bpmn'));
    const instance = await host.start();
    expect(instance.last.messageSubscriptions).toEqual([
      { name: 'dispute-raised', elementId: 'wait-letter-ack', kind: 'receiveTask' },
    ]);

    const atGateway = await host.send(instance.id, {
      type: 'message',
      name: 'dispute-raised',
      payload: { letterId: 'L-1' },
    });
    expect(atGateway.status).toBe('running');
    expect(atGateway.messageSubscriptions).toEqual([
      { name: 'payment-received', elementId: 'payment-in', kind: 'intermediateCatch' },
    ]);
    expect(atGateway.timers.create).toMatchObject([
      { elementId: 'two-weeks', dueAt: '2025-03-17T09:00:00.000Z' },
    ]);
    expect(atGateway.variables).toMatchObject({ letterId: 'L-1' });

    const paid = await host.send(instance.id, {
      type: 'message',
      name: 'payment-received',
      payload: { amount: '50.00' },
    });
    expect(paid.status).toBe('completed');
    expect(paid.variables).toMatchObject({ amount: '50.00' });
    expect(paid.timers.cancel).toMatchObject([{ elementId: 'two-weeks' }]);
    expect(paid.history.map((h) => h.elementId)).toContain('closed');
    expect(host.outbox).toEqual([]);
  });

  it('when the 14 days pass first, the message end event puts a message in the outbox', async () => {
    const host = new InMemoryHost(await deployFixture('payment-message-or-14-day-timeout.bpmn'));
    const instance = await host.start({ caseId: 'c-9' });
    await host.send(instance.id, { type: 'message', name: 'dispute-raised' });
    host.clock.advanceDays(14);
    await host.runDueTimers();
    expect(host.row(instance.id).status).toBe('completed');
    expect(host.row(instance.id).last.messageSubscriptions).toEqual([]);
    expect(host.outbox).toMatchObject([
      { name: 'dispute-raised', elementId: 'no-payment', payload: { caseId: 'c-9' } },
    ]);
  });

  it('a message nobody waits for is refused with engine.message_not_expected', async () => {
    const host = new InMemoryHost(await deployFixture('payment-message-or-14-day-timeout.bpmn'));
    const instance = await host.start();
    await expect(host.send(instance.id, { type: 'message', name: 'payment-received' })).rejects.toMatchObject(
      {
        code: 'engine.message_not_expected',
      },
    );
  });
});

describe('parallel gateway', () => {
  it('splits into two tasks and joins only when both are done', async () => {
    const host = new InMemoryHost(await deployFixture('parallel-letter-and-call-join.bpmn'));
    const instance = await host.start();
    expect(host.waitingElementIds(instance.id)).toEqual(['call', 'send-letter']);

    const first = await host.complete(instance.id, 'send-letter', { letterSent: true });
    expect(first.status).toBe('running');
    expect(host.waitingElementIds(instance.id)).toEqual(['call']);

    const second = await host.complete(instance.id, 'call', { reached: true });
    expect(host.waitingElementIds(instance.id)).toEqual(['review']);
    expect(second.variables).toMatchObject({ letterSent: true, reached: true });

    const done = await host.complete(instance.id, 'review');
    expect(done.status).toBe('completed');
    expect(
      host.row(instance.id).history.filter((h) => h.elementId === 'join' && h.event === 'activity.end'),
    ).toHaveLength(1);
  });
});

describe('errors', () => {
  it('a service task becomes a call with an idempotency key; its business error is caught by the error boundary', async () => {
    const host = new InMemoryHost(await deployFixture('send-letter-service-error-boundary.bpmn'));
    const instance = await host.start({ debtorId: 'd-1' });
    expect(instance.last.serviceCalls).toEqual([
      {
        callId: expect.any(String),
        elementId: 'post-letter',
        handler: 'letters.post',
        input: { debtorId: 'd-1' },
        attempt: 1,
        idempotencyKey: `${instance.id}:post-letter:1`,
      },
    ]);
    const callId = instance.last.serviceCalls[0]!.callId;

    const failed = await host.send(instance.id, {
      type: 'serviceFailed',
      callId,
      error: { code: 'ADDRESS_UNKNOWN', message: 'no valid address' },
    });
    expect(failed.status).toBe('running');
    expect(host.waitingElementIds(instance.id)).toEqual(['find-address']);
    expect(failed.serviceCalls).toEqual([]);

    // Loop back: the second visit is a new attempt with a new key.
    const retried = await host.complete(instance.id, 'find-address', { address: 'Main St 1' });
    expect(retried.serviceCalls).toMatchObject([
      { attempt: 2, idempotencyKey: `${instance.id}:post-letter:2` },
    ]);

    const sent = await host.send(instance.id, {
      type: 'serviceCompleted',
      callId: retried.serviceCalls[0]!.callId,
      output: { trackingNo: 'T-9' },
    });
    expect(sent.status).toBe('completed');
    expect(sent.variables).toMatchObject({ address: 'Main St 1', trackingNo: 'T-9' });
  });

  it('an uncaught service error fails the instance with the error as data', async () => {
    const host = new InMemoryHost(await deployFixture('send-letter-service-error-boundary.bpmn'));
    const instance = await host.start();
    const result = await host.send(instance.id, {
      type: 'serviceFailed',
      elementId: 'post-letter',
      error: { code: 'PRINTER_ON_FIRE', message: 'printer on fire' },
    });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ code: 'PRINTER_ON_FIRE' });
    expect(result.waitingTasks).toEqual([]);
    await expect(
      host.send(instance.id, { type: 'serviceCompleted', elementId: 'post-letter' }),
    ).rejects.toMatchObject({
      code: 'engine.instance_not_running',
    });
  });

  it('an error end event inside a subprocess is caught by the boundary on the subprocess', async () => {
    const host = new InMemoryHost(await deployFixture('subprocess-error-end-caught-by-boundary.bpmn'));
    const instance = await host.start();
    expect(host.waitingElementIds(instance.id)).toEqual(['assess']);
    await host.complete(instance.id, 'assess', { insolvent: true });
    expect(host.waitingElementIds(instance.id)).toEqual(['file-claim']);
    const done = await host.complete(instance.id, 'file-claim');
    expect(done.status).toBe('completed');
  });

  it('without the error the subprocess completes normally', async () => {
    const host = new InMemoryHost(await deployFixture('subprocess-error-end-caught-by-boundary.bpmn'));
    const instance = await host.start();
    await host.complete(instance.id, 'assess', { insolvent: false });
    expect(host.waitingElementIds(instance.id)).toEqual(['collect']);
  });
});
