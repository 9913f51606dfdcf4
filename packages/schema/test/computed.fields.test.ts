import { describe, expect, it } from 'vitest';
import { type ComputedField, evaluateComputed, evaluateComputedDetailed } from '../src/index.js';

const form = (computed: ComputedField[]) => ({ metadata: { sensitive: [], indexed: [], computed } });

describe('computed fields', () => {
  it('a money balance is exact decimal arithmetic on decimal strings', () => {
    const def = form([
      { pointer: '/balance', expression: 'principal + interest + fees - paid', type: 'money' },
    ]);
    const data = { principal: '1234.56', interest: '0.10', fees: '0.20', paid: '100' };
    expect(evaluateComputed(def, data)).toEqual({ ...data, balance: '1134.86' });
    // The float sum would be 0.30000000000000004.
    expect(evaluateComputed(def, { principal: '0.1', interest: '0.2', fees: '0', paid: '0' }).balance).toBe(
      '0.30',
    );
  });

  it('money results are rounded half-up to the field scale', () => {
    const def = form([
      { pointer: '/installment', expression: 'total / 3', type: 'money' },
      { pointer: '/penalty', expression: 'round(total * 0.0005, 4)', type: 'money', scale: 4 },
    ]);
    expect(evaluateComputed(def, { total: '100.00' })).toMatchObject({
      installment: '33.33',
      penalty: '0.0500',
    });
    expect(evaluateComputed(def, { total: '0.05' }).installment).toBe('0.02');
  });

  it('a computed field may read another computed field and nested fields', () => {
    const def = form([
      { pointer: '/balance', expression: 'total - paid', type: 'money' },
      { pointer: '/total', expression: 'loan.principal + loan.interest', type: 'money' },
      { pointer: '/status/settled', expression: 'balance <= 0', type: 'boolean' },
    ]);
    const out = evaluateComputed(def, { loan: { principal: '500', interest: '25.5' }, paid: '525.50' });
    expect(out).toMatchObject({ total: '525.50', balance: '0.00', status: { settled: true } });
  });

  it('number, boolean and string results follow the declared type', () => {
    const def = form([
      { pointer: '/days', expression: 'overdueDays + 30', type: 'number' },
      { pointer: '/late', expression: 'if overdueDays > 90 then true else false', type: 'boolean' },
      { pointer: '/label', expression: 'bucket + "-" + product', type: 'string' },
    ]);
    expect(evaluateComputed(def, { overdueDays: 95, bucket: 'M4+', product: 'card' })).toMatchObject({
      days: 125,
      late: true,
      label: 'M4+-card',
    });
  });

  it('a field whose inputs are missing is left unset, and a client-sent value never survives', () => {
    const def = form([{ pointer: '/balance', expression: 'principal - paid', type: 'money' }]);
    const result = evaluateComputedDetailed(def, { principal: '10', balance: '999999' });
    expect(result.data).toEqual({ principal: '10' });
    expect(result.problems).toEqual([
      expect.objectContaining({ pointer: '/balance', code: 'computed.evaluation_failed' }),
    ]);
  });

  it('division by zero and non-numeric text are reported, not turned into Infinity or NaN', () => {
    const def = form([{ pointer: '/ratio', expression: 'a / b', type: 'number' }]);
    expect(evaluateComputedDetailed(def, { a: '1', b: '0' }).problems[0]?.message).toMatch(
      /division by zero/,
    );
    expect(evaluateComputedDetailed(def, { a: 'abc', b: '1' }).problems[0]?.message).toMatch(/not a number/);
  });

  it('expressions cannot reach prototypes or globals', () => {
    const def = form([{ pointer: '/x', expression: 'constructor', type: 'string' }]);
    expect(evaluateComputedDetailed(def, {}).data).toEqual({});
    const proto = form([{ pointer: '/__proto__/polluted', expression: '1', type: 'number' }]);
    evaluateComputedDetailed(proto, {});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('the input object is not modified', () => {
    const def = form([{ pointer: '/sum', expression: 'a + b', type: 'number' }]);
    const data = { a: 1, b: 2 };
    evaluateComputed(def, data);
    expect(data).toEqual({ a: 1, b: 2 });
  });
});
