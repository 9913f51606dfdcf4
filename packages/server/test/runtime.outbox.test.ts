import { randomUUID } from 'node:crypto';
import { ServiceHandlerRegistry } from '@collectflow/server';
import type { OutboxRecord } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deploy, type RuntimeHarness, startInstance, startRuntimeApp } from './support/runtime.support.js';

// The outbox is sent outside any transaction, under a lease: a sink may run steps of its own
// (the collection pack correlates flow messages), and a node that dies mid-send loses nothing.

describe.each(testBackends().map((b) => [b.name, b] as const))('the outbox on %s', (_name, backend) => {
  let h: RuntimeHarness;
  let cleanup: () => Promise<void>;
  /** What the sink does with the next message: deliver, or fail like a provider outage. */
  let failNext = 0;
  const delivered: { message: OutboxRecord; instanceStatus: string }[] = [];

  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    const handlers = new ServiceHandlerRegistry().register('letters.post', async () => ({
      trackingNo: 'T-1',
    }));
    h = await startRuntimeApp(opened.store, {
      handlers,
      outboxSink: async (message) => {
        if (failNext > 0) {
          failNext--;
          throw new Error('chat gateway answered 503');
        }
        // A transaction of the sink's own: impossible if the dispatcher held one open.
        const instance = await h.runtime.instances.get(message.instanceId);
        delivered.push({ message, instanceStatus: instance.status });
      },
    });
    await deploy(h.app, 'letter-with-error-boundary.bpmn');
  });
  afterAll(async () => {
    await h.close();
    await cleanup();
  });
  beforeEach(() => {
    delivered.length = 0;
    failNext = 0;
  });

  const pending = () => h.store.transaction((tx) => tx.outbox.countPending(), { readOnly: true });
  const outboxOf = (instanceId: string) =>
    h.store.transaction((tx) => tx.outbox.forInstance(instanceId), { readOnly: true });

  it('the sink runs outside the dispatcher’s transaction and may read and step instances itself', async () => {
    const { instance } = await startInstance(h.app, 'dunning-letter', { businessKey: 'O-1' });
    await h.runtime.scheduler.runDue();
    expect(delivered.map((d) => [d.message.name, d.instanceStatus])).toEqual([['LetterSent', 'completed']]);
    const [row] = await outboxOf(instance.id);
    expect(row?.dispatchedAt).not.toBeNull();
    expect(await pending()).toBe(0);
  });

  it('a message leased by a node that died is sent again once its lease has run out, not before', async () => {
    const { instance } = await startInstance(h.app, 'dunning-letter', { businessKey: 'O-2' });
    await h.runtime.scheduler.runDue();
    delivered.length = 0;
    // A step's message, leased by a node that dies before it reports back.
    const now = h.clock.now();
    await h.store.transaction(async (tx) => {
      await tx.outbox.append([
        {
          id: randomUUID(),
          instanceId: instance.id,
          kind: 'message',
          name: 'ReminderDue',
          elementId: 'notify',
          idempotencyKey: `${instance.id}:reminder:1`,
          payload: {},
          createdAt: now,
        },
      ]);
      expect(await tx.outbox.lease(now, new Date(now.getTime() + 5 * 60_000), 10)).toHaveLength(1);
    });
    await h.runtime.scheduler.runDue();
    expect(delivered).toEqual([]);
    h.clock.advanceMs(5 * 60_000);
    await h.runtime.scheduler.runDue();
    expect(delivered.map((d) => d.message.name)).toEqual(['ReminderDue']);
    expect(await pending()).toBe(0);
  });

  it('a sink failure keeps the message, counts the attempt and retries it with backoff', async () => {
    failNext = 1;
    const { instance } = await startInstance(h.app, 'dunning-letter', { businessKey: 'O-3' });
    await h.runtime.scheduler.runDue();
    expect(delivered).toEqual([]);
    const [row] = await outboxOf(instance.id);
    expect(row).toMatchObject({ attempts: 1, lastError: 'chat gateway answered 503', dispatchedAt: null });
    h.clock.advanceMs(60_000);
    await h.runtime.scheduler.runDue();
    expect(delivered.map((d) => d.message.instanceId)).toEqual([instance.id]);
  });
});
