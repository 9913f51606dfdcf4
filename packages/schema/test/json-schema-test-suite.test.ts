import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidatorCache } from '../src/index.js';
import {
  DRAFTS,
  EXCLUSIONS,
  type Exclusion,
  exclusionFor,
  loadRemotes,
  SUITE,
  type SuiteGroup,
  suiteSchema,
} from './support/json-schema-suite.js';

/**
 * The official JSON-Schema-Test-Suite, read in place (never copied into the repo), run through
 * the same factory and ValidatorCache the server uses. Only the required (non-optional) files.
 * The exclusions live in support/json-schema-suite.ts, shared with the server's HTTP run.
 */
const counts = { passed: 0, failed: 0, excluded: 0 };
const failures: string[] = [];
const usedExclusions = new Set<Exclusion>();
/** Groups under an exclusion in which some test passes anyway (only informative). */
const staleExclusions = new Set<string>();

describe.skipIf(!existsSync(SUITE))('JSON-Schema-Test-Suite conformance', () => {
  const remotes = existsSync(SUITE) ? loadRemotes() : {};
  for (const draft of Object.values(DRAFTS)) {
    const dir = join(SUITE, 'tests', draft.dir);
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    for (const file of files) {
      it(`${draft.dir}/${file} behaves as the suite expects`, () => {
        const fileFailures: string[] = [];
        const groups = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SuiteGroup[];
        // One cache per file, as a server holds one per process; groups share it like forms do.
        const cache = new ValidatorCache({ documents: remotes });
        groups.forEach((group, index) => {
          const schema = suiteSchema(group.schema, draft.$schema);
          for (const test of group.tests) {
            const name = `${draft.dir}/${file}: ${group.description}: ${test.description}`;
            let valid: boolean | string;
            try {
              valid = cache.validate(`suite-${index}`, 1, schema, test.data).valid;
            } catch (error) {
              valid = `threw ${(error as Error).message.slice(0, 120)}`;
            }
            const excluded = exclusionFor(`${draft.dir}/${file}`, group.description, test.description);
            if (valid === test.valid) {
              counts.passed++;
              if (excluded) staleExclusions.add(`${excluded.file}: ${group.description}`);
            } else if (excluded) {
              counts.excluded++;
              usedExclusions.add(excluded);
            } else {
              counts.failed++;
              fileFailures.push(`${name} (expected ${test.valid}, got ${valid})`);
            }
          }
        });
        failures.push(...fileFailures);
        expect(fileFailures).toEqual([]);
      });
    }
  }

  afterAll(() => {
    console.log(
      `JSON-Schema-Test-Suite (draft2020-12 + draft7, required tests): ${counts.passed} passed, ` +
        `${counts.failed} failed, ${counts.excluded} excluded as known gaps (${usedExclusions.size} of ${EXCLUSIONS.length} exclusion entries in use)`,
    );
    if (failures.length > 0) console.log(failures.join('\n'));
    if (staleExclusions.size > 0)
      console.log(`Excluded groups where some tests pass: ${[...staleExclusions].join('; ')}`);
  });
});
