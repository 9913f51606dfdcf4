import { isCnIdNumber, isCnMobile, isDecimalString, isUscc } from '@collectflow/schema';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_PROFILES,
  checkContactHours,
  checkFrequency,
  type DemoDataSet,
  generateDemoData,
  Money,
  type PastAttempt,
} from '../src/index.js';

const small = generateDemoData({ cases: 40, seed: 'demo-test' });

const records = (data: DemoDataSet) => [
  ...data.collectors,
  ...data.debtors,
  ...data.cases,
  ...data.contactAttempts,
  ...data.promises,
  ...data.payments,
  ...data.paymentPlans,
  ...data.disputes,
  ...data.legalActions,
];

describe('deterministic demo data', () => {
  it('the same seed gives byte-identical data; another seed gives other data', () => {
    expect(JSON.stringify(generateDemoData({ cases: 40, seed: 'demo-test' }))).toBe(JSON.stringify(small));
    expect(JSON.stringify(generateDemoData({ cases: 40, seed: 'other' }))).not.toBe(JSON.stringify(small));
  });

  it('a larger set starts with the same cases as a smaller one with the same seed’s first collectors aside', () => {
    const ten = generateDemoData({ cases: 10, seed: 's' });
    expect(ten.cases).toHaveLength(10);
    expect(ten.debtors).toHaveLength(10);
  });

  it('record ids are unique, so a re-seed can upsert', () => {
    const ids = records(small).map((r) => `${r.form}:${r.id}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('ten cases already cover every scenario, so every inbox has work', () => {
    const scenarios = new Set(generateDemoData({ cases: 10 }).instances.map((i) => i.scenario));
    expect([...scenarios].sort()).toEqual([
      'dispute.review',
      'legal.approval',
      'legal.evidence',
      'promise.broken-follow-up',
      'promise.waiting',
      'soft-collection.calling',
      'soft-collection.retry-wait',
      'soft-collection.strategist',
    ]);
  });

  it('reports progress once per case, for the CLI’s progress bar', () => {
    const seen: number[] = [];
    generateDemoData({ cases: 5, onProgress: (done, total) => seen.push(done / total) });
    expect(seen).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
  });
});

describe('realistic demo data', () => {
  it('Chinese ID numbers, USCCs and mobiles pass the same checks the forms use', () => {
    let ids = 0;
    let usccs = 0;
    for (const { data } of small.debtors) {
      if (data.idType === 'CN_RESIDENT_ID') {
        expect(isCnIdNumber(String(data.idNumber)), String(data.idNumber)).toBe(true);
        ids++;
      }
      if (data.uscc) {
        expect(isUscc(String(data.uscc)), String(data.uscc)).toBe(true);
        usccs++;
      }
      for (const phone of data.phones as { number: string }[]) {
        if (/^1\d{10}$/.test(phone.number)) expect(isCnMobile(phone.number)).toBe(true);
      }
    }
    expect(ids).toBeGreaterThan(10);
    expect(usccs).toBeGreaterThan(0);
  });

  it('there are Chinese and international debtors, in CNY and USD', () => {
    const currencies = new Set(small.cases.map((c) => c.data.currency));
    expect(currencies).toEqual(new Set(['CNY', 'USD']));
    expect(small.debtors.some((d) => /^[\u4e00-\u9fff]+$/.test(String(d.data.name)))).toBe(true);
    expect(small.debtors.some((d) => /^[A-Z][a-zé]+ [A-Z]/.test(String(d.data.name)))).toBe(true);
  });

  it('money is decimal strings and adds up: balance = principal + interest + fees + costs − paid = Σ payments', () => {
    for (const { id, data } of small.cases) {
      for (const key of ['principal', 'interest', 'fees', 'costs', 'paid', 'balance']) {
        expect(isDecimalString(String(data[key])), `${id} ${key}`).toBe(true);
      }
      const due = ['principal', 'interest', 'fees', 'costs'].reduce(
        (s, k) => s.plus(String(data[k])),
        new Money(0),
      );
      expect(due.minus(String(data.paid)).toFixed(2)).toBe(data.balance);
      const paid = small.payments
        .filter((p) => p.data.caseNumber === id)
        .reduce((s, p) => s.plus(String(p.data.amount)), new Money(0));
      expect(paid.toFixed(2)).toBe(data.paid);
    }
  });

  it('settled cases owe nothing; promised cases have a promise; disputed cases a dispute', () => {
    const set = generateDemoData({ cases: 60, seed: 'coverage' });
    for (const { id, data } of set.cases) {
      if (data.status === 'SETTLED') expect(data.balance).toBe('0.00');
      if (data.status === 'PTP') expect(set.promises.some((p) => p.data.caseNumber === id)).toBe(true);
      if (data.status === 'DISPUTED') expect(set.disputes.some((d) => d.data.caseNumber === id)).toBe(true);
      if (data.status === 'PLAN') expect(set.paymentPlans.some((p) => p.data.caseNumber === id)).toBe(true);
    }
  });

  it('the generated contact history itself obeys the contact hours and call caps of each debtor’s jurisdiction', () => {
    const set = generateDemoData({ cases: 80, seed: 'compliance' });
    const jurisdiction = new Map(
      set.cases.map((c) => [String(c.data.caseNumber), String(c.data.jurisdiction)]),
    );
    const history: PastAttempt[] = set.contactAttempts.map(({ data }) => ({
      at: String(data.occurredAt),
      caseId: String(data.caseNumber),
      debtorId: String(data.debtorNo),
      channel: data.channel as PastAttempt['channel'],
      outcomeCode: data.outcomeCode as PastAttempt['outcomeCode'],
    }));
    for (const { data } of set.contactAttempts) {
      const profile = BUILT_IN_PROFILES[jurisdiction.get(String(data.caseNumber))!]!;
      const at = String(data.occurredAt);
      expect(checkContactHours({ at, timeZone: String(data.debtorTimeZone) }, profile)).toEqual({
        outcome: 'allowed',
      });
      const before = history.filter((h) => h.at < at);
      const call = {
        at,
        caseId: String(data.caseNumber),
        debtorId: String(data.debtorNo),
        channel: 'CALL' as const,
        timeZone: String(data.debtorTimeZone),
      };
      // Reg F's 7-day pause after a conversation is a rule for the next call; a demo history may
      // hold a callback the debtor asked for, so only the hard caps are checked here.
      const decision = checkFrequency(call, before, {
        ...profile,
        frequency: { ...profile.frequency, quietDaysAfterConversation: undefined },
      });
      expect(decision, JSON.stringify(data)).toEqual({ outcome: 'allowed' });
    }
  });
});
