import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxRecord } from '@collectflow/store';
import { openStore, type Store } from '@collectflow/store';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  COLLECTOR,
  deploy,
  FakeClock,
  json,
  type RuntimeHarness,
  startInstance,
  startRuntimeApp,
} from './support/runtime.support.js';

const DAY = 86_400_000;

describe.each(testBackends().map((b) => [b.name, b] as const))('durable timers on %s', (_name, backend) => {
  let h: RuntimeHarness;
  let cleanup: () => Promise<void>;
  const sent: OutboxRecord[] = [];

  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    h = await startRuntimeApp(opened.store, {
      outboxSink: async (message) => {
        sent.push(message);
      },
    });
    await deploy(h.app, 'promise-to-pay-30-days.bpmn');
    await deploy(h.app, 'reminder-every-7-days-three-times.bpmn');
    await deploy(h.app, 'wait-then-confirm.bpmn');
  });
  afterAll(async () => {
    await h.close();
    await cleanup();
  });

  const complete = (taskId: string, data: unknown) =>
    json(h.app.request(`/api/tasks/${taskId}/complete`, { method: 'POST', json: { data }, as: COLLECTOR }));
  const view = async (id: string) => (await json(h.app.request(`/api/instances/${id}`))).body;

  it('a 30-day boundary timer is a job row; it fires once when the clock passes it, cancelling the task', async () => {
    const { instance, taskIds } = await startInstance(h.app, 'promise-to-pay', { businessKey: 'case-30d' });
    const promised = await complete(taskIds[0]!, { promisedAmount: 500 });
    const waitingTaskId = promised.body.nextTaskIds[0];
    const armedAt = h.clock.now().getTime();
    const jobs = (await view(instance.id)).jobs;
    expect(jobs).toMatchObject([{ kind: 'timer', elementId: 'promise-expired', status: 'ready' }]);
    expect(Date.parse(jobs[0].runAt)).toBe(armedAt + 30 * DAY);

    h.clock.advanceDays(29);
    expect((await h.runtime.scheduler.runDue()).timers).toBe(0);
    h.clock.advanceDays(1);
    expect((await h.runtime.scheduler.runDue()).timers).toBe(1);
    expect((await h.runtime.scheduler.runDue()).timers).toBe(0);

    const after = await view(instance.id);
    expect(after.jobs).toEqual([]);
    expect(after.instance.activeElementIds).toEqual(['follow-up']);
    expect(after.tasks.find((t: { id: string }) => t.id === waitingTaskId)?.status).toBe('cancelled');
    expect(after.history.filter((e: { event: string }) => e.event === 'timer.fire')).toMatchObject([
      { elementId: 'promise-expired', data: { dueAt: new Date(armedAt + 30 * DAY).toISOString() } },
    ]);
    expect((await complete(waitingTaskId, { paidAmount: 500 })).status).toBe(409);
  });

  it('completing the task removes its boundary timer job', async () => {
    const { instance, taskIds } = await startInstance(h.app, 'promise-to-pay');
    const promised = await complete(taskIds[0]!, { promisedAmount: 500 });
    expect((await view(instance.id)).jobs).toHaveLength(1);
    await complete(promised.body.nextTaskIds[0], { paidAmount: 500 });
    expect((await view(instance.id)).jobs).toEqual([]);
    h.clock.advanceDays(31);
    expect((await h.runtime.scheduler.runDue()).timers).toBe(0);
  });

  it('a timer cycle R3/P7D fires three times, each firing one outbox message delivered once', async () => {
    const before = sent.length;
    const { instance } = await startInstance(h.app, 'reminders', { businessKey: 'case-cycle' });
    for (let week = 1; week <= 4; week++) {
      h.clock.advanceDays(7);
      await h.runtime.scheduler.runDue();
    }
    const reminders = sent.slice(before).filter((m) => m.instanceId === instance.id);
    expect(reminders.map((m) => m.name)).toEqual(['send-reminder', 'send-reminder', 'send-reminder']);
    expect(new Set(reminders.map((m) => m.idempotencyKey)).size).toBe(3);
    const after = await view(instance.id);
    expect(after.history.filter((e: { event: string }) => e.event === 'timer.fire')).toHaveLength(3);
    expect(after.jobs).toEqual([]);
    expect(after.instance.status).toBe('running');
    const [pending] = await rawSelect<{ n: number }>(
      h.store,
      'select count(*) as n from process_outbox where dispatched_at is null and instance_id = ?',
      [instance.id],
    );
    expect(pending!.n).toBe(0);
  });

  it('a timer duration can come from a process variable', async () => {
    const { instance } = await startInstance(h.app, 'wait-then-confirm', { variables: { coolOff: 'PT36H' } });
    const [job] = (await view(instance.id)).jobs;
    expect(Date.parse(job.runAt) - h.clock.now().getTime()).toBe(36 * 3600_000);
  });

  it('a timer whose step keeps failing retries with backoff, then opens an incident; retried once fixed, it fires', async () => {
    const { instance } = await startInstance(h.app, 'wait-then-confirm', { variables: { coolOff: 'PT1M' } });
    const [saved] = await rawSelect<{ snapshot: unknown }>(
      h.store,
      'select snapshot from process_instances where id = ?',
      [instance.id],
    );
    // A snapshot the engine refuses stands in for any step that throws (a bug, a bad deployment).
    await rawSelect(
      h.store,
      `update process_instances set snapshot = '{"format":"broken"}' where id = ? returning id`,
      [instance.id],
    );
    h.clock.advanceMs(60_000);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await h.runtime.scheduler.runDue();
      h.clock.advanceDays(1);
    }
    const failed = await view(instance.id);
    expect(failed.jobs).toMatchObject([{ kind: 'timer', status: 'incident', attempts: 3 }]);
    expect(failed.history.filter((e: { event: string }) => e.event === 'job.retry')).toHaveLength(2);
    const { body: incidents } = await json(
      h.app.request(`/api/incidents?instanceId=${instance.id}&status=open`),
    );
    expect(incidents.items).toMatchObject([{ kind: 'timer_failed', elementId: 'cool-off' }]);
    const resolve = await json(
      h.app.request(`/api/incidents/${incidents.items[0].id}/resolve`, { method: 'POST', json: {} }),
    );
    expect(resolve).toMatchObject({ status: 409, body: { code: 'incident.not_resolvable' } });

    await rawSelect(h.store, 'update process_instances set snapshot = ? where id = ? returning id', [
      JSON.stringify(saved!.snapshot),
      instance.id,
    ]);
    const retried = await json(
      h.app.request(`/api/incidents/${incidents.items[0].id}/retry`, { method: 'POST' }),
    );
    expect(retried.body.resolution).toBe('retried');
    await h.runtime.scheduler.runDue();
    const fixed = await view(instance.id);
    expect(fixed.instance.activeElementIds).toEqual(['confirm']);
    expect(fixed.history.filter((e: { event: string }) => e.event === 'timer.fire')).toHaveLength(1);
  });

  it('a started scheduler fires due timers on its own and stops after the step in flight', async () => {
    const { instance } = await startInstance(h.app, 'wait-then-confirm', { variables: { coolOff: 'PT1M' } });
    h.clock.advanceMs(60_000);
    h.runtime.scheduler.start();
    try {
      await vi.waitFor(
        async () => expect((await view(instance.id)).instance.activeElementIds).toEqual(['confirm']),
        {
          timeout: 30_000,
          interval: 50,
        },
      );
    } finally {
      await h.runtime.scheduler.stop();
    }
    expect(h.runtime.scheduler.isRunning).toBe(false);
  });
});

describe('a timer that came due while the server was down', () => {
  async function runAcrossRestart(openSame: () => Promise<Store>) {
    const clock = new FakeClock();
    const first = await startRuntimeApp(await openSame(), { clock });
    await deploy(first.app, 'wait-then-confirm.bpmn');
    const { instance } = await startInstance(first.app, 'wait-then-confirm', {
      variables: { coolOff: 'P30D' },
    });
    await first.close();
    await first.store.close();

    // Down for 45 days.
    clock.advanceDays(45);
    const second = await startRuntimeApp(await openSame(), { clock });
    try {
      const drained = await second.runtime.scheduler.runDue();
      expect(drained.timers).toBe(1);
      const { body } = await json(second.app.request(`/api/instances/${instance.id}`));
      expect(body.instance.activeElementIds).toEqual(['confirm']);
      expect(body.history.filter((e: { event: string }) => e.event === 'timer.fire')).toHaveLength(1);
    } finally {
      await second.close();
      await second.store.close();
    }
  }

  it('fires after restart on embedded PGlite (data directory on disk)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'collectflow-restart-'));
    try {
      await runAcrossRestart(async () => {
        const store = await openStore({ backend: 'pglite', dataDir: dir });
        await store.migrate();
        return store;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const url = process.env.TEST_DATABASE_URL?.trim();
  it.skipIf(!url)('fires after restart on PostgreSQL', async () => {
    const schema = `t_restart_${Date.now().toString(36)}`;
    try {
      await runAcrossRestart(async () => {
        const store = await openStore({ backend: 'postgres', databaseUrl: url!, schema });
        await store.migrate();
        return store;
      });
    } finally {
      const store = await openStore({ backend: 'postgres', databaseUrl: url!, schema });
      await store.rollbackAll();
      await store.close();
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  });
});
