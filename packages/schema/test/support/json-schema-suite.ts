import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The official JSON-Schema-Test-Suite as both conformance runs read it: the schema package's
 * (through the factory and ValidatorCache) and the server's (through the HTTP submission path).
 * One exclusion list, so a known gap is documented once, with its reason.
 */
export const SUITE = '/work/shared/conformance/json-schema-test-suite';

export const DRAFTS = {
  draft2020: { dir: 'draft2020-12', $schema: 'https://json-schema.org/draft/2020-12/schema' },
  draft7: { dir: 'draft7', $schema: 'http://json-schema.org/draft-07/schema#' },
} as const;

/**
 * Known gaps, each with its reason. An excluded test still runs: if it passes it counts as
 * passed (and the summary names the stale exclusion); if it fails it is counted as excluded,
 * not as a failure. Everything not listed here must pass.
 * `groups: '*'` means every group of the file; `tests` narrows to matching test descriptions.
 */
export interface Exclusion {
  file: string;
  groups: string[] | '*';
  tests?: RegExp;
  reason: string;
}

const AJV_ALSO_FAILS = 'ajv 8.20 fails this with a plain, default Ajv instance too (an upstream limitation)';

export const EXCLUSIONS: Exclusion[] = [
  {
    file: 'draft2020-12/format.json',
    groups: '*',
    tests: /is only an annotation by default$/,
    reason:
      'by design: our factory asserts formats (ajv-formats); in a form a format is a rule collectors rely on, not an annotation',
  },
  {
    file: 'draft2020-12/format.json',
    groups: ['idn-email format', 'idn-hostname format', 'iri format', 'iri-reference format'],
    reason:
      'ajv-formats implements none of these; by design the factory refuses an unknown format (a typo must not accept everything)',
  },
  {
    file: 'draft7/format.json',
    groups: ['idn-email format', 'idn-hostname format', 'iri format', 'iri-reference format'],
    reason:
      'ajv-formats implements none of these; by design the factory refuses an unknown format (a typo must not accept everything)',
  },
  {
    file: 'draft2020-12/vocabulary.json',
    groups: '*',
    reason:
      'by design: forms must declare the standard 2020-12 or draft-07 meta-schema; custom meta-schemas/vocabularies are refused',
  },
  {
    file: 'draft2020-12/enum.json',
    groups: ['empty enum'],
    reason: 'ajv refuses to compile enum: [] ("enum must have non-empty array")',
  },
  {
    file: 'draft2020-12/dynamicRef.json',
    groups: '*',
    reason: `${AJV_ALSO_FAILS}: ajv implements only part of $dynamicRef (hash-fragment refs, no full dynamic scope)`,
  },
  {
    file: 'draft2020-12/unevaluatedItems.json',
    groups: [
      'unevaluatedItems and contains interact to control item dependency relationship',
      'unevaluatedItems can see annotations from if without then and else',
      'unevaluatedItems depends on adjacent contains',
      'unevaluatedItems depends on multiple nested contains',
      'unevaluatedItems with $dynamicRef',
      'unevaluatedItems with minContains = 0',
      'unevaluatedItems with nested items',
    ],
    reason: `${AJV_ALSO_FAILS}: annotations from contains/if/nested items and $dynamicRef are not collected`,
  },
  {
    file: 'draft2020-12/unevaluatedProperties.json',
    groups: [
      'unevaluatedProperties can see annotations from if without then and else',
      'unevaluatedProperties with $dynamicRef',
      'unevaluatedProperties with if/then/else, then not defined',
    ],
    reason: `${AJV_ALSO_FAILS}: annotations from a lone if and from $dynamicRef are not collected`,
  },
  {
    file: 'draft2020-12/ref.json',
    groups: [
      'URN ref with nested pointer ref',
      'refs with relative uris and defs',
      'relative refs with absolute uris and defs',
    ],
    reason: `${AJV_ALSO_FAILS}: its compiler overflows the stack on these relative-URI layouts`,
  },
  ...(['draft2020-12', 'draft7'] as const).flatMap((dir) => [
    {
      file: `${dir}/properties.json`,
      groups: ['properties whose names are Javascript object property names'],
      reason: `${AJV_ALSO_FAILS}: properties named like Object.prototype members (__proto__, toString)`,
    },
    {
      file: `${dir}/required.json`,
      groups: ['required properties whose names are Javascript object property names'],
      reason: `${AJV_ALSO_FAILS}: required "__proto__"/"toString"/"constructor" counts as present when missing`,
    },
  ]),
  {
    file: 'draft7/ref.json',
    groups: ['ref overrides any sibling keywords', '$ref prevents a sibling $id from changing the base uri'],
    reason: `${AJV_ALSO_FAILS}: ajv 8 applies keywords beside $ref in draft-07, where the draft says to ignore them`,
  },
];

export function exclusionFor(file: string, group: string, test: string): Exclusion | undefined {
  return EXCLUSIONS.find(
    (e) =>
      e.file === file &&
      (e.groups === '*' || e.groups.includes(group)) &&
      (e.tests === undefined || e.tests.test(test)),
  );
}

export interface SuiteTest {
  description: string;
  data: unknown;
  valid: boolean;
}
export interface SuiteGroup {
  description: string;
  schema: unknown;
  tests: SuiteTest[];
}

export function listJson(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listJson(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

/** Every remote the suite expects at http://localhost:1234/, by URI. */
export function loadRemotes(): Record<string, unknown> {
  const base = join(SUITE, 'remotes');
  const remotes: Record<string, unknown> = {};
  for (const path of listJson(base)) {
    remotes[`http://localhost:1234/${relative(base, path).split('\\').join('/')}`] = JSON.parse(
      readFileSync(path, 'utf8'),
    );
  }
  return remotes;
}

/**
 * A suite schema as a form schema: forms are objects that declare their draft, so a boolean
 * schema is wrapped with allOf (which keeps its meaning) and a missing $schema is set to the
 * file's draft.
 */
export function suiteSchema(schema: unknown, $schema: string): Record<string, unknown> {
  return typeof schema === 'boolean'
    ? { $schema, allOf: [schema] }
    : { $schema, ...(schema as Record<string, unknown>) };
}
