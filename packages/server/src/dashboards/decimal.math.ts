/**
 * Exact arithmetic on the decimal strings the database returns (money, ratios), for the few sums
 * the server itself makes: a KPI's change against the previous period and its share of target.
 * BigInt on scaled integers; never JS floats.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

function parse(value: string | number): Scaled | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2]}${fraction}`) * (m[1] === '-' ? -1n : 1n);
  return { units, scale: fraction.length };
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

/** a − b, exactly; null when either is not a decimal. */
export function subtract(a: string | number | null, b: string | number | null): string | null {
  const x = a === null ? undefined : parse(a);
  const y = b === null ? undefined : parse(b);
  if (!x || !y) return null;
  const [p, q, scale] = align(x, y);
  return format(p - q, scale);
}

/** a ÷ b rounded half away from zero to `places`; null when b is 0 or either is not a decimal. */
export function divide(a: string | number | null, b: string | number | null, places = 6): string | null {
  const x = a === null ? undefined : parse(a);
  const y = b === null ? undefined : parse(b);
  if (!x || !y || y.units === 0n) return null;
  const [p, q] = align(x, y);
  const scaledNumerator = p * 10n ** BigInt(places + 1);
  let quotient = scaledNumerator / q; // one extra digit, truncated toward zero
  const negative = quotient < 0n;
  if (negative) quotient = -quotient;
  quotient = (quotient + 5n) / 10n;
  return format(negative ? -quotient : quotient, places);
}

export function abs(a: string | null): string | null {
  return a === null ? null : a.startsWith('-') ? a.slice(1) : a;
}
