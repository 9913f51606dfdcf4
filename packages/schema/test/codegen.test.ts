import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleFormRefs, type FormDefinition, generateTypes, typeNameFromKey } from '../src/index.js';

const debtor = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'debtor.form.json'), 'utf8'),
) as FormDefinition;

describe('codegen', () => {
  it('the type name comes from the key', () => {
    expect(typeNameFromKey('debt-case')).toBe('DebtCase');
    expect(typeNameFromKey('debtor')).toBe('Debtor');
    expect(typeNameFromKey('a2-b3')).toBe('A2B3');
  });

  it('generates an interface for the debtor form with required and optional fields', async () => {
    const source = await generateTypes(debtor);
    expect(source).toContain('export interface Debtor {');
    expect(source).toMatch(/\n {2}caseNo: string;/);
    expect(source).toMatch(/\n {2}altPhone\?: string \| null;/);
    expect(source).toMatch(/gender\?: "male" \| "female" \| "unknown";/);
  });

  it('refs to other forms are bundled locally, so generation never fetches anything', async () => {
    const resolveRef = (key: string, version: number) =>
      key === 'debtor' && version === 3 ? debtor.schema : undefined;
    const schema = {
      type: 'object',
      properties: {
        home: { $ref: 'collectflow:debtor@3#/properties/address' },
        who: { $ref: 'collectflow:debtor@3' },
      },
    };
    const bundled = bundleFormRefs(schema, resolveRef);
    expect(bundled.properties).toEqual({
      home: { $ref: '#/$defs/debtor@3/properties/address' },
      who: { $ref: '#/$defs/debtor@3' },
    });
    const source = await generateTypes({ key: 'visit', schema }, { resolveRef });
    expect(source).toContain('export interface Visit {');
    expect(source).toContain('DebtorV3');
  });

  it('an external http ref is not resolved over the network', async () => {
    const schema = { type: 'object', properties: { x: { $ref: 'https://example.invalid/x.json' } } };
    await expect(generateTypes({ key: 'remote-ref', schema })).rejects.toThrow();
  });
});
