import type { ProblemDetailItem } from '@collectflow/schema';
import { DomainError } from '@collectflow/schema';
import { Decimal } from 'decimal.js';

/**
 * A team's commission rule, as JSON (every number a decimal string, never a float):
 *
 * ```json
 * {
 *   "method": "marginal",
 *   "tiers": [
 *     { "from": "0", "percent": "1" },
 *     { "from": "50000", "percent": "2.5" },
 *     { "from": "100000", "percent": "4" }
 *   ],
 *   "minAttainment": "0.8",
 *   "cap": "20000"
 * }
 * ```
 *
 * - `tiers`: 1 to 20, `from` strictly ascending and the first "0"; `percent` from 0 to 100.
 * - `method`: "marginal" (default) applies each tier's percent to the part of the collected
 *   amount inside that tier, like tax brackets; "flat" applies the percent of the highest tier
 *   reached to the whole amount.
 * - `minAttainment` (optional): no commission while collected / target is below it (only when
 *   the collector has a target for the month).
 * - `cap` (optional): the most one collector earns in a month.
 *
 * Every problem carries a `keyword` (type, unknown, method, tiers, decimal, maximum, first_zero,
 * ascending) so an editor can say it in the user's language next to the field.
 *
 * Amounts are rounded half-up to 2 decimal places, once, at the end (and per tier in the
 * breakdown, whose parts may then differ from the total by a cent).
 */
export interface CommissionRule {
  method: 'marginal' | 'flat';
  tiers: { from: string; percent: string }[];
  minAttainment?: string;
  cap?: string;
}

export interface CommissionTierResult {
  from: string;
  /** Exclusive upper bound; null for the last tier. */
  to: string | null;
  percent: string;
  /** The part of the collected amount the percent applied to. */
  base: string;
  amount: string;
}

export interface CommissionResult {
  amount: string;
  tiers: CommissionTierResult[];
  /** Why the amount is lower than the tiers give, if it is. */
  note: 'below_min_attainment' | 'capped' | null;
}

const DECIMAL = /^(0|[1-9][0-9]{0,15})(\.[0-9]{1,6})?$/;
const MAX_TIERS = 20;

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

function fail(errors: ProblemDetailItem[]): never {
  throw new DomainError(
    'commission.invalid_rule',
    'invalid',
    `the commission rule is invalid (${errors.length} problem(s))`,
    {
      errors,
      hint: 'tiers: [{ "from": "0", "percent": "2" }, ...], from ascending, numbers as decimal strings',
    },
  );
}

/** Checks a rule from JSON; every problem at once, with JSON pointers relative to `base`. */
export function parseCommissionRule(value: unknown, base = ''): CommissionRule {
  const errors: ProblemDetailItem[] = [];
  const at = (p: string) => `${base}${p}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail([{ pointer: at(''), keyword: 'type', message: 'the rule must be an object with "tiers"' }]);
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!['method', 'tiers', 'minAttainment', 'cap'].includes(key)) {
      errors.push({
        pointer: at(`/${key}`),
        keyword: 'unknown',
        message: 'unknown property (method, tiers, minAttainment, cap)',
      });
    }
  }
  const method = v.method ?? 'marginal';
  if (method !== 'marginal' && method !== 'flat') {
    errors.push({
      pointer: at('/method'),
      keyword: 'method',
      message: 'method must be "marginal" or "flat"',
    });
  }
  const decimal = (x: unknown, pointer: string, what: string): boolean => {
    if (typeof x === 'string' && DECIMAL.test(x)) return true;
    errors.push({
      pointer,
      keyword: 'decimal',
      message: `${what} must be a decimal string like "1000" or "2.5"`,
    });
    return false;
  };
  const tiers: { from: string; percent: string }[] = [];
  if (!Array.isArray(v.tiers) || v.tiers.length === 0 || v.tiers.length > MAX_TIERS) {
    errors.push({
      pointer: at('/tiers'),
      keyword: 'tiers',
      message: `tiers must be a list of 1 to ${MAX_TIERS} tiers`,
    });
  } else {
    let lastFrom: string | undefined;
    v.tiers.forEach((tier, i) => {
      const p = at(`/tiers/${i}`);
      if (typeof tier !== 'object' || tier === null || Array.isArray(tier)) {
        errors.push({
          pointer: p,
          keyword: 'type',
          message: 'a tier is { "from": "<amount>", "percent": "<0-100>" }',
        });
        return;
      }
      const t = tier as Record<string, unknown>;
      const okFrom = decimal(t.from, `${p}/from`, 'from');
      const okPercent = decimal(t.percent, `${p}/percent`, 'percent');
      if (okPercent && new D(t.percent as string).gt(100)) {
        errors.push({ pointer: `${p}/percent`, keyword: 'maximum', message: 'percent must be at most 100' });
      }
      if (okFrom && i === 0 && !new D(t.from as string).isZero()) {
        errors.push({
          pointer: `${p}/from`,
          keyword: 'first_zero',
          message: 'the first tier must start from "0"',
        });
      }
      if (okFrom && lastFrom !== undefined && !new D(t.from as string).gt(lastFrom)) {
        errors.push({
          pointer: `${p}/from`,
          keyword: 'ascending',
          message: 'tiers must be in ascending order of "from"',
        });
      }
      if (okFrom) lastFrom = t.from as string;
      if (okFrom && okPercent) tiers.push({ from: t.from as string, percent: t.percent as string });
    });
  }
  if (v.minAttainment !== undefined) decimal(v.minAttainment, at('/minAttainment'), 'minAttainment');
  if (v.cap !== undefined) decimal(v.cap, at('/cap'), 'cap');
  if (errors.length > 0) fail(errors);
  return {
    method: method as CommissionRule['method'],
    tiers,
    ...(v.minAttainment !== undefined ? { minAttainment: v.minAttainment as string } : {}),
    ...(v.cap !== undefined ? { cap: v.cap as string } : {}),
  };
}

const money = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);

/** The commission on `collected` (a decimal string) under `rule`; `target` for minAttainment. */
export function computeCommission(
  rule: CommissionRule,
  collected: string,
  target?: string | null,
): CommissionResult {
  const amount = new D(collected);
  if (amount.isNegative()) throw new Error('collected amount is negative');
  const breakdown: { from: Decimal; to: Decimal | null; percent: Decimal; base: Decimal; amount: Decimal }[] =
    [];
  const reached = rule.tiers.filter((t) => amount.gte(t.from));
  rule.tiers.forEach((tier, i) => {
    const from = new D(tier.from);
    const next = rule.tiers[i + 1];
    const to = next ? new D(next.from) : null;
    const percent = new D(tier.percent);
    let base = new D(0);
    if (rule.method === 'marginal') {
      if (amount.gt(from)) base = (to && amount.gt(to) ? to : amount).minus(from);
    } else if (tier === reached.at(-1)) {
      base = amount;
    }
    breakdown.push({ from, to, percent, base, amount: base.times(percent).dividedBy(100) });
  });
  let total = breakdown.reduce((sum, t) => sum.plus(t.amount), new D(0));
  let note: CommissionResult['note'] = null;
  if (rule.minAttainment !== undefined && target && new D(target).gt(0)) {
    if (amount.dividedBy(target).lt(rule.minAttainment)) {
      total = new D(0);
      note = 'below_min_attainment';
    }
  }
  if (rule.cap !== undefined && total.gt(rule.cap)) {
    total = new D(rule.cap);
    note = 'capped';
  }
  return {
    amount: money(total),
    note,
    tiers: breakdown.map((t) => ({
      from: t.from.toFixed(),
      to: t.to ? t.to.toFixed() : null,
      percent: t.percent.toFixed(),
      base: money(t.base),
      amount: money(t.amount),
    })),
  };
}
