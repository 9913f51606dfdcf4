import { describe, expect, it } from 'vitest';
import { formatLocalIso, fromLocal, localDateOf, toLocal } from '../src/index.js';

describe('wall-clock time in a debtor’s zone', () => {
  it('08:00 in Shanghai is 00:00Z; in New York it depends on daylight saving', () => {
    expect(fromLocal({ year: 2025, month: 7, day: 2, hour: 8 }, 'Asia/Shanghai').toISOString()).toBe(
      '2025-07-02T00:00:00.000Z',
    );
    expect(fromLocal({ year: 2025, month: 7, day: 2, hour: 8 }, 'America/New_York').toISOString()).toBe(
      '2025-07-02T12:00:00.000Z',
    );
    expect(fromLocal({ year: 2025, month: 1, day: 2, hour: 8 }, 'America/New_York').toISOString()).toBe(
      '2025-01-02T13:00:00.000Z',
    );
  });

  it('a time inside the spring-forward gap maps to just after it', () => {
    // 02:30 does not exist in New York on 9 March 2025; 03:00 EDT is 07:00Z.
    const instant = fromLocal({ year: 2025, month: 3, day: 9, hour: 2, minute: 30 }, 'America/New_York');
    expect(instant.getTime()).toBeGreaterThanOrEqual(Date.parse('2025-03-09T07:00:00Z'));
    expect(instant.getTime()).toBeLessThanOrEqual(Date.parse('2025-03-09T07:30:00Z'));
  });

  it('the calendar day and weekday are the debtor’s', () => {
    expect(localDateOf(new Date('2025-06-30T16:30:00Z'), 'Asia/Shanghai')).toBe('2025-07-01');
    expect(toLocal(new Date('2025-06-30T16:30:00Z'), 'Asia/Shanghai').weekday).toBe(2);
  });

  it('a contact time is shown with the debtor’s offset next to the UTC one', () => {
    expect(formatLocalIso(new Date('2025-07-01T13:05:09Z'), 'Asia/Shanghai')).toBe(
      '2025-07-01T21:05:09+08:00',
    );
    expect(formatLocalIso(new Date('2025-07-01T13:05:09Z'), 'America/Los_Angeles')).toBe(
      '2025-07-01T06:05:09-07:00',
    );
  });
});
