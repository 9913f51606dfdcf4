import { afterEach, describe, expect, it, vi } from 'vitest';
import { deployFixture } from './support/fixtures.js';
import { InMemoryHost } from './support/in-memory.host.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('durable timers', () => {
  it('a 30-day timer is a job, not a Node timer, and fires when its job is due', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const host = new InMemoryHost(await deployFixture('promise-to-pay-timer-30-days.bpmn'));
    const instance = await host.start();

    const [job] = instance.last.timers.create;
    expect(job).toMatchObject({
      elementId: 'promise-expired',
      dueAt: '2025-04-02T09:00:00.000Z',
      timerType: 'timeDuration',
      expression: 'P30D',
      repeat: null,
    });
    expect(instance.last.timers.create).toHaveLength(1);
    // Nothing in bpmn-engine armed a real timer for the boundary event.
    const longTimers = setTimeoutSpy.mock.calls.filter(([, delay]) => (delay ?? 0) > 1000);
    expect(longTimers).toEqual([]);

    host.clock.advanceDays(29);
    expect(await host.runDueTimers()).toBe(0);
    expect(host.waitingElementIds(instance.id)).toEqual(['await-payment']);

    host.clock.advanceDays(1);
    expect(await host.runDueTimers()).toBe(1);
    const after = host.row(instance.id).last;
    expect(after.status).toBe('running');
    expect(host.waitingElementIds(instance.id)).toEqual(['follow-up']);
    expect(after.closedTaskIds).toHaveLength(1);
    expect(after.timers.cancel).toEqual([{ timerId: job?.timerId, elementId: 'promise-expired' }]);
    expect(after.history.find((h) => h.event === 'activity.timeout')).toMatchObject({
      elementId: 'promise-expired',
      at: '2025-04-02T09:00:00.000Z',
    });
    expect(host.jobs.size).toBe(0);
  });

  it('completing the task before the deadline cancels the timer job', async () => {
    const host = new InMemoryHost(await deployFixture('promise-to-pay-timer-30-days.bpmn'));
    const instance = await host.start();
    const timerId = instance.last.timers.create[0]?.timerId;
    host.clock.advanceDays(10);
    const result = await host.complete(instance.id, 'await-payment', { paidAmount: '100' });
    expect(result.status).toBe('completed');
    expect(result.timers.cancel).toEqual([{ timerId, elementId: 'promise-expired' }]);
    expect(host.jobs.size).toBe(0);
  });

  it('a stale timer job is refused with engine.timer_not_waiting', async () => {
    const host = new InMemoryHost(await deployFixture('promise-to-pay-timer-30-days.bpmn'));
    const instance = await host.start();
    const timerId = instance.last.timers.create[0]?.timerId;
    await host.send(instance.id, { type: 'timerDue', timerId });
    await expect(host.send(instance.id, { type: 'timerDue', timerId })).rejects.toMatchObject({
      code: 'engine.timer_not_waiting',
    });
  });

  it('a timer due while the server was down fires when the scheduler catches up, not on other events', async () => {
    const host = new InMemoryHost(await deployFixture('promise-to-pay-timer-30-days.bpmn'));
    const instance = await host.start();
    host.clock.advanceDays(45);
    // The task is still completable: the overdue timer waits for its job rather than racing it.
    const result = await host.complete(instance.id, 'await-payment');
    expect(result.status).toBe('completed');
    expect(result.timers.cancel).toHaveLength(1);
  });

  it('a non-interrupting R3/P7D cycle reminds three times a week apart while the task stays open', async () => {
    const host = new InMemoryHost(await deployFixture('reminder-every-7-days-three-times.bpmn'));
    const instance = await host.start({ debtor: 'd-7' });
    expect(instance.last.timers.create).toMatchObject([
      { elementId: 'weekly', dueAt: '2025-03-10T09:00:00.000Z', timerType: 'timeCycle', repeat: 3 },
    ]);
    const dues: string[] = [];
    for (let week = 1; week <= 5; week++) {
      host.clock.advanceDays(7);
      const due = [...host.jobs.values()].map((j) => j.dueAt);
      dues.push(...due);
      await host.runDueTimers();
    }
    expect(host.outbox.map((m) => m.name)).toEqual(['send-reminder', 'send-reminder', 'send-reminder']);
    expect(host.outbox[0]).toMatchObject({ elementId: 'remind', payload: { debtor: 'd-7' } });
    expect(dues).toEqual([
      '2025-03-10T09:00:00.000Z',
      '2025-03-17T09:00:00.000Z',
      '2025-03-24T09:00:00.000Z',
    ]);
    expect(host.waitingElementIds(instance.id)).toEqual(['await-payment']);
    expect(host.jobs.size).toBe(0);
    const done = await host.complete(instance.id, 'await-payment');
    expect(done.status).toBe('completed');
  });
});
