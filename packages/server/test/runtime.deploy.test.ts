import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bpmnFixture,
  COLLECTOR,
  json,
  type RuntimeHarness,
  startInstance,
  startRuntimeApp,
} from './support/runtime.support.js';

describe.each(testBackends().map((b) => [b.name, b] as const))('deploying BPMN on %s', (_name, backend) => {
  let h: RuntimeHarness;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    h = await startRuntimeApp(opened.store);
  });
  afterAll(async () => {
    await h.close();
    await cleanup();
  });

  const upload = (body: Buffer | string, query = '', contentType = 'application/xml') =>
    json(
      h.app.request(`/api/deployments${query}`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      }),
    );
  const deploymentCount = async () =>
    (await rawSelect<{ n: number }>(h.store, 'select count(*) as n from process_deployments'))[0]!.n;

  it('a valid file deploys as version 1, is listed, and its source comes back byte for byte', async () => {
    const source = bpmnFixture('promise-to-pay-30-days.bpmn');
    const { status, body } = await upload(source);
    expect(status).toBe(201);
    expect(body.deployment).toMatchObject({
      processKey: 'promise-to-pay',
      version: 1,
      name: 'Promise to pay',
    });
    expect(body.unchanged).toBe(false);

    const list = await json(h.app.request('/api/deployments?processKey=promise-to-pay'));
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([body.deployment.id]);
    const got = await json(h.app.request(`/api/deployments/${body.deployment.id}`));
    expect(got.body.metadata.userTasks.map((t: { elementId: string }) => t.elementId)).toEqual([
      'record-promise',
      'await-payment',
      'escalate',
      'follow-up',
    ]);
    const raw = await h.app.request(`/api/deployments/${body.deployment.id}/source`);
    expect(raw.headers.get('content-type')).toMatch(/xml/);
    expect(Buffer.compare(Buffer.from(await raw.arrayBuffer()), source)).toBe(0);
  });

  it('uploading the same bytes again stores nothing new; changed bytes get the next version', async () => {
    const before = await deploymentCount();
    const again = await upload(bpmnFixture('promise-to-pay-30-days.bpmn'));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ unchanged: true, deployment: { version: 1 } });
    expect(await deploymentCount()).toBe(before);

    const changed = bpmnFixture('promise-to-pay-30-days.bpmn')
      .toString('utf8')
      .replace('name="Promise to pay"', 'name="Promise to pay (v2)"');
    const v2 = await upload(changed);
    expect(v2.status).toBe(201);
    expect(v2.body.deployment).toMatchObject({
      processKey: 'promise-to-pay',
      version: 2,
      name: 'Promise to pay (v2)',
    });
  });

  it('a running instance stays on the version it started with', async () => {
    const v1 = await json(h.app.request('/api/deployments?processKey=promise-to-pay'));
    const oldest = v1.body.items.at(-1);
    const started = await json(
      h.app.request('/api/instances', { method: 'POST', json: { processKey: 'promise-to-pay', version: 1 } }),
    );
    expect(started.status).toBe(201);
    expect(started.body.instance.deploymentId).toBe(oldest.id);
    const latest = await startInstance(h.app, 'promise-to-pay');
    expect(latest.instance).not.toMatchObject({ deploymentId: oldest.id });
    const view = await json(h.app.request(`/api/instances/${started.body.instance.id}`));
    expect(view.body.deployment.version).toBe(1);
  });

  it('an ISO-8859-1 file keeps its umlauts', async () => {
    const { status, body } = await upload(bpmnFixture('latin1-encoded-german-names.bpmn'));
    expect(status).toBe(201);
    expect(body.deployment.name).toBe('Mahnverfahren für Schuldner');
  });

  it('a dry run lints and stores nothing', async () => {
    const before = await deploymentCount();
    const { status, body } = await upload(bpmnFixture('wait-then-confirm.bpmn'), '?dryRun=true');
    expect(status).toBe(200);
    expect(body).toMatchObject({ deployment: null, problems: [] });
    expect(await deploymentCount()).toBe(before);
  });

  describe('bad uploads get a clear 4xx and store nothing', () => {
    it('malformed XML is a 422 naming the parse error', async () => {
      const before = await deploymentCount();
      const { status, body } = await upload(bpmnFixture('malformed-unclosed-tag.bpmn'));
      expect(status).toBe(422);
      expect(body).toMatchObject({ code: 'deployment.invalid', problems: [{ code: 'bpmn.malformed_xml' }] });
      expect(await deploymentCount()).toBe(before);
    });

    it('an entity-expansion bomb is refused before any parsing', async () => {
      const before = await deploymentCount();
      const { status, body } = await upload(bpmnFixture('entity-expansion-bomb.bpmn'));
      expect(status).toBe(422);
      expect(body.problems).toMatchObject([{ code: 'bpmn.doctype_forbidden' }]);
      expect(await deploymentCount()).toBe(before);
    });

    it('a file over 5 MB is a 413', async () => {
      const before = await deploymentCount();
      const huge = Buffer.concat([
        bpmnFixture('review-approve-letter.bpmn'),
        Buffer.from(`<!-- ${'x'.repeat(5 * 1024 * 1024)} -->`),
      ]);
      const { status, body } = await upload(huge);
      expect(status).toBe(413);
      expect(body.code).toMatch(/too_large/);
      expect(await deploymentCount()).toBe(before);
    });

    it('unknown forms, groups, handlers and unsupported elements are lint errors with element ids', async () => {
      const { status, body } = await upload(bpmnFixture('unknown-form-group-and-handler.bpmn'));
      expect(status).toBe(422);
      const found = body.problems.map((p: { elementId: string; code: string }) => `${p.elementId} ${p.code}`);
      expect(found).toEqual(
        expect.arrayContaining([
          'ask bpmn.unknown_group',
          'script bpmn.unsupported_element',
          'ask bpmn.unknown_form',
          'fax bpmn.unknown_service_handler',
        ]),
      );
      expect(body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ pointer: '/elements/ask' })]),
      );
    });

    it('JSON instead of XML is a 415; an empty body is a 422', async () => {
      expect((await upload('{"xml": "<bpmn/>"}', '', 'application/json')).status).toBe(415);
      expect((await upload('', '')).status).toBe(422);
    });

    it('deploying needs process.deploy', async () => {
      const res = await h.app.request('/api/deployments', {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: new Uint8Array(bpmnFixture('review-approve-letter.bpmn')),
        as: COLLECTOR,
      });
      expect(res.status).toBe(403);
    });
  });
});
