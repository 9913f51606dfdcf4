import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { Dec } from '../src/forms/decimal';

// The server computes with decimal.js at precision 40, ROUND_HALF_UP (schema's expression.compiler).
const Ref = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

/** A fixed sequence of awkward decimals: money, tiny and huge values, negatives, long fractions. */
function samples(): string[] {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const out = [
    '0',
    '1',
    '-1',
    '0.1',
    '0.2',
    '0.30',
    '3',
    '7',
    '-7',
    '1234.56',
    '0.005',
    '-0.005',
    '2.5',
    '-2.5',
  ];
  for (let i = 0; i < 60; i++) {
    const whole = String(next()).slice(0, 1 + (next() % 12));
    const fraction = String(next()).slice(0, next() % 9);
    const sign = next() % 3 === 0 ? '-' : '';
    out.push(`${sign}${whole}${fraction ? `.${fraction}` : ''}`);
  }
  out.push('123456789012345678901234567890.123456789012345', '0.000000000000000000000000000000000000012345');
  return out;
}

describe('decimal arithmetic for live computed fields', () => {
  const values = samples();

  it('adds, subtracts, multiplies, divides and takes remainders as decimal.js does', () => {
    for (const a of values)
      for (const b of values) {
        const x = Dec.of(a);
        const y = Dec.of(b);
        const rx = new Ref(a);
        const ry = new Ref(b);
        expect(x.plus(y).toFixed(), `${a} + ${b}`).toBe(rx.plus(ry).toFixed());
        expect(x.minus(y).toFixed(), `${a} - ${b}`).toBe(rx.minus(ry).toFixed());
        expect(x.times(y).toFixed(), `${a} * ${b}`).toBe(rx.times(ry).toFixed());
        expect(x.cmp(y), `${a} cmp ${b}`).toBe(rx.cmp(ry));
        if (ry.isZero()) {
          expect(() => x.div(y)).toThrow(/division by zero/);
          expect(() => x.mod(y)).toThrow(/division by zero/);
        } else {
          expect(x.div(y).toFixed(), `${a} / ${b}`).toBe(rx.div(ry).toFixed());
          expect(x.mod(y).toFixed(), `${a} mod ${b}`).toBe(rx.mod(ry).toFixed());
        }
      }
  });

  it('rounds, truncates, takes square roots and integer powers as decimal.js does', () => {
    for (const a of values) {
      const x = Dec.of(a);
      const rx = new Ref(a);
      for (const places of [0, 1, 2, 4])
        expect(x.toDecimalPlaces(places).toFixed(places), `round(${a}, ${places})`).toBe(
          rx.toDecimalPlaces(places, Ref.ROUND_HALF_UP).toFixed(places),
        );
      expect(x.ceil().toFixed(), `ceil(${a})`).toBe(rx.ceil().toFixed());
      expect(x.floor().toFixed(), `floor(${a})`).toBe(rx.floor().toFixed());
      expect(x.abs().toFixed(), `abs(${a})`).toBe(rx.abs().toFixed());
      expect(x.toNumber(), `number(${a})`).toBe(rx.toNumber() || 0);
      if (!rx.isNeg()) expect(x.sqrt().toFixed(), `sqrt(${a})`).toBe(rx.sqrt().toFixed());
      for (const n of [0, 1, 2, 3, -1, -2])
        if (!(rx.isZero() && n < 0))
          expect(x.pow(Dec.of(n)).toFixed(), `${a} ^ ${n}`).toBe(rx.pow(n).toFixed());
    }
  });

  it('reads numbers in exponent notation and writes them out in full', () => {
    expect(Dec.of(1e21).toFixed()).toBe('1000000000000000000000');
    expect(Dec.of('1.50').toFixed()).toBe('1.5');
    expect(Dec.of(1.5e-7).toFixed()).toBe('0.00000015');
    expect(Dec.of('2').toFixed(2)).toBe('2.00');
    expect(() => Dec.of('abc')).toThrow();
  });
});
