import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type RuntimeHarness, startRuntimeApp } from './support/runtime.support.js';

const MIWG = '/work/shared/conformance/bpmn-miwg';

function bpmnFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return bpmnFiles(path);
    return entry.name.endsWith('.bpmn') ? [path] : [];
  });
}

/**
 * Requirement 10 through the upload path users take: every MIWG reference model and its
 * Camunda Modeler export is POSTed to /api/deployments. None may crash the server (5xx); each
 * deploys or is refused with lint problems that name what is wrong.
 */
describe('BPMN MIWG models uploaded over HTTP', () => {
  const files = bpmnFiles(MIWG).sort();
  let h: RuntimeHarness;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await testBackends()[0]!.open();
    cleanup = opened.cleanup;
    // Forms exist whatever their key: the models are judged on their elements.
    h = await startRuntimeApp(opened.store, { forms: { formExists: () => true } });
  });
  afterAll(async () => {
    await h.close();
    await cleanup();
  });

  it.skipIf(files.length === 0)(
    'every file uploads without a server error and either deploys or names its problems',
    async () => {
      const outcomes: string[] = [];
      let deployed = 0;
      for (const file of files) {
        const name = file.slice(MIWG.length + 1);
        const { status, body } = await json(
          h.app.request('/api/deployments', {
            method: 'POST',
            headers: { 'content-type': 'application/xml' },
            body: new Uint8Array(readFileSync(file)),
          }),
        );
        expect(status, `${name}: ${JSON.stringify(body).slice(0, 300)}`).toBeLessThan(500);
        if (status === 201 || status === 200) {
          deployed++;
          outcomes.push(`deploys  ${name} (${body.deployment.processKey} v${body.deployment.version})`);
          continue;
        }
        expect(status, name).toBe(422);
        expect(body.problems.length, name).toBeGreaterThan(0);
        for (const problem of body.problems) {
          expect(problem.code).toMatch(/^bpmn\./);
          expect(problem.message.length).toBeGreaterThan(0);
        }
        const elements = [
          ...new Set(
            body.problems
              .filter((p: { severity: string }) => p.severity === 'error')
              .map((p: { elementId: string | null; code: string }) => `${p.elementId ?? '(file)'}:${p.code}`),
          ),
        ];
        outcomes.push(
          `refused  ${name}: ${elements.slice(0, 6).join(', ')}${elements.length > 6 ? ', …' : ''}`,
        );
      }
      console.log(`MIWG over HTTP: ${deployed}/${files.length} deploy\n${outcomes.join('\n')}`);
      expect(outcomes).toHaveLength(files.length);
    },
    // About forty models on a shared, loaded machine; the test asserts outcomes, never time.
    240_000,
  );
});
