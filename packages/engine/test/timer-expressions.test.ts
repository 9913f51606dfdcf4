import { describe, expect, it } from 'vitest';
import { addDuration, dueAt, parseIsoDuration, parseTimer, TimerExpressionError } from '../src/index.js';

const now = new Date('2025-01-31T09:00:00.000Z');

describe('ISO 8601 timer values', () => {
  it('durations of any length, calendar-aware in UTC', () => {
    expect(dueAt(parseTimer('timeDuration', 'P30D'), now).toISOString()).toBe('2025-03-02T09:00:00.000Z');
    expect(dueAt(parseTimer('timeDuration', 'P6M'), now).toISOString()).toBe('2025-07-31T09:00:00.000Z');
    // Jan 31 + 1 month is the last day of February, not March 3.
    expect(dueAt(parseTimer('timeDuration', 'P1M'), now).toISOString()).toBe('2025-02-28T09:00:00.000Z');
    expect(dueAt(parseTimer('timeDuration', 'P2Y'), now).toISOString()).toBe('2027-01-31T09:00:00.000Z');
    expect(dueAt(parseTimer('timeDuration', 'PT1H30M'), now).toISOString()).toBe('2025-01-31T10:30:00.000Z');
    expect(dueAt(parseTimer('timeDuration', 'P1W'), now).toISOString()).toBe('2025-02-07T09:00:00.000Z');
    expect(addDuration(now, parseIsoDuration('PT0.5S')).toISOString()).toBe('2025-01-31T09:00:00.500Z');
  });

  it('dates with Z or an offset, and cycles with or without a start', () => {
    expect(dueAt(parseTimer('timeDate', '2025-02-01T08:00:00+08:00'), now).toISOString()).toBe(
      '2025-02-01T00:00:00.000Z',
    );
    expect(parseTimer('timeCycle', 'R3/P7D')).toMatchObject({ repeat: 3 });
    expect(parseTimer('timeCycle', 'R/PT1H')).toMatchObject({ repeat: -1 });
    const gridded = parseTimer('timeCycle', 'R5/2025-01-01T08:00:00Z/P1D');
    expect(dueAt(gridded, now).toISOString()).toBe('2025-02-01T08:00:00.000Z');
  });

  it('refuses what is not ISO 8601', () => {
    for (const [type, text] of [
      ['timeDuration', '30 days'],
      ['timeDuration', 'P'],
      ['timeDuration', 'PT'],
      ['timeDuration', 'P1.5M'],
      ['timeDate', '2025-02-30T10:00:00Z'],
      ['timeDate', 'tomorrow'],
      ['timeCycle', '0 0 9 * * ?'],
      ['timeCycle', 'R0/P1D'],
      ['timeCycle', 'R3/PT0S'],
    ] as const) {
      expect(() => parseTimer(type, text), `${type} ${text}`).toThrow(TimerExpressionError);
    }
  });
});
