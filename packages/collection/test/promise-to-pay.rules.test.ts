import { describe, expect, it } from 'vitest';
import { evaluatePromise, isPromiseKept, promiseSchedule } from '../src/index.js';

describe('promise kept', () => {
  it('paid ≥ 90% of the promise keeps it; a cent less breaks it', () => {
    expect(isPromiseKept({ promisedAmount: '1000.00', paidAmount: '900.00' })).toBe(true);
    expect(isPromiseKept({ promisedAmount: '1000.00', paidAmount: '899.99' })).toBe(false);
  });

  it('the tolerance is the promise’s own', () => {
    expect(isPromiseKept({ promisedAmount: '1000.00', paidAmount: '990.00', tolerancePct: 100 })).toBe(false);
    expect(isPromiseKept({ promisedAmount: '1000.00', paidAmount: '500.00', tolerancePct: 50 })).toBe(true);
    expect(() => isPromiseKept({ promisedAmount: '1', paidAmount: '1', tolerancePct: 0 })).toThrow(
      expect.objectContaining({ code: 'collection.invalid_tolerance' }),
    );
  });
});

describe('promise schedule', () => {
  it('reminds at 09:00 the day before, in the debtor’s zone, and breaks after the grace days', () => {
    expect(promiseSchedule({ dueDate: '2025-07-10', timeZone: 'Asia/Shanghai' })).toEqual({
      reminderAt: '2025-07-09T01:00:00.000Z',
      // Due 10 July + 3 grace days: the promise stands through 13 July, broken at midnight.
      deadline: '2025-07-13T16:00:00.000Z',
      graceDays: 3,
    });
  });

  it('grace days are kept within 3 to 5', () => {
    expect(promiseSchedule({ dueDate: '2025-07-10', timeZone: 'UTC', graceDays: 5 }).deadline).toBe(
      '2025-07-16T00:00:00.000Z',
    );
    expect(promiseSchedule({ dueDate: '2025-07-10', timeZone: 'UTC', graceDays: 30 }).graceDays).toBe(5);
    expect(promiseSchedule({ dueDate: '2025-07-10', timeZone: 'UTC', graceDays: 0 }).graceDays).toBe(3);
  });
});

describe('promise evaluation', () => {
  const promise = {
    promisedAmount: '1000.00',
    currency: 'CNY',
    promisedAt: '2025-07-01T03:00:00Z',
    deadline: '2025-07-13T16:00:00.000Z',
    timeZone: 'Asia/Shanghai',
  };

  it('two partial payments that reach 90% together keep the promise on the day the second one arrives', () => {
    const result = evaluatePromise({
      ...promise,
      asOf: '2025-07-12T00:00:00Z',
      payments: [
        { amount: '400.00', receivedAt: '2025-07-05T02:00:00Z' },
        { amount: '500.00', receivedAt: '2025-07-11T17:00:00Z' },
      ],
    });
    expect(result).toEqual({ status: 'KEPT', paidAmount: '900.00', paidDate: '2025-07-12' });
  });

  it('short of the tolerance: pending before the deadline, broken after it', () => {
    const payments = [{ amount: '300.00', receivedAt: '2025-07-05T02:00:00Z' }];
    expect(evaluatePromise({ ...promise, asOf: '2025-07-13T15:59:59Z', payments }).status).toBe('PENDING');
    expect(evaluatePromise({ ...promise, asOf: '2025-07-13T16:00:00Z', payments })).toEqual({
      status: 'BROKEN',
      paidAmount: '300.00',
      paidDate: null,
    });
  });

  it('payments before the promise, after the deadline or reversed do not count', () => {
    const result = evaluatePromise({
      ...promise,
      asOf: '2025-07-20T00:00:00Z',
      payments: [
        { amount: '1000.00', receivedAt: '2025-06-30T00:00:00Z' },
        { amount: '1000.00', receivedAt: '2025-07-14T00:00:00Z' },
        { amount: '1000.00', receivedAt: '2025-07-05T00:00:00Z', reversed: true },
      ],
    });
    expect(result.status).toBe('BROKEN');
    expect(result.paidAmount).toBe('0.00');
  });
});
