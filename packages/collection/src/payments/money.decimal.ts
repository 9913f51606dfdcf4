import { DomainError, isCurrencyCode, isDecimalString } from '@collectflow/schema';
import { Decimal } from 'decimal.js';

/** A private Decimal: the global decimal.js config is shared with every other importer. */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = Decimal;

// ISO 4217 minor units that are not 2; everything else (CNY, USD, EUR, HKD…) has cents.
const MINOR_UNITS: Readonly<Record<string, number>> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
  LYD: 3,
  IQD: 3,
};

export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

/** Parses a decimal string amount; a float or malformed text is a caller's bug made visible. */
export function money(value: string, field = 'amount'): Money {
  if (typeof value !== 'string' || !isDecimalString(value)) {
    throw new DomainError(
      'collection.invalid_amount',
      'invalid',
      `${field} must be a decimal string, got ${JSON.stringify(value)}`,
    );
  }
  return new Money(value);
}

export function assertCurrency(currency: string): void {
  if (!isCurrencyCode(currency)) {
    throw new DomainError(
      'collection.invalid_currency',
      'invalid',
      `"${currency}" is not an ISO 4217 currency code`,
    );
  }
}

/** Fixed to the currency's minor units, half-up: the string the forms store. */
export function formatMoney(value: Money, currency: string): string {
  return value.toDecimalPlaces(minorUnits(currency), Money.ROUND_HALF_UP).toFixed(minorUnits(currency));
}
