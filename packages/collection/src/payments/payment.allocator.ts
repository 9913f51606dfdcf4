import { DomainError } from '@collectflow/schema';
import { assertCurrency, formatMoney, Money, money } from './money.decimal.js';

export const ALLOCATION_COMPONENTS = ['fees', 'costs', 'interest', 'principal'] as const;
export type AllocationComponent = (typeof ALLOCATION_COMPONENTS)[number];

/**
 * Fees and collection costs first, then interest, then principal: the order the issue asks for
 * and the order of 民法典 第561条 (expenses, interest, principal). Contracts may agree otherwise,
 * so callers can pass their own order.
 */
export const DEFAULT_ALLOCATION_ORDER: readonly AllocationComponent[] = [
  'fees',
  'costs',
  'interest',
  'principal',
];

export type Outstanding = Record<AllocationComponent, string>;

export interface AllocationResult {
  currency: string;
  /** What the payment paid off, per component. */
  applied: Outstanding;
  /** What is left owing afterwards, per component. */
  remaining: Outstanding;
  /** More than was owed: held as a credit or refunded, never booked against the debt. */
  unapplied: string;
  balance: string;
}

/**
 * Splits a payment over the outstanding components in order, in decimal arithmetic at the
 * currency's minor units. Never floats: 0.1 + 0.2 is 0.30 here.
 */
export function allocatePayment(input: {
  amount: string;
  currency: string;
  caseCurrency: string;
  outstanding: Partial<Outstanding>;
  order?: readonly AllocationComponent[];
}): AllocationResult {
  assertCurrency(input.currency);
  if (input.currency !== input.caseCurrency) {
    throw new DomainError(
      'collection.currency_mismatch',
      'invalid',
      `a ${input.currency} payment cannot be allocated to a ${input.caseCurrency} case; convert it first`,
    );
  }
  const order = input.order ?? DEFAULT_ALLOCATION_ORDER;
  const unique = new Set(order);
  if (unique.size !== order.length || order.some((c) => !ALLOCATION_COMPONENTS.includes(c))) {
    throw new DomainError(
      'collection.invalid_allocation_order',
      'invalid',
      `bad allocation order: ${order.join(', ')}`,
    );
  }
  // Components left out of a custom order still get paid, last, in the default order.
  const fullOrder = [...order, ...DEFAULT_ALLOCATION_ORDER.filter((c) => !unique.has(c))];
  let left = money(input.amount);
  if (left.isNegative())
    throw new DomainError('collection.invalid_amount', 'invalid', 'a payment cannot be negative');
  const applied = {} as Outstanding;
  const remaining = {} as Outstanding;
  let balance = new Money(0);
  for (const component of fullOrder) {
    const owed = money(input.outstanding[component] ?? '0', component);
    const pay = Money.max(0, Money.min(owed, left));
    left = left.minus(pay);
    applied[component] = formatMoney(pay, input.currency);
    remaining[component] = formatMoney(owed.minus(pay), input.currency);
    balance = balance.plus(owed.minus(pay));
  }
  return {
    currency: input.currency,
    applied: pick(applied),
    remaining: pick(remaining),
    unapplied: formatMoney(left, input.currency),
    balance: formatMoney(balance, input.currency),
  };
}

/** Undoes a reversed payment: what it paid off is owed again. */
export function reverseAllocation(
  remaining: Outstanding,
  applied: Outstanding,
  currency: string,
): Outstanding {
  const restored = {} as Outstanding;
  for (const c of ALLOCATION_COMPONENTS) {
    restored[c] = formatMoney(money(remaining[c], c).plus(money(applied[c], c)), currency);
  }
  return restored;
}

function pick(values: Outstanding): Outstanding {
  return Object.fromEntries(ALLOCATION_COMPONENTS.map((c) => [c, values[c]])) as Outstanding;
}
