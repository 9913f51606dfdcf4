import { describe, expect, it } from 'vitest';
import { type DeploymentDefinition, runStep } from '../src/index.js';
import { FakeClock } from './support/fake.clock.js';
import { deployFixture } from './support/fixtures.js';
import { InMemoryHost } from './support/in-memory.host.js';

describe('snapshots and engine lifetime', () => {
  it('a snapshot holds running state only: no embedded model source, and it survives a JSON round trip', async () => {
    const deployment = await deployFixture('promise-to-pay-timer-30-days.bpmn');
    const result = await runStep(
      deployment,
      null,
      { type: 'start' },
      { instanceId: 'i-1', clock: new FakeClock() },
    );
    const json = JSON.stringify(result.snapshot);
    const definitions = result.snapshot.engine.definitions ?? [];
    expect(definitions.length).toBe(1);
    expect(definitions.every((d) => !('source' in d))).toBe(true);
    expect(json).not.toContain('sourceContext');
    // The model itself (names, form keys) is not repeated in the snapshot.
    expect(json).not.toContain('Follow up broken promise');
    expect(json.length).toBeLessThan(16_000);
  });

  it('steps run from the stored JSON deployment, which holds no XML', async () => {
    const deployment = await deployFixture('call-debtor-then-gateway-on-promise.bpmn');
    const stored = JSON.parse(JSON.stringify(deployment)) as DeploymentDefinition;
    expect(stored.sourceContext).not.toContain('<bpmn:');
    const host = new InMemoryHost(stored);
    const instance = await host.start({ promisedAmount: '100' });
    expect((await host.complete(instance.id, 'call', { paidAmount: '95' })).status).toBe('completed');
  });

  it('two instances interleaved on one cached deployment do not see each other', async () => {
    const host = new InMemoryHost(await deployFixture('call-debtor-then-gateway-on-promise.bpmn'));
    const a = await host.start({ promisedAmount: '100' }, 'case-a');
    const b = await host.start({ promisedAmount: '100' }, 'case-b');
    const bDone = await host.complete(b.id, 'call', { paidAmount: '10' });
    const aDone = await host.complete(a.id, 'call', { paidAmount: '100' });
    expect(aDone.status).toBe('completed');
    expect(bDone.waitingTasks).toMatchObject([{ elementId: 'escalate' }]);
    expect(aDone.variables).toEqual({ promisedAmount: '100', paidAmount: '100' });
    expect(bDone.variables).toEqual({ promisedAmount: '100', paidAmount: '10' });
  });

  it('a step leaves no Node timer behind, even with a 30-day boundary timer and a 14-day catch waiting', async () => {
    const countTimeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const baseline = countTimeouts();
    const host = new InMemoryHost(await deployFixture('payment-message-or-14-day-timeout.bpmn'));
    const instance = await host.start();
    await host.send(instance.id, { type: 'message', name: 'dispute-raised' });
    const timerHost = new InMemoryHost(await deployFixture('promise-to-pay-timer-30-days.bpmn'));
    await timerHost.start();
    expect(host.jobs.size + timerHost.jobs.size).toBe(2);
    expect(countTimeouts()).toBeLessThanOrEqual(baseline);
  });

  it('history entries carry the injected clock, not the wall clock', async () => {
    const clock = new FakeClock('2031-01-01T00:00:00.000Z');
    const deployment = await deployFixture('call-debtor-then-gateway-on-promise.bpmn');
    const result = await runStep(deployment, null, { type: 'start' }, { instanceId: 'i', clock });
    expect(new Set(result.history.map((h) => h.at))).toEqual(new Set(['2031-01-01T00:00:00.000Z']));
  });
});
