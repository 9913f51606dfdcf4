import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_WEIGHTS, type RiskInput, riskScore } from '../src/index.js';

const base: RiskInput = {
  daysPastDue: 0,
  balance: '0',
  brokenPromises: 0,
  contactAttempts: 4,
  rightPartyContacts: 4,
};

describe('explainable risk score', () => {
  it('the documented weights add up to 100', () => {
    const w = DEFAULT_RISK_WEIGHTS;
    expect(w.daysPastDue + w.balance + w.brokenPromises + w.contactRate).toBe(100);
  });

  it('a current, zero-balance debtor we always reach scores 0 (LOW)', () => {
    expect(riskScore(base)).toMatchObject({ score: 0, band: 'LOW' });
  });

  it('every factor at its cap scores 100 (HIGH)', () => {
    const worst = riskScore({
      daysPastDue: 400,
      balance: '90000',
      brokenPromises: 5,
      contactAttempts: 10,
      rightPartyContacts: 0,
    });
    expect(worst).toMatchObject({ score: 100, band: 'HIGH' });
  });

  it('the contributions add up to the score exactly and say why in both languages', () => {
    const result = riskScore({
      daysPastDue: 45,
      balance: '12000.50',
      brokenPromises: 1,
      contactAttempts: 6,
      rightPartyContacts: 2,
    });
    const sum = result.contributions.reduce((s, c) => s + c.points, 0);
    expect(Math.round(sum * 10) / 10).toBe(result.score);
    expect(result.contributions.map((c) => [c.factor, c.points])).toEqual([
      ['daysPastDue', 8.8],
      ['balance', 6],
      ['brokenPromises', 8.3],
      ['contactRate', 10],
    ]);
    expect(result.score).toBe(33.1);
    expect(result.band).toBe('MEDIUM');
    expect(result.contributions[3]?.explanation).toEqual({
      'zh-CN': '6 次联系中 2 次联系到本人',
      en: '2 of 6 attempts reached the debtor',
    });
  });

  it('no contact attempts yet counts as half the contact factor, not as the worst', () => {
    const result = riskScore({ ...base, contactAttempts: 0, rightPartyContacts: 0 });
    expect(result.contributions.find((c) => c.factor === 'contactRate')).toMatchObject({
      points: 7.5,
      value: 'n/a',
    });
  });

  it('more days past due never lowers the score', () => {
    let previous = -1;
    for (let dpd = 0; dpd <= 200; dpd += 5) {
      const { score } = riskScore({ ...base, daysPastDue: dpd });
      expect(score).toBeGreaterThanOrEqual(previous);
      previous = score;
    }
  });

  it('weights and caps are configurable', () => {
    const result = riskScore(
      { ...base, balance: '5000' },
      { weights: { daysPastDue: 0, balance: 100, brokenPromises: 0, contactRate: 0 }, balanceCap: '10000' },
    );
    expect(result.score).toBe(50);
  });
});
