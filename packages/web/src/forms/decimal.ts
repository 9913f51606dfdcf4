/**
 * Decimal arithmetic for live computed fields, on BigInt: the part of decimal.js that the server's
 * expressions use (schema's expression.compiler.ts: precision 40, ROUND_HALF_UP), at a tenth of
 * decimal.js' 32 KB, which every task form with a computed field downloaded. + - * / mod, integer
 * powers, sqrt, rounding and comparisons give decimal.js' results: exact, or rounded half-up to 40
 * significant digits. ln, log2, log10 and non-integer powers are computed in floating point (17
 * digits): the server, which recomputes every field on save, stays the authority.
 */

const PRECISION = 40;
const TEN = 10n;

const pow10 = (n: number): bigint => TEN ** BigInt(n);
const abs = (n: bigint) => (n < 0n ? -n : n);
const digits = (n: bigint) => (n === 0n ? 1 : abs(n).toString().length);

/** `n / 10^drop`, rounded half away from zero (ROUND_HALF_UP). */
function shiftRound(n: bigint, drop: number): bigint {
  if (drop <= 0) return n * pow10(-drop);
  const d = pow10(drop);
  const q = abs(n) / d;
  const r = abs(n) % d;
  const m = r * 2n >= d ? q + 1n : q;
  return n < 0n ? -m : m;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

export class Dec {
  /** The value is coeff × 10^-scale; scale may be negative. */
  private constructor(
    readonly coeff: bigint,
    readonly scale: number,
  ) {}

  static of(value: string | number | Dec): Dec {
    if (value instanceof Dec) return value;
    const text = typeof value === 'number' ? String(value) : value.trim();
    const m = DECIMAL.exec(text);
    if (!m) throw new Error(`not a number: ${text}`);
    const fraction = m[3] ?? '';
    const coeff = BigInt(`${m[2]}${fraction}`);
    // Like decimal.js, a value read in keeps all its digits; results are rounded.
    return new Dec(m[1] === '-' ? -coeff : coeff, fraction.length - Number(m[4] ?? 0));
  }

  /** Rounded to PRECISION significant digits, as decimal.js rounds each result. */
  private static make(coeff: bigint, scale: number): Dec {
    const extra = digits(coeff) - PRECISION;
    return extra > 0 ? new Dec(shiftRound(coeff, extra), scale - extra) : new Dec(coeff, scale);
  }

  private static align(a: Dec, b: Dec): [bigint, bigint, number] {
    const scale = Math.max(a.scale, b.scale);
    return [a.coeff * pow10(scale - a.scale), b.coeff * pow10(scale - b.scale), scale];
  }

  plus(other: Dec): Dec {
    const [x, y, scale] = Dec.align(this, other);
    return Dec.make(x + y, scale);
  }

  minus(other: Dec): Dec {
    return this.plus(other.neg());
  }

  times(other: Dec): Dec {
    return Dec.make(this.coeff * other.coeff, this.scale + other.scale);
  }

  div(other: Dec): Dec {
    if (other.coeff === 0n) throw new Error('division by zero');
    if (this.coeff === 0n) return new Dec(0n, 0);
    // Enough digits that the quotient has two beyond the precision; the truncated rest only
    // decides between up and down, never a tie it could hide (half-up rounds ties up anyway).
    const k = Math.max(0, PRECISION + 2 + digits(other.coeff) - digits(this.coeff));
    const q = (this.coeff * pow10(k)) / other.coeff;
    return Dec.make(q, this.scale - other.scale + k);
  }

  /** decimal.js' default modulo (ROUND_DOWN): the sign of the dividend. */
  mod(other: Dec): Dec {
    if (other.coeff === 0n) throw new Error('division by zero');
    const [x, y, scale] = Dec.align(this, other);
    return Dec.make(x % y, scale);
  }

  pow(exponent: Dec): Dec {
    if (exponent.isInteger() && abs(exponent.coeff) <= 10_000n * pow10(Math.max(0, exponent.scale))) {
      const n = Number(exponent.toFixed(0));
      const exact = new Dec(this.coeff ** BigInt(Math.abs(n)), this.scale * Math.abs(n));
      // A negative power divides by the exact power: one rounding, as decimal.js does.
      return n < 0 ? Dec.of(1).div(exact) : Dec.make(exact.coeff, exact.scale);
    }
    return Dec.fromFloat(this.toNumber() ** exponent.toNumber());
  }

  sqrt(): Dec {
    if (this.coeff < 0n) throw new Error('square root of a negative number');
    if (this.coeff === 0n) return new Dec(0n, 0);
    let coeff = this.coeff;
    let scale = this.scale;
    if (scale % 2 !== 0) {
      coeff *= TEN;
      scale += 1;
    }
    const k = Math.max(0, PRECISION + 2 - Math.floor(digits(coeff) / 2));
    const n = coeff * pow10(2 * k);
    let root = BigInt(Math.floor(Math.sqrt(Number(n))));
    // Newton's method on integers, from the float estimate.
    for (;;) {
      const next = (root + n / root) / 2n;
      if (abs(next - root) <= 1n) {
        root = next;
        break;
      }
      root = next;
    }
    while (root * root > n) root -= 1n;
    while ((root + 1n) * (root + 1n) <= n) root += 1n;
    return Dec.make(root, scale / 2 + k);
  }

  ln(): Dec {
    return Dec.fromFloat(Math.log(this.toNumber()));
  }

  static log2(x: Dec): Dec {
    return Dec.fromFloat(Math.log2(x.toNumber()));
  }

  static log10(x: Dec): Dec {
    return Dec.fromFloat(Math.log10(x.toNumber()));
  }

  private static fromFloat(value: number): Dec {
    if (!Number.isFinite(value)) throw new Error('not a finite number');
    return Dec.of(value);
  }

  neg(): Dec {
    return new Dec(-this.coeff, this.scale);
  }

  abs(): Dec {
    return this.coeff < 0n ? this.neg() : this;
  }

  isInteger(): boolean {
    return this.scale <= 0 || this.coeff % pow10(this.scale) === 0n;
  }

  /** Rounded half-up to `places` decimal places. */
  toDecimalPlaces(places: number): Dec {
    if (!Number.isInteger(places) || places < 0) throw new Error(`invalid decimal places: ${places}`);
    if (this.scale <= places) return this;
    return new Dec(shiftRound(this.coeff, this.scale - places), places);
  }

  private toInteger(direction: 1n | -1n): Dec {
    if (this.scale <= 0) return this;
    const d = pow10(this.scale);
    const q = this.coeff / d;
    const rest = this.coeff % d;
    // BigInt division truncates toward zero; a remainder on the rounding side moves one step.
    const moved = rest !== 0n && (rest > 0n ? direction === 1n : direction === -1n) ? q + direction : q;
    return new Dec(moved, 0);
  }

  ceil(): Dec {
    return this.toInteger(1n);
  }

  floor(): Dec {
    return this.toInteger(-1n);
  }

  cmp(other: Dec): number {
    const [x, y] = Dec.align(this, other);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  eq(other: Dec): boolean {
    return this.cmp(other) === 0;
  }

  lt(other: Dec): boolean {
    return this.cmp(other) < 0;
  }

  lte(other: Dec): boolean {
    return this.cmp(other) <= 0;
  }

  gt(other: Dec): boolean {
    return this.cmp(other) > 0;
  }

  gte(other: Dec): boolean {
    return this.cmp(other) >= 0;
  }

  static max(...values: Dec[]): Dec {
    if (values.length === 0) throw new Error('max of nothing');
    return values.reduce((a, b) => (b.gt(a) ? b : a));
  }

  static min(...values: Dec[]): Dec {
    if (values.length === 0) throw new Error('min of nothing');
    return values.reduce((a, b) => (b.lt(a) ? b : a));
  }

  /**
   * Normal notation; with `places`, exactly that many decimals (rounded half-up), else as many as
   * the value needs (no trailing zeros), like decimal.js' toFixed.
   */
  toFixed(places?: number): string {
    let { coeff, scale } = places === undefined ? this : this.toDecimalPlaces(places);
    if (places !== undefined && scale < places) {
      coeff *= pow10(places - scale);
      scale = places;
    }
    if (scale < 0) {
      coeff *= pow10(-scale);
      scale = 0;
    }
    if (places === undefined) {
      while (scale > 0 && coeff % TEN === 0n) {
        coeff /= TEN;
        scale -= 1;
      }
    }
    const negative = coeff < 0n;
    const text = abs(coeff)
      .toString()
      .padStart(scale + 1, '0');
    const body = scale > 0 ? `${text.slice(0, -scale)}.${text.slice(-scale)}` : text;
    return negative ? `-${body}` : body;
  }

  toNumber(): number {
    return Number(this.toFixed());
  }
}
