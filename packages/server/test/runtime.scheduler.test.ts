import { ServiceHandlerRegistry } from '@collectflow/server';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  deploy,
  json,
  type RuntimeHarness,
  startInstance,
  startRuntimeApp,
} from './support/runtime.support.js';

/** A promise with its resolve exposed: a handler that waits until the test lets it finish. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'scheduler lifecycle on %s',
  (_name, backend) => {
    let h: RuntimeHarness;
    let cleanup: () => Promise<void>;
    let entered = gate();
    let release = gate();
    const aborted: string[] = [];

    beforeAll(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      const handlers = new ServiceHandlerRegistry().register('letters.post', async (call) => {
        entered.open();
        await Promise.race([
          release.promise,
          new Promise<void>((resolve) =>
            call.signal.addEventListener('abort', () => {
              aborted.push(call.instanceId);
              resolve();
            }),
          ),
        ]);
        if (call.signal.aborted) throw new Error('aborted by shutdown');
        return { posted: true };
      });
      h = await startRuntimeApp(opened.store, { handlers, scheduler: { pollIntervalMs: 20 } });
      await deploy(h.app, 'letter-with-error-boundary.bpmn');
    });
    afterAll(async () => {
      await h.close();
      await cleanup();
    });

    const view = async (id: string) => (await json(h.app.request(`/api/instances/${id}`))).body;

    it('a graceful stop waits for the service call in flight and records its outcome', async () => {
      entered = gate();
      release = gate();
      const { instance } = await startInstance(h.app, 'dunning-letter');
      h.runtime.scheduler.start();
      await entered.promise;
      let stopped = false;
      const stopping = h.runtime.scheduler.stop(60_000).then(() => {
        stopped = true;
      });
      // The call is still running: stop has not returned.
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      release.open();
      await stopping;
      expect((await view(instance.id)).instance.status).toBe('completed');
    });

    it('a call still running when the grace period ends is aborted and retried later, not lost', async () => {
      entered = gate();
      release = gate();
      const { instance } = await startInstance(h.app, 'dunning-letter');
      h.runtime.scheduler.start();
      await entered.promise;
      await h.runtime.scheduler.stop(1);
      expect(aborted).toContain(instance.id);
      const after = await view(instance.id);
      expect(after.instance.status).toBe('running');
      expect(after.jobs).toMatchObject([{ kind: 'service', attempts: 1, status: 'ready' }]);

      // Another start (after a restart) picks the job up once its backoff has passed.
      release.open();
      h.clock.advanceMs(60_000);
      h.runtime.scheduler.start();
      try {
        await vi.waitFor(async () => expect((await view(instance.id)).instance.status).toBe('completed'), {
          timeout: 30_000,
          interval: 50,
        });
      } finally {
        await h.runtime.scheduler.stop();
      }
    });
  },
);
