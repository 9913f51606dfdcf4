import { readFileSync } from 'node:fs';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTOR,
  json,
  type RuntimeHarness,
  startInstance,
  startRuntimeApp,
} from './support/runtime.support.js';

/** The engine package's event subprocess models, deployed as an admin would upload them. */
function engineFixture(name: string): string {
  return readFileSync(new URL(`../../engine/test/fixtures/${name}`, import.meta.url), 'utf8');
}

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'event subprocesses, durably, on %s',
  (_name, backend) => {
    let h: RuntimeHarness;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      h = await startRuntimeApp(opened.store);
      for (const source of [
        engineFixture('event-subprocess-debtor-calls-in.bpmn'),
        // The test app knows collectors and supervisors; the model's legal team reviews here.
        engineFixture('event-subprocess-reminder-and-dispute.bpmn').replaceAll('"legal"', '"supervisors"'),
      ]) {
        const res = await h.app.request('/api/deployments', {
          method: 'POST',
          headers: { 'content-type': 'application/xml' },
          body: source,
        });
        expect(res.status, await res.clone().text()).toBe(201);
      }
    });
    afterAll(async () => {
      await h.close();
      await cleanup();
    });

    const view = async (id: string) => (await json(h.app.request(`/api/instances/${id}`))).body;
    const openTasks = async (id: string) =>
      (await view(id)).tasks
        .filter((t: { status: string }) => t.status !== 'completed' && t.status !== 'cancelled')
        .map((t: { elementId: string }) => t.elementId)
        .sort();
    const send = (body: Record<string, unknown>) =>
      json(h.app.request('/api/messages', { method: 'POST', json: body, as: COLLECTOR }));

    it('a message correlated by business key starts a handler beside the work; another one ends the instance', async () => {
      const { instance } = await startInstance(h.app, 'dunning', { businessKey: 'case-esp-1' });
      expect((await view(instance.id)).subscriptions.map((s: { name: string }) => s.name).sort()).toEqual([
        'case-withdrawn',
        'debtor-called-in',
      ]);
      expect((await send({ name: 'debtor-called-in', businessKey: 'case-esp-1' })).status).toBe(200);
      expect(await openTasks(instance.id)).toEqual(['dun', 'note-call']);
      const shown = await view(instance.id);
      expect(shown.instance.activeElementIds.sort()).toEqual(['dun', 'note-call', 'withdrawn']);
      expect(
        shown.history.some((e: { elementId: string | null }) => e.elementId?.startsWith('collectflow__')),
      ).toBe(false);

      expect((await send({ name: 'case-withdrawn', businessKey: 'case-esp-1' })).status).toBe(200);
      const ended = await view(instance.id);
      expect(ended.instance.status).toBe('completed');
      expect(await openTasks(instance.id)).toEqual([]);
    });

    it('a 30-day timer handler is a job row that fires once when the clock passes it', async () => {
      const { instance } = await startInstance(h.app, 'promise-watch', { businessKey: 'case-esp-2' });
      const jobs = (await view(instance.id)).jobs;
      expect(jobs).toMatchObject([{ kind: 'timer', elementId: 'after-30-days', status: 'ready' }]);
      h.clock.advanceDays(29);
      expect((await h.runtime.scheduler.runDue()).timers).toBe(0);
      h.clock.advanceDays(1);
      expect((await h.runtime.scheduler.runDue()).timers).toBe(1);
      expect((await h.runtime.scheduler.runDue()).timers).toBe(0);
      expect(await openTasks(instance.id)).toEqual(['call', 'remind']);
    });
  },
);
