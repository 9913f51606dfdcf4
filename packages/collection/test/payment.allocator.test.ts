import { describe, expect, it } from 'vitest';
import { allocatePayment, reverseAllocation } from '../src/index.js';

const outstanding = { fees: '100.00', costs: '50.00', interest: '300.00', principal: '10000.00' };

describe('payment allocation', () => {
  it('pays fees, then costs, then interest, then principal by default', () => {
    const result = allocatePayment({ amount: '500.00', currency: 'CNY', caseCurrency: 'CNY', outstanding });
    expect(result.applied).toEqual({
      fees: '100.00',
      costs: '50.00',
      interest: '300.00',
      principal: '50.00',
    });
    expect(result.remaining).toEqual({ fees: '0.00', costs: '0.00', interest: '0.00', principal: '9950.00' });
    expect(result.balance).toBe('9950.00');
    expect(result.unapplied).toBe('0.00');
  });

  it('a contract may put principal first; components it leaves out still get paid after', () => {
    const result = allocatePayment({
      amount: '10100.00',
      currency: 'CNY',
      caseCurrency: 'CNY',
      outstanding,
      order: ['principal', 'interest'],
    });
    expect(result.applied).toEqual({
      fees: '0.00',
      costs: '0.00',
      interest: '100.00',
      principal: '10000.00',
    });
    expect(result.remaining).toEqual({
      fees: '100.00',
      costs: '50.00',
      interest: '200.00',
      principal: '0.00',
    });
  });

  it('more than is owed is kept apart as unapplied, never booked against the debt', () => {
    const result = allocatePayment({ amount: '11000.00', currency: 'CNY', caseCurrency: 'CNY', outstanding });
    expect(result.balance).toBe('0.00');
    expect(result.unapplied).toBe('550.00');
  });

  it('decimal, not float: 0.1 + 0.2 of interest is exactly 0.30', () => {
    const result = allocatePayment({
      amount: '0.30',
      currency: 'USD',
      caseCurrency: 'USD',
      outstanding: { fees: '0.1', costs: '0', interest: '0.2', principal: '5' },
    });
    expect(result.applied).toEqual({ fees: '0.10', costs: '0.00', interest: '0.20', principal: '0.00' });
    expect(result.balance).toBe('5.00');
  });

  it('amounts are kept at the currency’s minor units (yen have none)', () => {
    const result = allocatePayment({
      amount: '1000',
      currency: 'JPY',
      caseCurrency: 'JPY',
      outstanding: { fees: '0', costs: '0', interest: '250', principal: '100000' },
    });
    expect(result.applied.principal).toBe('750');
    expect(result.balance).toBe('99250');
  });

  it('a payment in another currency is refused until converted', () => {
    expect(() =>
      allocatePayment({ amount: '10.00', currency: 'USD', caseCurrency: 'CNY', outstanding }),
    ).toThrow(expect.objectContaining({ code: 'collection.currency_mismatch' }));
  });

  it('floats, negatives and bad orders are refused with stable codes', () => {
    expect(() =>
      allocatePayment({
        amount: 10.5 as unknown as string,
        currency: 'CNY',
        caseCurrency: 'CNY',
        outstanding,
      }),
    ).toThrow(expect.objectContaining({ code: 'collection.invalid_amount' }));
    expect(() =>
      allocatePayment({ amount: '-1.00', currency: 'CNY', caseCurrency: 'CNY', outstanding }),
    ).toThrow(expect.objectContaining({ code: 'collection.invalid_amount' }));
    expect(() =>
      allocatePayment({
        amount: '1.00',
        currency: 'CNY',
        caseCurrency: 'CNY',
        outstanding,
        order: ['fees', 'fees'],
      }),
    ).toThrow(expect.objectContaining({ code: 'collection.invalid_allocation_order' }));
    expect(() =>
      allocatePayment({ amount: '1.00', currency: 'XXQ', caseCurrency: 'XXQ', outstanding }),
    ).toThrow(expect.objectContaining({ code: 'collection.invalid_currency' }));
  });

  it('reversing a payment makes what it paid owing again', () => {
    const result = allocatePayment({ amount: '500.00', currency: 'CNY', caseCurrency: 'CNY', outstanding });
    expect(reverseAllocation(result.remaining, result.applied, 'CNY')).toEqual({
      fees: '100.00',
      costs: '50.00',
      interest: '300.00',
      principal: '10000.00',
    });
  });
});
