import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition, checkSchema, type FormDefinition, hasErrors } from '../src/index.js';
import { generateWideForm } from './fixtures/wide-form.generator.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const debtor = JSON.parse(readFileSync(join(fixtures, 'debtor.form.json'), 'utf8')) as FormDefinition;

interface CheckFixture {
  description: string;
  definition: unknown;
  expected: Array<{ pointer: string; code: string }>;
}

const byPointerAndCode = (a: { pointer: string; code: string }, b: { pointer: string; code: string }) =>
  `${a.pointer} ${a.code}`.localeCompare(`${b.pointer} ${b.code}`);

describe('definition checks (one fixture per rule under test/fixtures/checks)', () => {
  for (const file of readdirSync(join(fixtures, 'checks')).sort()) {
    const fixture = JSON.parse(readFileSync(join(fixtures, 'checks', file), 'utf8')) as CheckFixture;
    it(`${fixture.description} (${file})`, () => {
      const problems = checkDefinition(fixture.definition).filter((p) => p.severity === 'error');
      expect(problems.map(({ pointer, code }) => ({ pointer, code })).sort(byPointerAndCode)).toEqual(
        [...fixture.expected].sort(byPointerAndCode),
      );
    });
  }
});

describe('definition checks', () => {
  it('the built-in debtor form passes every check', () => {
    expect(checkDefinition(debtor).filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('a 200-field form passes every check', () => {
    expect(hasErrors(checkDefinition(generateWideForm(200)))).toBe(false);
  });

  it('inputs of any shape come back as problems, never as exceptions', () => {
    for (const input of [null, undefined, 42, 'text', [], [1, 2], {}, { key: 'ok' }, { schema: [] }]) {
      const problems = checkDefinition(input);
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) expect(typeof p.pointer).toBe('string');
    }
  });

  it('a 10 MB schema is rejected as too large without being compiled', () => {
    const properties: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) properties[`f${i}`] = { type: 'string', description: 'x'.repeat(10_000) };
    const problems = checkSchema({ type: 'object', properties });
    expect(problems.problems).toEqual([expect.objectContaining({ pointer: '', code: 'schema.too_large' })]);
  });

  it('more than 2,000 properties is too large', () => {
    const { schema } = generateWideForm(2001);
    expect(checkSchema(schema).problems.map((p) => p.code)).toEqual(['schema.too_large']);
  });

  it('absurd nesting is reported as too large instead of overflowing the stack', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 10_000; i++) schema = { type: 'object', properties: { a: schema } };
    expect(checkSchema(schema).problems.map((p) => p.code)).toEqual(['schema.too_large']);
  });

  it('a form may reference another registered form version by collectflow:key@version', () => {
    const def = {
      ...debtor,
      key: 'debt-case',
      schema: {
        type: 'object',
        properties: {
          debtor: { $ref: 'collectflow:debtor@3' },
          home: { $ref: 'collectflow:debtor@3#/properties/address' },
        },
      },
      metadata: { sensitive: ['/debtor/idNumber', '/home/street'], indexed: [], computed: [] },
    };
    const resolveRef = (key: string, version: number) =>
      key === 'debtor' && version === 3 ? debtor.schema : undefined;
    expect(checkDefinition(def, { resolveRef }).filter((p) => p.severity === 'error')).toEqual([]);
    expect(checkDefinition(def).map((p) => p.code)).toContain('schema.unresolved_ref');
  });

  it('a ref to a form written in another draft is refused', () => {
    const schema = { type: 'object', properties: { d: { $ref: 'collectflow:old-form@1' } } };
    const resolveRef = () => ({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' });
    expect(checkSchema(schema, { resolveRef }).problems.map((p) => p.code)).toEqual([
      'schema.ref_draft_mismatch',
    ]);
  });

  it('ajv strict-type hints are warnings with the pointer of the subschema', () => {
    const problems = checkSchema({ type: 'object', properties: { n: { minimum: 1 } } }).problems;
    expect(problems).toEqual([
      expect.objectContaining({ pointer: '/properties/n', code: 'schema.strict', severity: 'warning' }),
    ]);
  });

  it('a draft-07 schema is checked with the draft-07 meta-schema', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: { phone: { type: 'string', format: 'cn-mobile' } },
      properties: {
        phone: { $ref: '#/definitions/phone' },
        tags: { type: 'array', items: [{ type: 'string' }] },
      },
    };
    expect(checkSchema(schema).problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('messages follow the locale: zh-CN for Chinese users', () => {
    const fixture = JSON.parse(
      readFileSync(join(fixtures, 'checks', 'unknown-format.json'), 'utf8'),
    ) as CheckFixture;
    const [problem] = checkDefinition(fixture.definition, { locale: 'zh-CN' });
    expect(problem?.message).toBe('未知的格式“cn-mobil”');
    const meta = checkSchema({ type: 'object', properties: { age: { minimum: '0' } } }, { locale: 'zh-CN' });
    expect(meta.problems[0]?.message).toMatch(/应当是 number 类型/);
  });

  it('a ref to a shared document resolves when the document is given by URI, and only then', () => {
    const schema = { type: 'object', properties: { amount: { $ref: 'https://collectflow.dev/money.json' } } };
    const documents = { 'https://collectflow.dev/money.json': { type: 'string', format: 'decimal' } };
    expect(checkSchema(schema, { documents }).problems).toEqual([]);
    expect(checkSchema(schema).problems.map((p) => p.code)).toEqual(['schema.unresolved_ref']);
  });
});
