import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '@collectflow/store';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DRAFTS,
  EXCLUSIONS,
  type Exclusion,
  exclusionFor,
  loadRemotes,
  SUITE,
  type SuiteGroup,
  suiteSchema,
} from '../../schema/test/support/json-schema-suite.js';
import { json } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

/**
 * The official JSON-Schema-Test-Suite through the HTTP submission path: each group's schema is
 * registered as a form (POST /api/forms, then publish) and each test's data is submitted as a
 * record (POST /api/forms/:key/records); 201 means valid, a 422 records.invalid means invalid.
 *
 * The validator's own gaps are the schema package's exclusion list (shared, not copied). The
 * entries below are what the registry adds on purpose: it refuses, at registration, schemas
 * that ajv's strict mode flags, and text jsonb cannot store. A refused group counts against
 * each of its tests, so every exclusion here is visible in the summary.
 */
const REGISTRY_REFUSES_STRICT =
  'by design: publishing refuses what ajv strict mode flags (a keyword that is silently ignored, ' +
  'such as "if" without "then"/"else", is a mistake in a form); the validator alone passes these ' +
  '(see the schema package run)';

const HTTP_EXCLUSIONS: Exclusion[] = [
  ...(['draft2020-12', 'draft7'] as const).flatMap((dir) => [
    {
      file: `${dir}/if-then-else.json`,
      groups: [
        'ignore if without then or else',
        'ignore then without if',
        'ignore else without if',
        'non-interference across combined schemas',
      ],
      reason: REGISTRY_REFUSES_STRICT,
    },
    {
      file: `${dir}/ref.json`,
      groups: ['ref to if', 'ref to then', 'ref to else'],
      reason: REGISTRY_REFUSES_STRICT,
    },
    {
      file: `${dir}/properties.json`,
      groups: ['properties, patternProperties, additionalProperties interaction'],
      reason: `${REGISTRY_REFUSES_STRICT} (a property also matched by patternProperties: allowMatchingProperties)`,
    },
    {
      file: `${dir}/const.json`,
      groups: ['nul characters in strings'],
      reason:
        'PostgreSQL jsonb cannot hold U+0000 in text on either backend; the registry refuses it with a 422',
    },
    {
      file: `${dir}/enum.json`,
      groups: ['nul characters in strings'],
      reason:
        'PostgreSQL jsonb cannot hold U+0000 in text on either backend; the registry refuses it with a 422',
    },
  ]),
  {
    file: 'draft2020-12/maxContains.json',
    groups: ['maxContains without contains is ignored'],
    reason: REGISTRY_REFUSES_STRICT,
  },
  {
    file: 'draft2020-12/minContains.json',
    groups: ['minContains without contains is ignored', 'maxContains < minContains', 'minContains = 0'],
    reason: REGISTRY_REFUSES_STRICT,
  },
  {
    file: 'draft7/additionalItems.json',
    groups: [
      'when items is schema, additionalItems does nothing',
      'when items is schema, boolean additionalItems does nothing',
      'additionalItems as false without items',
      'additionalItems with null instance elements',
    ],
    reason: `${REGISTRY_REFUSES_STRICT} ("additionalItems" beside a single "items" schema)`,
  },
];

const ALL_EXCLUSIONS = [...EXCLUSIONS, ...HTTP_EXCLUSIONS];

function excludedBy(file: string, group: string, test: string): Exclusion | undefined {
  return (
    exclusionFor(file, group, test) ??
    HTTP_EXCLUSIONS.find(
      (e) =>
        e.file === file &&
        (e.groups === '*' || e.groups.includes(group)) &&
        (e.tests === undefined || e.tests.test(test)),
    )
  );
}

const counts = { passed: 0, failed: 0, excluded: 0, refusedAtRegistration: 0 };
const failures: string[] = [];
const usedExclusions = new Set<Exclusion>();
let accepted = 0;

describe.skipIf(!existsSync(SUITE))('JSON-Schema-Test-Suite through the HTTP submission path', () => {
  let app: RunningTestApp;
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    // PGlite: this run is about the HTTP path's verdicts; the store suite covers both backends.
    const opened = await testBackends()[0]!.open();
    store = opened.store;
    cleanup = opened.cleanup;
    app = await startTestApp(store, { registry: { documents: loadRemotes() } });
  });

  afterAll(async () => {
    console.log(
      `JSON-Schema-Test-Suite over HTTP (draft2020-12 + draft7, required tests): ${counts.passed} passed, ` +
        `${counts.failed} failed, ${counts.excluded} excluded (${counts.refusedAtRegistration} of them in groups the ` +
        `registry refuses to register; ${usedExclusions.size} of ${ALL_EXCLUSIONS.length} exclusion entries in use)`,
    );
    if (failures.length > 0) console.log(failures.join('\n'));
    const unused = ALL_EXCLUSIONS.filter((e) => !usedExclusions.has(e));
    if (unused.length > 0)
      console.log(
        `Exclusions not needed this run: ${unused.map((e) => `${e.file} [${e.groups}]`).join('; ')}`,
      );
    await app?.close();
    await cleanup?.();
  });

  for (const [tag, draft] of Object.entries(DRAFTS)) {
    const dir = join(SUITE, 'tests', draft.dir);
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    for (const file of files) {
      it(`${draft.dir}/${file} over HTTP behaves as the suite expects`, async () => {
        const fileFailures: string[] = [];
        const groups = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SuiteGroup[];
        const slug = file
          .replace(/\.json$/, '')
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-');
        for (const [index, group] of groups.entries()) {
          const key = `${tag}-${slug}-${index}`.slice(0, 63);
          const refusal = await register(app, key, suiteSchema(group.schema, draft.$schema));
          for (const test of group.tests) {
            const name = `${draft.dir}/${file}: ${group.description}: ${test.description}`;
            const verdict = refusal ?? (await submit(app, key, test.data));
            const excluded = excludedBy(`${draft.dir}/${file}`, group.description, test.description);
            if (verdict === true) accepted++;
            if (verdict === test.valid) {
              counts.passed++;
            } else if (excluded) {
              counts.excluded++;
              if (refusal) counts.refusedAtRegistration++;
              usedExclusions.add(excluded);
            } else {
              counts.failed++;
              fileFailures.push(`${name} (expected ${test.valid}, got ${verdict})`);
            }
          }
        }
        failures.push(...fileFailures);
        expect(fileFailures).toEqual([]);
      });
    }
  }

  it('stored exactly one record per accepted submission, and nothing for refused ones', async () => {
    const [row] = await rawSelect<{ n: number }>(store, 'select count(*) as n from records');
    expect(row?.n).toBe(accepted);
  });
});

/** undefined when the form was registered and published; otherwise why not, as the verdict. */
async function register(
  app: RunningTestApp,
  key: string,
  schema: Record<string, unknown>,
): Promise<string | undefined> {
  const definition = { key, title: { 'zh-CN': key, en: key }, schema };
  const created = await app.request('/api/forms', { method: 'POST', json: definition });
  if (created.status !== 201)
    return `refused at registration: ${created.status} ${codesOf(await json(created))}`;
  const published = await app.request(`/api/forms/${key}/publish`, { method: 'POST', json: {} });
  if (published.status !== 201)
    return `refused at publish: ${published.status} ${codesOf(await json(published))}`;
  return undefined;
}

/** true for 201, false for a 422 records.invalid; anything else is reported as it came. */
async function submit(app: RunningTestApp, key: string, data: unknown): Promise<boolean | string> {
  const res = await app.request(`/api/forms/${key}/records`, { method: 'POST', json: { data } });
  if (res.status === 201) return true;
  const body = await json(res);
  if (res.status === 422 && body.code === 'records.invalid') return false;
  return `${res.status} ${body.code}: ${String(body.detail).slice(0, 120)}`;
}

function codesOf(body: { code?: string; errors?: Array<{ code?: string; pointer: string }> }): string {
  const details = (body.errors ?? []).map((e) => `${e.code ?? ''}@${e.pointer}`).join(', ');
  return `${body.code}${details ? ` (${details})` : ''}`;
}
