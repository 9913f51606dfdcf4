/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is our expression syntax, not a template literal. */
import { describe, expect, it } from 'vitest';
import { compileTemplate, ExpressionSyntaxError, evaluateCondition } from '../src/index.js';

describe('the condition language', () => {
  it('compares decimal strings as numbers, exactly', () => {
    const scope = { paidAmount: '900.00', promisedAmount: '1000.00' };
    expect(evaluateCondition('${paidAmount >= 0.9 * promisedAmount}', scope)).toBe(true);
    expect(
      evaluateCondition('${paidAmount >= 0.9 * promisedAmount}', { ...scope, paidAmount: '899.99' }),
    ).toBe(false);
    // 0.1 + 0.2 is 0.3 here, unlike in floating point.
    expect(evaluateCondition('${0.1 + 0.2 == 0.3}', {})).toBe(true);
    expect(evaluateCondition('${"10" > "9"}', {})).toBe(true);
  });

  it('accepts JUEL-style operators, quotes, dotted paths and missing values as null', () => {
    const scope = { status: 'promised', debtor: { address: { city: 'Shanghai' } }, amount: 12 };
    expect(evaluateCondition("${status == 'promised' && !(amount < 10)}", scope)).toBe(true);
    expect(evaluateCondition('${status eq "promised" and amount ge 12}', scope)).toBe(true);
    expect(evaluateCondition('${debtor.address.city == "Shanghai"}', scope)).toBe(true);
    expect(evaluateCondition('${debtor.phone == null}', scope)).toBe(true);
    expect(evaluateCondition('${unknown > 5}', scope)).toBe(false);
    expect(evaluateCondition('${status in ("promised", "paid") || false}', scope)).toBe(true);
    expect(evaluateCondition('${exists(debtor) && !empty(status) && max(1, amount) == 12}', scope)).toBe(
      true,
    );
  });

  it('keeps prototypes and host functions out of reach', () => {
    expect(() => compileTemplate('${x.constructor}')).toThrow(ExpressionSyntaxError);
    expect(() => compileTemplate('${__proto__}')).toThrow(ExpressionSyntaxError);
    expect(() => compileTemplate('${require("fs")}')).toThrow(/unknown function require/);
    expect(() => compileTemplate('${this.environment}')).not.toThrow();
    // `toString` is not an own property of the scope, so it is simply missing.
    expect(compileTemplate('${toString}').evaluate({})).toBeNull();
    expect(() => compileTemplate('${a; b}')).toThrow(ExpressionSyntaxError);
    expect(() => compileTemplate('${`cmd`}')).toThrow(ExpressionSyntaxError);
  });

  it('rejects conditions that are not one ${...} expression', () => {
    expect(() => evaluateCondition('paid > 1', { paid: 2 })).toThrow(ExpressionSyntaxError);
    expect(() => evaluateCondition('${paid >= }', {})).toThrow(ExpressionSyntaxError);
    expect(() => compileTemplate('${unterminated')).toThrow(ExpressionSyntaxError);
  });

  it('templates keep the value type when whole and interpolate when mixed', () => {
    expect(compileTemplate('${days}').evaluate({ days: 3 })).toBe(3);
    expect(compileTemplate('${amount * 2}').evaluate({ amount: '10.05' })).toBe('20.1');
    expect(compileTemplate('P${days}D').evaluate({ days: 30 })).toBe('P30D');
    expect(compileTemplate('${name == "}"}').evaluate({ name: '}' })).toBe(true);
    expect(compileTemplate('plain text').evaluate({})).toBe('plain text');
  });
});
