import { describe, expect, it } from 'vitest';
import { EngineError, runStep } from '../src/index.js';
import { FakeClock } from './support/fake.clock.js';
import { deployFixture } from './support/fixtures.js';
import { InMemoryHost } from './support/in-memory.host.js';

describe('a user task followed by an exclusive gateway on the submitted data', () => {
  it('starts, waits at the call task with its form, groups, due date and priority', async () => {
    const host = new InMemoryHost(await deployFixture('call-debtor-then-gateway-on-promise.bpmn'));
    const instance = await host.start({ promisedAmount: '1000.00' }, 'case-42');

    expect(instance.status).toBe('running');
    const [task] = instance.last.waitingTasks;
    expect(task).toMatchObject({
      elementId: 'call',
      name: 'Call debtor',
      formKey: 'debt-case',
      formVersion: 3,
      candidateGroups: ['collectors', 'supervisors'],
      dueAt: '2025-03-05T09:00:00.000Z',
      priority: 50,
    });
    expect(instance.last.createdTaskIds).toEqual([task?.taskId]);
    expect(instance.last.activeElementIds).toEqual(['call']);
    expect(instance.snapshot.businessKey).toBe('case-42');
    expect(instance.last.history.map((h) => `${h.event}:${h.elementId}`)).toEqual([
      'process.start:call-debtor',
      'activity.start:start',
      'activity.end:start',
      'activity.start:call',
    ]);
  });

  it('ends at "settled" when the debtor paid at least 90% of the promise (decimal strings compare as numbers)', async () => {
    const host = new InMemoryHost(await deployFixture('call-debtor-then-gateway-on-promise.bpmn'));
    const instance = await host.start({ promisedAmount: '1000.00' });
    const result = await host.complete(instance.id, 'call', { paidAmount: '900.00' });

    expect(result.status).toBe('completed');
    expect(result.closedTaskIds).toHaveLength(1);
    expect(result.waitingTasks).toEqual([]);
    expect(result.variables).toMatchObject({ promisedAmount: '1000.00', paidAmount: '900.00' });
    expect(result.history.map((h) => h.elementId)).toContain('settled');
    expect(result.history.map((h) => h.elementId)).not.toContain('escalate');
  });

  it('takes the default flow to an escalation task assigned by expression when the payment falls short', async () => {
    const host = new InMemoryHost(await deployFixture('call-debtor-then-gateway-on-promise.bpmn'));
    const instance = await host.start({ promisedAmount: '1000.00', supervisor: 'mei.lin' });
    const result = await host.complete(instance.id, 'call', { paidAmount: '899.99' });

    expect(result.status).toBe('running');
    expect(result.waitingTasks).toMatchObject([
      { elementId: 'escalate', assignee: 'mei.lin', formVersion: null },
    ]);
    const done = await host.complete(instance.id, 'escalate');
    expect(done.status).toBe('completed');
  });

  it('refuses to complete a task that is not waiting with engine.task_not_waiting', async () => {
    const deployment = await deployFixture('call-debtor-then-gateway-on-promise.bpmn');
    const host = new InMemoryHost(deployment);
    const instance = await host.start({ promisedAmount: '10' });
    const firstTask = host.task(instance.id, 'call');
    await host.complete(instance.id, 'call', { paidAmount: '1' });

    const again = host.send(instance.id, { type: 'completeTask', taskId: firstTask.taskId, data: {} });
    await expect(again).rejects.toBeInstanceOf(EngineError);
    await expect(again).rejects.toMatchObject({ code: 'engine.task_not_waiting', kind: 'conflict' });
    // The failed attempt changed nothing: the escalation task still waits.
    expect(host.waitingElementIds(instance.id)).toEqual(['escalate']);
  });

  it('refuses events for an instance that has not started, and a second start', async () => {
    const deployment = await deployFixture('call-debtor-then-gateway-on-promise.bpmn');
    const ctx = { instanceId: 'i-1', clock: new FakeClock() };
    await expect(
      runStep(deployment, null, { type: 'completeTask', elementId: 'call' }, ctx),
    ).rejects.toMatchObject({
      code: 'engine.instance_not_started',
    });
    const started = await runStep(deployment, null, { type: 'start' }, ctx);
    await expect(runStep(deployment, started.snapshot, { type: 'start' }, ctx)).rejects.toMatchObject({
      code: 'engine.instance_already_started',
    });
  });

  it('a condition that cannot be evaluated fails the instance with the error as data, not an exception', async () => {
    const host = new InMemoryHost(await deployFixture('call-debtor-then-gateway-on-promise.bpmn'));
    const instance = await host.start({ promisedAmount: 'lots' });
    const result = await host.complete(instance.id, 'call', { paidAmount: '10' });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ elementId: 'enough', code: 'engine.expression_failed' });
    expect(result.history.at(-1)).toMatchObject({ event: 'process.error' });
  });
});
