import { describe, expect, it } from 'vitest';
import { parseAndLint } from '../src/index.js';
import { deployFixture, lintContext, readFixture } from './support/fixtures.js';
import { InMemoryHost } from './support/in-memory.host.js';

describe('start events', () => {
  it('a message start event waits for its message, which then starts the work', async () => {
    const host = new InMemoryHost(await deployFixture('message-start-payment-plan.bpmn'));
    const instance = await host.start();
    expect(instance.last.messageSubscriptions).toEqual([
      { name: 'payment-plan-requested', elementId: 'requested', kind: 'start' },
    ]);
    const started = await host.send(instance.id, {
      type: 'message',
      name: 'payment-plan-requested',
      payload: { months: 6 },
    });
    expect(started.waitingTasks).toMatchObject([{ elementId: 'review-plan' }]);
    expect(started.variables).toEqual({ months: 6 });
  });

  it('a timer start event is a job; a timeDate with an offset is due at the right UTC instant', async () => {
    const host = new InMemoryHost(await deployFixture('timer-start-and-timedate-catch.bpmn'));
    const instance = await host.start();
    expect(instance.last.timers.create).toMatchObject([
      { elementId: 'in-one-hour', dueAt: '2025-03-03T10:00:00.000Z' },
    ]);
    host.clock.advanceMs(3600_000);
    await host.runDueTimers();
    expect(host.row(instance.id).last.timers.create).toMatchObject([
      { elementId: 'until-date', dueAt: '2025-06-30T14:00:00.000Z', timerType: 'timeDate' },
    ]);
    host.clock.set('2025-06-30T14:00:00.000Z');
    await host.runDueTimers();
    expect(host.row(instance.id).status).toBe('completed');
  });
});

describe('call activities and inclusive gateways', () => {
  it('a call activity runs a process from the same file and continues after it', async () => {
    const host = new InMemoryHost(await deployFixture('call-activity-same-file.bpmn'));
    const instance = await host.start();
    expect(host.waitingElementIds(instance.id)).toEqual(['check-id']);
    expect(instance.last.waitingTasks[0]?.candidateGroups).toEqual(['back-office']);
    await host.complete(instance.id, 'check-id', { identityOk: true });
    expect(host.waitingElementIds(instance.id)).toEqual(['collect']);
    expect((await host.complete(instance.id, 'collect')).status).toBe('completed');
  });

  it('an inclusive gateway opens every branch whose condition holds and joins them', async () => {
    const host = new InMemoryHost(await deployFixture('inclusive-gateway-channels.bpmn'));
    const both = await host.start({ mobile: '+86 138 0000 0000', email: 'debtor@example.com' });
    expect(host.waitingElementIds(both.id)).toEqual(['mail', 'sms']);
    await host.complete(both.id, 'sms');
    expect(host.row(both.id).status).toBe('running');
    expect((await host.complete(both.id, 'mail')).status).toBe('completed');

    const none = await host.start({});
    expect(host.waitingElementIds(none.id)).toEqual(['letter']);
  });

  it('event subprocesses are refused at deploy: they cannot be triggered durably from outside', async () => {
    const { definition, problems } = await parseAndLint(
      readFixture('event-subprocess-debtor-calls-in.bpmn'),
      lintContext,
    );
    expect(definition).toBeUndefined();
    expect(problems.filter((p) => p.severity === 'error').map((p) => `${p.elementId} ${p.code}`)).toEqual([
      'on-call-in bpmn.unsupported_event_subprocess',
      'on-withdraw bpmn.unsupported_event_subprocess',
    ]);
  });
});
