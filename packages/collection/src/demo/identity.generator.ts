import { formatDate } from '../time/zoned-time.utils.js';
import type { SeededRandom } from './seeded-random.prng.js';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/**
 * A GB 11643 resident ID number that passes the check-digit test. The 17th digit is odd for men
 * and even for women, as on real cards. Region and date are real; the person is not.
 */
export function cnIdNumber(
  random: SeededRandom,
  region: string,
  birth: { year: number; month: number; day: number },
  gender: 'MALE' | 'FEMALE',
): string {
  const sequence = `${random.digits(2)}${gender === 'MALE' ? random.pick([1, 3, 5, 7, 9]) : random.pick([0, 2, 4, 6, 8])}`;
  const body = `${region}${formatDate(birth.year, birth.month, birth.day).replace(/-/g, '')}${sequence}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * ID_WEIGHTS[i]!;
  return `${body}${ID_CHECK_CHARS[sum % 11]}`;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A GB 32100 unified social credit code (registered by market regulation: '91') with its check character. */
export function uscc(random: SeededRandom, region: string): string {
  let org = '';
  for (let i = 0; i < 9; i++) org += USCC_CHARS[random.int(0, 30)];
  const body = `91${region}${org}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(body[i]!) * USCC_WEIGHTS[i]!;
  return `${body}${USCC_CHARS[(31 - (sum % 31)) % 31]}`;
}

export function cnMobile(random: SeededRandom): string {
  return `1${random.pick(['3', '5', '7', '8', '9'])}${random.digits(9)}`;
}

/** 555-0100…0199 numbers are reserved for fiction in the North American plan. */
export function usPhone(random: SeededRandom, area: string): string {
  return `+1${area}55501${random.digits(2)}`;
}
