import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpmnFixture, FakeClock, json } from './support/runtime.support.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

const REVIEW_FORM = {
  key: 'review',
  title: { 'zh-CN': '审核', en: 'Review' },
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['approved'],
    properties: { approved: { type: 'boolean' }, note: { type: 'string', maxLength: 200 } },
  },
};

/** The app as the CLI builds it: task forms come from the form registry, not a test double. */
describe.each(testBackends().map((b) => [b.name, b] as const))(
  'the runtime on the form registry (%s)',
  (_name, backend) => {
    let app: RunningTestApp;
    let cleanup: () => Promise<void>;
    const clock = new FakeClock();

    beforeAll(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      app = await startTestApp(opened.store, { runtimeOptions: { clock } });
    });
    afterAll(async () => {
      await app.runtime.scheduler.stop();
      await app.close();
      await cleanup();
    });

    const upload = (fixture: string) =>
      json(
        app.request('/api/deployments', {
          method: 'POST',
          headers: { 'content-type': 'application/xml' },
          body: new Uint8Array(bpmnFixture(fixture)),
        }),
      );

    it('a user task naming a form the registry does not have cannot deploy; once published it can', async () => {
      const refused = await upload('wait-then-confirm.bpmn');
      expect(refused.status).toBe(422);
      expect(refused.body.problems).toMatchObject([{ elementId: 'confirm', code: 'bpmn.unknown_form' }]);

      expect((await json(app.request('/api/forms', { method: 'POST', json: REVIEW_FORM }))).status).toBe(201);
      expect(
        (await json(app.request('/api/forms/review/publish', { method: 'POST', json: {} }))).status,
      ).toBe(201);
      expect((await upload('wait-then-confirm.bpmn')).status).toBe(201);
    });

    it('completion is validated by the registry: 422 with field errors keeps the task open; valid data pins the version', async () => {
      const started = await json(
        app.request('/api/instances', {
          method: 'POST',
          json: { processKey: 'wait-then-confirm', variables: { coolOff: 'PT1S' } },
        }),
      );
      const id = started.body.instance.id;
      clock.advanceMs(1000);
      await app.runtime.scheduler.runDue();
      const view = await json(app.request(`/api/instances/${id}`));
      const task = view.body.tasks.find((t: { status: string }) => t.status === 'open');
      expect(task).toMatchObject({ elementId: 'confirm', formKey: 'review', formVersion: null });

      const bad = await json(
        app.request(`/api/tasks/${task.id}/complete`, {
          method: 'POST',
          json: { data: { approved: 'yes' } },
        }),
      );
      expect(bad.status).toBe(422);
      expect(bad.body.errors).toMatchObject([{ pointer: '/approved' }]);
      const still = await json(app.request(`/api/tasks/${task.id}`));
      expect(still.body.status).toBe('open');

      const good = await json(
        app.request(`/api/tasks/${task.id}/complete`, { method: 'POST', json: { data: { approved: true } } }),
      );
      expect(good.status).toBe(200);
      expect(good.body.task).toMatchObject({ status: 'completed', formVersion: 1, data: { approved: true } });
      expect(good.body.instance.status).toBe('completed');
    });
  },
);
