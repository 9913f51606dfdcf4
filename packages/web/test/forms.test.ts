import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateComputedDetailed, type FormDefinition } from '@collectflow/schema';
import type { RJSFSchema } from '@rjsf/utils';
import { describe, expect, it } from 'vitest';
import { applyComputed, evaluateExpression } from '../src/forms/computed.evaluator';
import { hiddenFields, pruneEmptyObjects, settleHidden } from '../src/forms/conditional-fields';
import { localizeForm } from '../src/forms/localize-form';
import { InterpretingValidator } from '../src/forms/schema.validator';
import { errorSchemaOf } from '../src/forms/server-errors';

const formsDir = join(import.meta.dirname, '..', '..', '..', 'definitions', 'forms');
const pack = readdirSync(formsDir)
  .filter((f) => f.endsWith('.form.json'))
  .map((f) => JSON.parse(readFileSync(join(formsDir, f), 'utf8')) as FormDefinition);

describe('live computed fields in the browser', () => {
  it('compute what the server computes for every computed field of the definitions pack', () => {
    const samples = [
      { principal: '1000.10', interest: '20.20', fees: '0.30', costs: '5', paid: '100.00' },
      { principal: '0.10', interest: '0.20', fees: '0', costs: '0', paid: '0.30' },
      { amount: '1234.56', tolerancePct: 90 },
      { courtFees: '800.00', attorneyFees: '1200.50', total: '2000.50', discountAmount: '0.50' },
      { principal: 'not a number', interest: '1', fees: '1', costs: '1', paid: '1' },
    ];
    let compared = 0;
    for (const form of pack) {
      if (form.metadata.computed.length === 0) continue;
      for (const data of samples) {
        const server = evaluateComputedDetailed(form, data).data;
        const browser = applyComputed(form.metadata.computed, data);
        for (const field of form.metadata.computed) {
          const name = field.pointer.slice(1);
          expect(browser[name], `${form.key} ${field.pointer} on ${JSON.stringify(data)}`).toEqual(
            server[name],
          );
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('keeps decimal arithmetic exact and follows filtrex’s grammar without eval', () => {
    expect(evaluateExpression('a + b', { a: '0.10', b: '0.20' }, 'money')).toBe('0.30');
    expect(evaluateExpression('round(a * 3 / 7, 2)', { a: '10' }, 'money')).toBe('4.29');
    expect(evaluateExpression('if a > 5 then 1 else 2', { a: 6 })).toBe(1);
    expect(evaluateExpression('a mod 4', { a: 10 })).toBe(2);
    expect(evaluateExpression('x in (1, 2, 3) and not (y == 2)', { x: 2, y: 3 }, 'boolean')).toBe(true);
    expect(evaluateExpression('loan.principal - 1', { loan: { principal: '5' } })).toBe(4);
    expect(() => evaluateExpression('constructor.constructor("return 1")()', {})).toThrow();
    expect(() => evaluateExpression('a / 0', { a: 1 })).toThrow(/division by zero/);
  });
});

describe('conditional fields', () => {
  const validator = new InterpretingValidator('en');
  const caseForm = pack.find((f) => f.key === 'debt-case')!;
  const holds = (s: Record<string, unknown>, d: unknown) => validator.isValid(s, d, caseForm.schema);

  it('hide what an inactive branch names and show it when the condition holds', () => {
    expect(hiddenFields(caseForm.schema, { status: 'OPEN' }, holds)).toEqual(
      new Set(['closedOn', 'closeReason', 'legalApprovalRef']),
    );
    expect(hiddenFields(caseForm.schema, { status: 'SETTLED', legalApproval: true }, holds)).toEqual(
      new Set(),
    );
  });

  it('set a hidden field’s value aside and bring it back when shown again', () => {
    const stash = new Map<string, unknown>();
    const hidden = settleHidden({ status: 'OPEN', closedOn: '2026-01-02' }, new Set(['closedOn']), stash);
    expect(hidden).toEqual({ status: 'OPEN' });
    expect(settleHidden({ status: 'CLOSED' }, new Set(), stash)).toEqual({
      status: 'CLOSED',
      closedOn: '2026-01-02',
    });
  });

  it('drop empty optional groups before validating', () => {
    expect(pruneEmptyObjects({ a: 1, allocation: {}, nested: { inner: {} } })).toEqual({ a: 1 });
  });
});

describe('labels and errors', () => {
  it('write the chosen language into titles and option labels, as rjsf 6 reads them', () => {
    const caseForm = pack.find((f) => f.key === 'debt-case')!;
    const { schema, uiSchema } = localizeForm(caseForm.schema, caseForm.uiSchema, 'zh-CN');
    const props = schema.properties as Record<string, { title: string }>;
    expect(props.caseNumber?.title).toBe('案件编号');
    expect((uiSchema.jurisdiction as Record<string, unknown>)['ui:enumNames']).toEqual(['中国大陆', '美国']);
    expect(JSON.stringify(schema)).not.toContain('x-i18n');
  });

  it('word browser-side problems in the UI language, under the field they concern', () => {
    const schema: RJSFSchema = {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 18 } },
    };
    const zh = new InterpretingValidator('zh-CN').validateFormData({ age: 3 }, schema);
    expect(zh.errors.map((e) => [e.property, e.message])).toEqual([
      ['.name', '必填'],
      ['.age', '不能小于 18'],
    ]);
    expect(zh.errorSchema).toMatchObject({
      name: { __errors: ['必填'] },
      age: { __errors: ['不能小于 18'] },
    });
  });

  it('put the server’s field errors under their fields', () => {
    expect(
      errorSchemaOf([
        { pointer: '/debtor/idNumber', message: 'bad checksum' },
        { pointer: '/contacts/0/phone', message: 'not a mobile number' },
        { pointer: '', message: 'whole form' },
      ]),
    ).toEqual({
      debtor: { idNumber: { __errors: ['bad checksum'] } },
      contacts: { 0: { phone: { __errors: ['not a mobile number'] } } },
      __errors: ['whole form'],
    });
  });
});
