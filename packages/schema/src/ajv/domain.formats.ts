import { ISO_4217_CODES } from './currency.codes.js';

/** Mainland mobile numbers: 11 digits, 1 then 3-9. No +86 prefix: store the national form. */
export function isCnMobile(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value);
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/** GB 11643 resident identity number: region, birth date, sequence and a mod-11 check character. */
export function isCnIdNumber(value: string): boolean {
  const match = /^[1-9]\d{5}(\d{4})(\d{2})(\d{2})\d{3}[\dXx]$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1800 || month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one; UTC so the host zone cannot shift it.
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(value[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK_CHARS[sum % 11] === value[17]?.toUpperCase();
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 unified social credit code: 18 characters (no I, O, S, V, Z) with a mod-31 check. */
export function isUscc(value: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(value[i] ?? '') * (USCC_WEIGHTS[i] ?? 0);
  return USCC_CHARS[(31 - (sum % 31)) % 31] === value[17];
}

export function isCurrencyCode(value: string): boolean {
  return ISO_4217_CODES.has(value);
}

/**
 * Money travels as decimal strings ("1234.56"), never floats. Up to 28 integer and 10 fraction
 * digits, no exponent and no leading zeros, so the string form is canonical enough to compare.
 */
export function isDecimalString(value: string): boolean {
  return /^-?(0|[1-9]\d{0,27})(\.\d{1,10})?$/.test(value);
}

/** The formats this package adds on top of ajv-formats; names are what schemas write in `format`. */
export const DOMAIN_FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  'cn-mobile': isCnMobile,
  'cn-id-number': isCnIdNumber,
  uscc: isUscc,
  currency: isCurrencyCode,
  decimal: isDecimalString,
};
