import { describe, expect, it } from 'vitest';
import { isCnIdNumber, isCnMobile, isCurrencyCode, isDecimalString, isUscc } from '../src/index.js';

describe('debt-collection formats', () => {
  it('cn-mobile accepts 11-digit mainland numbers only', () => {
    expect(['13800138000', '19912345678'].map(isCnMobile)).toEqual([true, true]);
    expect(['12800138000', '1380013800', '+8613800138000', '138001380001'].map(isCnMobile)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('cn-id-number checks the birth date and the check character', () => {
    expect(isCnIdNumber('11010519491231002X')).toBe(true);
    expect(isCnIdNumber('11010519491231002x')).toBe(true);
    expect(isCnIdNumber('110105194912310021')).toBe(false); // wrong check character
    expect(isCnIdNumber('11010519490230002X')).toBe(false); // 30 February
    expect(isCnIdNumber('11010549')).toBe(false);
  });

  it('uscc checks the mod-31 check character', () => {
    expect(isUscc('91350100M000100Y43')).toBe(true);
    expect(isUscc('91110000600037341L')).toBe(true);
    expect(isUscc('91350100M000100Y44')).toBe(false);
    expect(isUscc('91350100M000100O43')).toBe(false); // O is not in the alphabet
  });

  it('currency accepts ISO 4217 codes', () => {
    expect(['CNY', 'USD', 'HKD', 'EUR'].map(isCurrencyCode)).toEqual([true, true, true, true]);
    expect(['cny', 'RMB', 'XXX', 'US'].map(isCurrencyCode)).toEqual([false, false, false, false]);
  });

  it('decimal accepts canonical decimal strings for money', () => {
    expect(['0', '1234.56', '-0.5', '100'].map(isDecimalString)).toEqual([true, true, true, true]);
    expect(['01', '1.', '.5', '1e3', '1,000.00', ' 1', 'NaN'].map(isDecimalString)).toEqual(
      Array(7).fill(false),
    );
  });
});
