import { DomainError } from '@collectflow/schema';
import { formatMoney, Money, money } from '../payments/money.decimal.js';
import { addDays, fromLocal, localDateOf, parseClock, parseDate } from '../time/zoned-time.utils.js';

export type PromiseStatus = 'PENDING' | 'KEPT' | 'BROKEN' | 'CANCELLED';

export const DEFAULT_TOLERANCE_PCT = 90;
/** The range for the grace after the promised date; 3 unless the strategy says more. */
export const GRACE_DAYS = { min: 3, max: 5, default: 3 } as const;

/** Paid at least tolerance% of the promised amount: 90 % of ¥1,000 is kept at ¥900. */
export function isPromiseKept(input: {
  promisedAmount: string;
  paidAmount: string;
  tolerancePct?: number;
}): boolean {
  const tolerance = input.tolerancePct ?? DEFAULT_TOLERANCE_PCT;
  if (!(tolerance > 0 && tolerance <= 100)) {
    throw new DomainError(
      'collection.invalid_tolerance',
      'invalid',
      `tolerance must be in (0, 100], got ${tolerance}`,
    );
  }
  const required = money(input.promisedAmount, 'promisedAmount').times(tolerance).div(100);
  return money(input.paidAmount, 'paidAmount').gte(required);
}

export interface PromiseSchedule {
  /** ISO UTC: the reminder the day before the promised date, at the reminder time in the debtor's zone. */
  reminderAt: string;
  /** ISO UTC: the end of the grace period (midnight after due date + grace days, debtor's zone). */
  deadline: string;
  graceDays: number;
}

/** When to remind and when a promise counts as broken; timers in the PTP flow use these instants. */
export function promiseSchedule(input: {
  dueDate: string;
  timeZone: string;
  graceDays?: number;
  reminderTime?: string;
}): PromiseSchedule {
  const grace = Math.min(
    GRACE_DAYS.max,
    Math.max(GRACE_DAYS.min, Math.round(input.graceDays ?? GRACE_DAYS.default)),
  );
  const minute = parseClock(input.reminderTime ?? '09:00');
  const reminderDay = parseDate(addDays(input.dueDate, -1));
  const reminderAt = fromLocal(
    { ...reminderDay, hour: Math.floor(minute / 60), minute: minute % 60 },
    input.timeZone,
  );
  const deadline = fromLocal(parseDate(addDays(input.dueDate, grace + 1)), input.timeZone);
  return { reminderAt: reminderAt.toISOString(), deadline: deadline.toISOString(), graceDays: grace };
}

export interface PromiseEvaluation {
  status: PromiseStatus;
  paidAmount: string;
  /** 'YYYY-MM-DD' in the debtor's zone of the payment that made the promise kept. */
  paidDate: string | null;
}

/**
 * Sums the payments received from the promise date up to the deadline. Kept as soon as the sum
 * reaches tolerance × promised; broken once the deadline has passed without that; else pending.
 */
export function evaluatePromise(input: {
  promisedAmount: string;
  currency: string;
  tolerancePct?: number;
  promisedAt: string;
  deadline: string;
  asOf: Date | string;
  timeZone: string;
  payments: readonly { amount: string; receivedAt: string; reversed?: boolean }[];
}): PromiseEvaluation {
  const from = Date.parse(input.promisedAt);
  const until = Date.parse(input.deadline);
  const counted = input.payments
    .filter((p) => !p.reversed)
    .filter((p) => Date.parse(p.receivedAt) >= from && Date.parse(p.receivedAt) < until)
    .sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
  let paid = new Money(0);
  for (const payment of counted) {
    paid = paid.plus(money(payment.amount));
    const paidAmount = formatMoney(paid, input.currency);
    if (
      isPromiseKept({ promisedAmount: input.promisedAmount, paidAmount, tolerancePct: input.tolerancePct })
    ) {
      return {
        status: 'KEPT',
        paidAmount,
        paidDate: localDateOf(new Date(payment.receivedAt), input.timeZone),
      };
    }
  }
  const status = new Date(input.asOf).getTime() >= until ? 'BROKEN' : 'PENDING';
  return { status, paidAmount: formatMoney(paid, input.currency), paidDate: null };
}
