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

    it('running instances do not migrate to a version that adds an event subprocess (their activities move scope)', async () => {
      const v1 = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="x">
  <bpmn:message id="m" name="esp-migration-withdrawn" />
  <bpmn:process id="esp-migration" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="dun" />
    <bpmn:userTask id="dun" camunda:formKey="debt-case" camunda:candidateGroups="collectors" />
    <bpmn:sequenceFlow id="f2" sourceRef="dun" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;
      const v2 = v1.replace(
        '</bpmn:process>',
        `<bpmn:subProcess id="esp" triggeredByEvent="true">
      <bpmn:startEvent id="withdrawn"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>
      <bpmn:sequenceFlow id="w1" sourceRef="withdrawn" targetRef="closed" />
      <bpmn:endEvent id="closed" />
    </bpmn:subProcess>
  </bpmn:process>`,
      );
      const upload = async (source: string) => {
        const res = await h.app.request('/api/deployments', {
          method: 'POST',
          headers: { 'content-type': 'application/xml' },
          body: source,
        });
        expect(res.status, await res.clone().text()).toBe(201);
      };
      await upload(v1);
      const { instance } = await startInstance(h.app, 'esp-migration', { businessKey: 'case-esp-3' });
      await upload(v2);
      const dryRun = await json(
        h.app.request('/api/migrations', {
          method: 'POST',
          json: { processKey: 'esp-migration', fromVersion: 1, toVersion: 2, dryRun: true },
        }),
      );
      expect(dryRun.status).toBe(200);
      const mine = dryRun.body.instances.find((i: { instanceId: string }) => i.instanceId === instance.id);
      expect(mine).toMatchObject({
        migratable: false,
        reasons: [{ elementId: null, code: 'migration.scope_changed' }],
      });
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
