import { describe, expect, it } from 'vitest';
import { parseAndLint } from '../src/index.js';
import { deployFixture, lintContext } from './support/fixtures.js';
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
});

describe('event subprocesses', () => {
  const noSynthetic = (ids: string[]) => ids.filter((id) => id.startsWith('collectflow__'));

  it('message-started handlers: a non-interrupting one runs beside the work, an interrupting one ends it', async () => {
    const deployment = await deployFixture('event-subprocess-debtor-calls-in.bpmn');
    expect(deployment.metadata.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ elementId: 'call-in', name: 'debtor-called-in', kind: 'boundary' }),
        expect.objectContaining({ elementId: 'withdrawn', name: 'case-withdrawn', kind: 'boundary' }),
      ]),
    );
    const host = new InMemoryHost(deployment);
    const instance = await host.start();
    expect(host.waitingElementIds(instance.id)).toEqual(['dun']);
    expect(instance.last.messageSubscriptions.map((s) => s.name).sort()).toEqual([
      'case-withdrawn',
      'debtor-called-in',
    ]);
    expect(noSynthetic(instance.last.activeElementIds)).toEqual([]);

    const calledIn = await host.send(instance.id, {
      type: 'message',
      name: 'debtor-called-in',
      payload: { via: 'phone' },
    });
    expect(host.waitingElementIds(instance.id)).toEqual(['dun', 'note-call']);
    expect(calledIn.closedTaskIds).toEqual([]);
    await host.complete(instance.id, 'note-call');
    expect(host.waitingElementIds(instance.id)).toEqual(['dun']);

    const dunTask = host.task(instance.id, 'dun').taskId;
    const withdrawn = await host.send(instance.id, { type: 'message', name: 'case-withdrawn' });
    expect(withdrawn.status).toBe('completed');
    expect(withdrawn.closedTaskIds).toEqual([dunTask]);
    const history = host.row(instance.id).history;
    expect(history.map((h) => h.elementId)).toEqual(
      expect.arrayContaining(['call-in', 'note-call', 'withdrawn', 'closed']),
    );
    expect(noSynthetic(history.map((h) => h.elementId))).toEqual([]);
  });

  it('a timer-started handler fires after 30 days beside the work; an error handler cancels the work and the reminder', async () => {
    const host = new InMemoryHost(await deployFixture('event-subprocess-reminder-and-dispute.bpmn'));
    const instance = await host.start();
    expect(host.waitingElementIds(instance.id)).toEqual(['call']);
    expect(instance.last.timers.create).toMatchObject([
      { elementId: 'after-30-days', timerType: 'timeDuration' },
    ]);
    const armedAt = host.clock.now().getTime();
    expect(Date.parse(instance.last.timers.create[0]!.dueAt) - armedAt).toBe(30 * 24 * 3600_000);

    host.clock.advanceMs(29 * 24 * 3600_000);
    expect(await host.runDueTimers()).toBe(0);
    host.clock.advanceMs(24 * 3600_000);
    expect(await host.runDueTimers()).toBe(1);
    expect(host.waitingElementIds(instance.id)).toEqual(['call', 'remind']);

    const remindTask = host.task(instance.id, 'remind').taskId;
    const callTask = host.task(instance.id, 'call').taskId;
    const disputed = await host.complete(instance.id, 'call', { disputed: true });
    expect(host.waitingElementIds(instance.id)).toEqual(['legal-review']);
    expect(disputed.closedTaskIds.sort()).toEqual([callTask, remindTask].sort());
    expect(host.task(instance.id, 'legal-review').candidateGroups).toEqual(['legal']);
    expect((await host.complete(instance.id, 'legal-review')).status).toBe('completed');
  });

  it('without a dispute the work ends the scope and the pending reminder timer is cancelled', async () => {
    const host = new InMemoryHost(await deployFixture('event-subprocess-reminder-and-dispute.bpmn'));
    const instance = await host.start();
    const done = await host.complete(instance.id, 'call', { disputed: false });
    expect(done.status).toBe('completed');
    expect(done.timers.cancel).toMatchObject([{ elementId: 'after-30-days' }]);
  });

  it('what the rewrite cannot express is refused with the element named; reserved ids are refused', async () => {
    const xml = (handler: string, ownStart = '') => `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:message id="m" name="go" /><bpmn:signal id="s" name="sig" />
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start">${ownStart}</bpmn:startEvent>
    <bpmn:sequenceFlow id="f" sourceRef="start" targetRef="end" />
    <bpmn:endEvent id="end" />
    <bpmn:subProcess id="esp" triggeredByEvent="true">${handler}</bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>`;
    const errorsOf = async (source: string) =>
      (await parseAndLint(source, lintContext)).problems
        .filter((p) => p.severity === 'error')
        .map((p) => `${p.elementId} ${p.code}`);
    const signalStart =
      '<bpmn:startEvent id="h"><bpmn:signalEventDefinition signalRef="s" /></bpmn:startEvent><bpmn:sequenceFlow id="hf" sourceRef="h" targetRef="he" /><bpmn:endEvent id="he" />';
    expect(await errorsOf(xml(signalStart))).toContain('esp bpmn.unsupported_event_subprocess');
    const messageStart =
      '<bpmn:startEvent id="h"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent><bpmn:sequenceFlow id="hf" sourceRef="h" targetRef="he" /><bpmn:endEvent id="he" />';
    expect(await errorsOf(xml(messageStart, '<bpmn:messageEventDefinition messageRef="m" />'))).toContain(
      'esp bpmn.unsupported_event_subprocess',
    );
    expect(await errorsOf(xml(messageStart))).toEqual([]);
    const reserved = xml(messageStart)
      .replace('id="end"', 'id="collectflow__end"')
      .replace('targetRef="end"', 'targetRef="collectflow__end"');
    expect(await errorsOf(reserved)).toContain('collectflow__end bpmn.reserved_id');
  });
});
