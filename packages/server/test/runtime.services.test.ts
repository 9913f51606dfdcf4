import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BpmnError, ServiceHandlerRegistry, type ServiceTaskInvocation } from '@collectflow/server';
import type { OutboxRecord } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTOR,
  deploy,
  json,
  type RuntimeHarness,
  startInstance,
  startRuntimeApp,
} from './support/runtime.support.js';

type Behaviour = 'ok' | 'no-address' | 'down' | 'uncaught';

describe.each(testBackends().map((b) => [b.name, b] as const))('service tasks on %s', (_name, backend) => {
  let h: RuntimeHarness;
  let cleanup: () => Promise<void>;
  const calls: ServiceTaskInvocation[] = [];
  /** What letters.post does next, per business key; 'ok' when nothing is queued. */
  const script = new Map<string, Behaviour[]>();
  const sent: OutboxRecord[] = [];
  let bureau: Server;
  let bureauUrl: string;
  const bureauRequests: { headers: IncomingMessage['headers']; body: unknown; path: string }[] = [];
  let bureauAnswers: number[] = [];

  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    const handlers = new ServiceHandlerRegistry().register('letters.post', async (call) => {
      calls.push(call);
      const next = script.get(call.businessKey ?? '')?.shift() ?? 'ok';
      if (next === 'no-address') throw new BpmnError('ADDRESS_UNKNOWN', 'the debtor moved');
      if (next === 'uncaught') throw new BpmnError('PRINTER_ON_FIRE', 'nobody catches this');
      if (next === 'down') throw new Error('letter service answered 503');
      return { trackingNo: `T-${calls.length}` };
    });
    h = await startRuntimeApp(opened.store, {
      handlers,
      outboxSink: async (m) => {
        sent.push(m);
      },
    });
    bureau = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => {
        raw += chunk;
      });
      req.on('end', () => {
        bureauRequests.push({ headers: req.headers, body: JSON.parse(raw || 'null'), path: req.url ?? '' });
        const status = bureauAnswers.shift() ?? 200;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 200 ? JSON.stringify({ score: 712 }) : JSON.stringify({ error: status }));
      });
    });
    await new Promise<void>((resolve) => bureau.listen(0, '127.0.0.1', resolve));
    bureauUrl = `http://127.0.0.1:${(bureau.address() as AddressInfo).port}/score`;
    await deploy(h.app, 'letter-with-error-boundary.bpmn');
    await deploy(h.app, 'review-approve-letter.bpmn');
    await deploy(h.app, 'http-call-stores-result.bpmn');
  });
  afterAll(async () => {
    await h.close();
    await new Promise((resolve) => bureau.close(resolve));
    await cleanup();
  });

  const view = async (id: string) => (await json(h.app.request(`/api/instances/${id}`))).body;
  const incidentsOf = async (id: string) =>
    (await json(h.app.request(`/api/incidents?instanceId=${id}`))).body.items as {
      id: string;
      kind: string;
      status: string;
      resolution: string | null;
      message: string;
    }[];

  it('a service task runs its handler after the step commits, with config, idempotency key and an outbox message', async () => {
    const { instance } = await startInstance(h.app, 'dunning-letter', { businessKey: 'case-ok' });
    expect((await view(instance.id)).jobs).toMatchObject([{ kind: 'service', elementId: 'post-letter' }]);
    await h.runtime.scheduler.runDue();
    const call = calls.find((c) => c.instanceId === instance.id)!;
    expect(call).toMatchObject({
      handler: 'letters.post',
      elementId: 'post-letter',
      attempt: 1,
      idempotencyKey: `${instance.id}:post-letter:1`,
      processKey: 'dunning-letter',
      businessKey: 'case-ok',
      config: { retries: '3', template: 'first-reminder' },
    });
    const after = await view(instance.id);
    expect(after.instance.status).toBe('completed');
    expect(after.variables).toMatchObject({ trackingNo: expect.stringMatching(/^T-/) });
    expect(after.history.map((e: { event: string }) => e.event)).toContain('service.complete');
    expect(sent.filter((m) => m.instanceId === instance.id)).toMatchObject([
      { name: 'LetterSent', elementId: 'notify', kind: 'message' },
    ]);
  });

  it('a BPMN error from the handler is caught by the error boundary; the next call gets a new attempt key', async () => {
    script.set('case-moved', ['no-address', 'ok']);
    const { instance } = await startInstance(h.app, 'dunning-letter', { businessKey: 'case-moved' });
    await h.runtime.scheduler.runDue();
    const mid = await view(instance.id);
    expect(mid.instance.activeElementIds).toEqual(['find-address']);
    const task = mid.tasks.find((t: { status: string }) => t.status === 'open');
    await json(
      h.app.request(`/api/tasks/${task.id}/complete`, { method: 'POST', json: { data: {} }, as: COLLECTOR }),
    );
    await h.runtime.scheduler.runDue();
    expect((await view(instance.id)).instance.status).toBe('completed');
    expect(calls.filter((c) => c.instanceId === instance.id).map((c) => c.idempotencyKey)).toEqual([
      `${instance.id}:post-letter:1`,
      `${instance.id}:post-letter:2`,
    ]);
  });

  it('technical failures retry with exponential backoff under one idempotency key, then open an incident that can be retried', async () => {
    script.set('case-down', ['down', 'down', 'down', 'ok']);
    const { instance } = await startInstance(h.app, 'dunning-letter', { businessKey: 'case-down' });
    await h.runtime.scheduler.runDue();
    let [job] = (await view(instance.id)).jobs;
    expect(job).toMatchObject({ attempts: 1, status: 'ready', lastError: 'letter service answered 503' });
    expect(Date.parse(job.runAt) - h.clock.now().getTime()).toBe(60_000);

    h.clock.advanceMs(59_999);
    await h.runtime.scheduler.runDue();
    expect((await view(instance.id)).jobs[0].attempts).toBe(1);
    h.clock.advanceMs(1);
    await h.runtime.scheduler.runDue();
    [job] = (await view(instance.id)).jobs;
    expect(job.attempts).toBe(2);
    expect(Date.parse(job.runAt) - h.clock.now().getTime()).toBe(120_000);
    h.clock.advanceMs(120_000);
    await h.runtime.scheduler.runDue();
    [job] = (await view(instance.id)).jobs;
    expect(job).toMatchObject({ attempts: 3, status: 'incident' });

    const [incident] = await incidentsOf(instance.id);
    expect(incident).toMatchObject({
      kind: 'service_failed',
      status: 'open',
      message: 'letter service answered 503',
    });
    h.clock.advanceDays(1);
    expect((await h.runtime.scheduler.runDue()).services).toBe(0);

    const retried = await json(h.app.request(`/api/incidents/${incident!.id}/retry`, { method: 'POST' }));
    expect(retried.body).toMatchObject({ status: 'resolved', resolution: 'retried' });
    await h.runtime.scheduler.runDue();
    expect((await view(instance.id)).instance.status).toBe('completed');
    const keys = new Set(calls.filter((c) => c.instanceId === instance.id).map((c) => c.idempotencyKey));
    expect(keys).toEqual(new Set([`${instance.id}:post-letter:1`]));
    expect(
      (await json(h.app.request(`/api/incidents/${incident!.id}/retry`, { method: 'POST' }))).status,
    ).toBe(409);
  });

  it('an incident can be resolved by hand: with output the flow moves on, with a BPMN error it takes the boundary', async () => {
    script.set('case-manual', ['down', 'down', 'down']);
    script.set('case-manual-error', ['down', 'down', 'down']);
    const manual = (await startInstance(h.app, 'dunning-letter', { businessKey: 'case-manual' })).instance.id;
    const errored = (await startInstance(h.app, 'dunning-letter', { businessKey: 'case-manual-error' }))
      .instance.id;
    for (let i = 0; i < 3; i++) {
      await h.runtime.scheduler.runDue();
      h.clock.advanceMs(600_000);
    }
    const [first] = await incidentsOf(manual);
    const done = await json(
      h.app.request(`/api/incidents/${first!.id}/resolve`, {
        method: 'POST',
        json: { output: { trackingNo: 'BY-HAND' } },
      }),
    );
    expect(done.body).toMatchObject({ status: 'resolved', resolution: 'completed by hand' });
    expect((await view(manual)).instance.status).toBe('completed');
    expect((await view(manual)).variables.trackingNo).toBe('BY-HAND');

    const [second] = await incidentsOf(errored);
    await json(
      h.app.request(`/api/incidents/${second!.id}/resolve`, {
        method: 'POST',
        json: { error: { code: 'ADDRESS_UNKNOWN' } },
      }),
    );
    expect((await view(errored)).instance.activeElementIds).toEqual(['find-address']);
  });

  it('an uncaught BPMN error fails the instance and opens an incident that can only be acknowledged', async () => {
    script.set('case-fire', ['uncaught']);
    const { instance, taskIds } = await startInstance(h.app, 'review-approve-letter', {
      businessKey: 'case-fire',
    });
    await json(
      h.app.request(`/api/tasks/${taskIds[0]}/complete`, {
        method: 'POST',
        json: { data: { approved: true } },
        as: COLLECTOR,
      }),
    );
    await h.runtime.scheduler.runDue();
    const failed = await view(instance.id);
    expect(failed.instance.status).toBe('failed');
    const [incident] = await incidentsOf(instance.id);
    expect(incident).toMatchObject({ kind: 'instance_failed', status: 'open' });
    const retry = await json(h.app.request(`/api/incidents/${incident!.id}/retry`, { method: 'POST' }));
    expect(retry).toMatchObject({ status: 409, body: { code: 'incident.not_retryable' } });
    const ack = await json(
      h.app.request(`/api/incidents/${incident!.id}/resolve`, { method: 'POST', json: {} }),
    );
    expect(ack.body).toMatchObject({ status: 'resolved', resolution: 'acknowledged' });
    expect((await h.app.request('/api/incidents', { as: COLLECTOR })).status).toBe(403);
  });

  it('the built-in http handler posts the variables with an Idempotency-Key, retries 503 and stores the answer', async () => {
    bureauAnswers = [503];
    const { instance } = await startInstance(h.app, 'credit-check', {
      businessKey: 'case-http',
      variables: { bureauUrl, debtorId: 'D-9' },
    });
    await h.runtime.scheduler.runDue();
    expect((await view(instance.id)).jobs[0]).toMatchObject({
      attempts: 1,
      lastError: expect.stringContaining('503'),
    });
    h.clock.advanceMs(60_000);
    await h.runtime.scheduler.runDue();
    const after = await view(instance.id);
    expect(after.instance.activeElementIds).toEqual(['review']);
    expect(after.variables.bureau).toEqual({ score: 712 });
    const mine = bureauRequests.filter((r) => (r.body as { instanceId?: string }).instanceId === instance.id);
    expect(mine).toHaveLength(2);
    expect(mine.map((r) => r.headers['idempotency-key'])).toEqual([
      `${instance.id}:ask-bureau:1`,
      `${instance.id}:ask-bureau:1`,
    ]);
    expect(mine[0]!.body).toMatchObject({ businessKey: 'case-http', variables: { debtorId: 'D-9' } });
  });

  it('an http 4xx is a BPMN error HTTP_<status>; uncaught, it fails the instance', async () => {
    bureauAnswers = [404];
    const { instance } = await startInstance(h.app, 'credit-check', { variables: { bureauUrl } });
    await h.runtime.scheduler.runDue();
    const after = await view(instance.id);
    expect(after.instance.status).toBe('failed');
    expect(after.history.find((e: { event: string }) => e.event === 'service.error')?.data).toMatchObject({
      code: 'HTTP_404',
    });
  });
});

describe('service handler plugins', () => {
  it('handlers load from a plugin folder by name; a plugin with no handlers is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'collectflow-plugins-'));
    try {
      await writeFile(
        join(dir, 'letters.mjs'),
        'export const handlers = { "letters.post": async (call) => ({ sentFor: call.businessKey }) };\n',
      );
      await writeFile(
        join(dir, 'sms.mjs'),
        'export default (registry) => { registry.register("sms.send", async () => ({ delivered: true })); };\n',
      );
      await writeFile(join(dir, 'notes.txt'), 'not a plugin');
      const registry = new ServiceHandlerRegistry();
      expect(await registry.loadPluginFolder(dir)).toEqual(['letters.post', 'sms.send']);
      const out = await registry.get('letters.post')!({ businessKey: 'case-9' } as ServiceTaskInvocation);
      expect(out).toEqual({ sentFor: 'case-9' });

      await writeFile(join(dir, 'zz-empty.mjs'), 'export const nothing = 1;\n');
      await expect(new ServiceHandlerRegistry().loadPluginFolder(dir)).rejects.toMatchObject({
        code: 'service.plugin_empty',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
