import { describe, expect, it } from 'vitest';
import { agingOf, daysPastDue, dpdBucketOf, mBucketOf } from '../src/index.js';

describe('days past due and buckets', () => {
  const table: [number, string, string][] = [
    [0, 'M0', 'CURRENT'],
    [1, 'M1', '1-29'],
    [29, 'M1', '1-29'],
    [30, 'M1', '30-59'],
    [31, 'M2', '30-59'],
    [59, 'M2', '30-59'],
    [60, 'M2', '60-89'],
    [61, 'M3', '60-89'],
    [90, 'M3', '90-119'],
    [91, 'M4', '90-119'],
    [120, 'M4', '120-149'],
    [121, 'M5', '120-149'],
    [150, 'M5', '150-179'],
    [151, 'M6+', '150-179'],
    [179, 'M6+', '150-179'],
    [180, 'M6+', '180+'],
    [2000, 'M6+', '180+'],
  ];
  for (const [dpd, m, range] of table) {
    it(`${dpd} days past due is ${m} and ${range}`, () => {
      expect(mBucketOf(dpd)).toBe(m);
      expect(dpdBucketOf(dpd)).toBe(range);
    });
  }

  it('a debt due on the 1st is one day past due on the 2nd, counted in the debtor’s calendar', () => {
    // 2025-07-01T16:30Z is already 2 July in Shanghai but still 1 July in New York.
    expect(
      daysPastDue({ dueDate: '2025-07-01', asOf: '2025-07-01T16:30:00Z', timeZone: 'Asia/Shanghai' }),
    ).toBe(1);
    expect(
      daysPastDue({ dueDate: '2025-07-01', asOf: '2025-07-01T16:30:00Z', timeZone: 'America/New_York' }),
    ).toBe(0);
  });

  it('a due date in the future is not past due', () => {
    expect(
      agingOf({ dueDate: '2025-08-01', asOf: '2025-07-01T00:00:00Z', timeZone: 'Asia/Shanghai' }),
    ).toEqual({
      daysPastDue: 0,
      mBucket: 'M0',
      dpdBucket: 'CURRENT',
    });
  });

  it('a settled debt is current whatever its dates', () => {
    expect(
      daysPastDue({
        dueDate: '2024-01-01',
        asOf: '2025-07-01T00:00:00Z',
        timeZone: 'Asia/Shanghai',
        settled: true,
      }),
    ).toBe(0);
  });

  it('leap years count: 2024-02-28 to 2024-03-01 is two days', () => {
    expect(
      daysPastDue({ dueDate: '2024-02-28', asOf: '2024-03-01T04:00:00Z', timeZone: 'Asia/Shanghai' }),
    ).toBe(2);
  });

  it('an impossible due date is refused, not silently rolled over', () => {
    expect(() =>
      daysPastDue({ dueDate: '2025-02-30', asOf: '2025-07-01T00:00:00Z', timeZone: 'UTC' }),
    ).toThrow(RangeError);
  });
});
