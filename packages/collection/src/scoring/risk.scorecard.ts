import { type LocalizedText, localize } from '../i18n/localized-text.utils.js';
import { Money, money } from '../payments/money.decimal.js';

/**
 * An explainable risk score from 0 (likely to pay) to 100 (unlikely). Four factors, each scaled
 * to 0..1 and multiplied by its weight; the weights add up to 100, so every point of the score
 * can be traced to one factor:
 *
 *   daysPastDue     35  min(dpd, 180) / 180            older debt is harder to collect
 *   balance         25  min(balance, balanceCap) / cap  larger balances are paid less often in full
 *   brokenPromises  25  min(broken, 3) / 3              past behaviour predicts future behaviour
 *   contactRate     15  1 - rightPartyContacts / attempts (0.5 with no attempts: unknown, not bad)
 *
 * A deliberately simple scorecard: a team can read it, argue with it and change the weights.
 */
export interface RiskWeights {
  daysPastDue: number;
  balance: number;
  brokenPromises: number;
  contactRate: number;
}

export const DEFAULT_RISK_WEIGHTS: RiskWeights = {
  daysPastDue: 35,
  balance: 25,
  brokenPromises: 25,
  contactRate: 15,
};

export interface RiskInput {
  daysPastDue: number;
  balance: string;
  brokenPromises: number;
  contactAttempts: number;
  rightPartyContacts: number;
}

export interface RiskOptions {
  weights?: RiskWeights;
  /** Balance at which the balance factor is full; per currency in practice. */
  balanceCap?: string;
  dpdCap?: number;
  brokenPromisesCap?: number;
}

export interface RiskContribution {
  factor: keyof RiskWeights;
  /** The input the factor was computed from. */
  value: number | string;
  /** 0..1 */
  scaled: number;
  weight: number;
  points: number;
  explanation: LocalizedText;
}

export type RiskBand = 'LOW' | 'MEDIUM' | 'HIGH';

export interface RiskScore {
  score: number;
  band: RiskBand;
  contributions: RiskContribution[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function riskScore(input: RiskInput, options: RiskOptions = {}): RiskScore {
  const weights = options.weights ?? DEFAULT_RISK_WEIGHTS;
  const dpdCap = options.dpdCap ?? 180;
  const brokenCap = options.brokenPromisesCap ?? 3;
  const balanceCap = money(options.balanceCap ?? '50000', 'balanceCap');
  const balance = Money.max(0, money(input.balance, 'balance'));

  const dpdScaled = Math.min(Math.max(input.daysPastDue, 0), dpdCap) / dpdCap;
  const balanceScaled = Money.min(balance, balanceCap).div(balanceCap).toNumber();
  const brokenScaled = Math.min(Math.max(input.brokenPromises, 0), brokenCap) / brokenCap;
  const attempts = Math.max(input.contactAttempts, 0);
  const rate = attempts === 0 ? 0.5 : Math.min(input.rightPartyContacts, attempts) / attempts;
  const contactScaled = attempts === 0 ? 0.5 : 1 - rate;

  const parts: Array<Omit<RiskContribution, 'points'> & { raw: number }> = [
    {
      factor: 'daysPastDue',
      value: input.daysPastDue,
      scaled: dpdScaled,
      weight: weights.daysPastDue,
      raw: dpdScaled * weights.daysPastDue,
      explanation: localize(
        { 'zh-CN': '逾期 {v} 天（{cap} 天封顶）', en: '{v} days past due (capped at {cap})' },
        { v: input.daysPastDue, cap: dpdCap },
      ),
    },
    {
      factor: 'balance',
      value: input.balance,
      scaled: balanceScaled,
      weight: weights.balance,
      raw: balanceScaled * weights.balance,
      explanation: localize(
        { 'zh-CN': '欠款余额 {v}（{cap} 封顶）', en: 'Balance {v} (capped at {cap})' },
        { v: input.balance, cap: balanceCap.toFixed() },
      ),
    },
    {
      factor: 'brokenPromises',
      value: input.brokenPromises,
      scaled: brokenScaled,
      weight: weights.brokenPromises,
      raw: brokenScaled * weights.brokenPromises,
      explanation: localize(
        { 'zh-CN': '违约承诺 {v} 次（{cap} 次封顶）', en: '{v} broken promises (capped at {cap})' },
        { v: input.brokenPromises, cap: brokenCap },
      ),
    },
    {
      factor: 'contactRate',
      value: attempts === 0 ? 'n/a' : `${input.rightPartyContacts}/${attempts}`,
      scaled: contactScaled,
      weight: weights.contactRate,
      raw: contactScaled * weights.contactRate,
      explanation:
        attempts === 0
          ? { 'zh-CN': '尚无联系记录，按一半计分', en: 'No contact attempts yet; counted as half' }
          : localize(
              { 'zh-CN': '{a} 次联系中 {r} 次联系到本人', en: '{r} of {a} attempts reached the debtor' },
              { a: attempts, r: Math.min(input.rightPartyContacts, attempts) },
            ),
    },
  ];
  // Points are rounded to tenths and the score is their sum, so the explanation adds up exactly.
  const contributions = parts.map(({ raw, ...rest }) => ({ ...rest, points: round1(raw) }));
  const score = round1(contributions.reduce((sum, c) => sum + c.points, 0));
  const total = weights.daysPastDue + weights.balance + weights.brokenPromises + weights.contactRate;
  const band: RiskBand = score >= total * 0.6 ? 'HIGH' : score >= total * 0.3 ? 'MEDIUM' : 'LOW';
  return { score, band, contributions };
}
