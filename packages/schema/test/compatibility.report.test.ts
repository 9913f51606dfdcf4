import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../src/index.js';

interface CompatFixture {
  description: string;
  old: unknown;
  new: unknown;
  breaking: Array<{ pointer: string; code: string }>;
  additive: Array<{ pointer: string; code: string }>;
}

const dir = join(import.meta.dirname, 'fixtures', 'compat');
const strip = (changes: Array<{ pointer: string; code: string }>) =>
  changes.map(({ pointer, code }) => `${pointer} ${code}`).sort();

describe('compatibility report (one fixture per rule under test/fixtures/compat)', () => {
  for (const file of readdirSync(dir).sort()) {
    const fixture = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CompatFixture;
    it(`${fixture.description} (${file})`, () => {
      const report = compareVersions(fixture.old, fixture.new);
      expect(strip(report.breaking)).toEqual(strip(fixture.breaking));
      expect(strip(report.additive)).toEqual(strip(fixture.additive));
      expect(report.compatible).toBe(fixture.breaking.length === 0);
    });
  }
});

describe('compatibility report', () => {
  it('a schema compared with itself is compatible with no changes', () => {
    const schema = { type: 'object', properties: { a: { type: 'string', pattern: '^x' } }, required: ['a'] };
    expect(compareVersions(schema, structuredClone(schema))).toEqual({
      compatible: true,
      breaking: [],
      additive: [],
    });
  });

  it('messages are given in Chinese when asked', () => {
    const report = compareVersions(
      { type: 'object', properties: { phone: { type: 'string' } } },
      { type: 'object', properties: {} },
      { locale: 'zh-CN' },
    );
    expect(report.breaking[0]?.message).toBe('字段“/phone”被删除');
  });

  it('a new anyOf branch relaxes, a removed one breaks', () => {
    const one = { anyOf: [{ type: 'string' }] };
    const two = { anyOf: [{ type: 'string' }, { type: 'null' }] };
    expect(compareVersions(one, two).compatible).toBe(true);
    expect(compareVersions(two, one).compatible).toBe(false);
  });

  it('widening a type is additive; integer to number is widening', () => {
    const report = compareVersions({ type: 'integer' }, { type: ['number', 'null'] });
    expect(report.compatible).toBe(true);
    expect(report.additive.map((c) => c.code)).toEqual(['compat.type_widened']);
  });
});
