import { describe, expect, it } from 'vitest';
import { COMPUTE_HANDLERS, SERVICE_TOPIC_NAMES, SERVICE_TOPICS } from '../src/index.js';

const now = new Date('2025-07-01T02:00:00Z');
const run = (topic: string, variables: Record<string, unknown>, context: Record<string, unknown> = {}) => {
  const handler = COMPUTE_HANDLERS[topic];
  if (!handler) throw new Error(`no handler ${topic}`);
  return handler(variables, { now, ...context });
};

describe('service topics', () => {
  it('every compute handler is in the topic catalog and every compute topic has a handler', () => {
    for (const topic of Object.keys(COMPUTE_HANDLERS)) expect(SERVICE_TOPIC_NAMES.has(topic)).toBe(true);
    for (const t of SERVICE_TOPICS.filter((x) => x.kind === 'compute'))
      expect(COMPUTE_HANDLERS[t.topic]).toBeDefined();
  });

  it('every topic has a name in both languages', () => {
    for (const t of SERVICE_TOPICS) {
      expect(t.name['zh-CN'].length).toBeGreaterThan(0);
      expect(t.name.en.length).toBeGreaterThan(0);
    }
  });
});

describe('compute handlers', () => {
  it('case.aging writes days past due and both buckets from the due date in the debtor’s zone', () => {
    expect(run('case.aging', { dueDate: '2025-05-01', timeZone: 'Asia/Shanghai' })).toEqual({
      daysPastDue: 61,
      mBucket: 'M3',
      dpdBucket: '60-89',
    });
  });

  it('case.aging refuses a case without a due date with a stable code', () => {
    expect(() => run('case.aging', {})).toThrow(
      expect.objectContaining({ code: 'collection.handler_input' }),
    );
  });

  it('case.risk-score writes the score, its band and the contributions', () => {
    const out = run('case.risk-score', {
      daysPastDue: 90,
      balance: '25000.00',
      brokenPromises: 0,
      contactAttempts: 0,
    });
    expect(out).toMatchObject({ riskScore: 37.5, riskBand: 'MEDIUM' });
    expect(out.riskContributions).toHaveLength(4);
  });

  it('case.assign routes the case and draws its strategy arm', () => {
    const out = run(
      'case.assign',
      { caseNumber: 'DC-2025-000001', stage: 'EARLY', balance: '100.00', preferredLanguage: 'zh' },
      {
        assignmentRules: [{ id: 'early', when: {}, team: 'early-cn' }],
        collectors: [
          {
            collectorId: 'u-1',
            team: 'early-cn',
            skills: ['lang:zh'],
            active: true,
            openCases: 0,
            capacity: 10,
          },
        ],
        strategy: { seed: 's', arms: [{ key: 'only', weight: 1 }] },
      },
    );
    expect(out).toMatchObject({ assignedCollectorId: 'u-1', team: 'early-cn', strategyArm: 'only' });
  });

  it('payment.allocate pays down the components and the balance', () => {
    expect(
      run('payment.allocate', {
        paymentAmount: '150.00',
        currency: 'CNY',
        fees: '100.00',
        costs: '0.00',
        interest: '100.00',
        principal: '1000.00',
      }),
    ).toEqual({
      allocation: { fees: '100.00', costs: '0.00', interest: '50.00', principal: '0.00', unapplied: '0.00' },
      fees: '0.00',
      costs: '0.00',
      interest: '50.00',
      principal: '1000.00',
      balance: '1050.00',
    });
  });

  describe('promise.schedule and promise.evaluate', () => {
    const promise = {
      amount: '1000.00',
      currency: 'CNY',
      dueDate: '2025-07-05',
      tolerancePct: 90,
      graceDays: 3,
    };
    const scheduled = {
      promise,
      timeZone: 'Asia/Shanghai',
      brokenPromises: 0,
      ...run('promise.schedule', { promise, timeZone: 'Asia/Shanghai' }),
    };

    it('schedule sets the reminder and deadline instants the BPMN timers read', () => {
      expect(scheduled).toMatchObject({
        promiseReminderAt: '2025-07-04T01:00:00.000Z',
        promiseDeadline: '2025-07-08T16:00:00.000Z',
        promiseStatus: 'PENDING',
        promiseMadeAt: now.toISOString(),
      });
    });

    it('the same payment evaluated twice (a retry, a replay) counts once', () => {
      const payment = {
        paymentReference: 'P-1',
        paymentAmount: '500.00',
        paymentReceivedAt: '2025-07-02T02:00:00Z',
      };
      const once = run('promise.evaluate', { ...scheduled, ...payment });
      const twice = run('promise.evaluate', { ...scheduled, ...once, ...payment });
      expect(twice).toMatchObject({ promiseStatus: 'PENDING', promisePaidTotal: '500.00' });
      const second = run('promise.evaluate', {
        ...scheduled,
        ...twice,
        paymentReference: 'P-2',
        paymentAmount: '400.00',
      });
      expect(second).toMatchObject({ promiseStatus: 'KEPT', promisePaidTotal: '900.00', brokenPromises: 0 });
    });

    it('at the deadline without enough paid the promise breaks and the case’s count goes up once', () => {
      const at = new Date('2025-07-08T16:00:00Z');
      const broken = COMPUTE_HANDLERS['promise.evaluate']!({ ...scheduled, brokenPromises: 1 }, { now: at });
      expect(broken).toMatchObject({ promiseStatus: 'BROKEN', brokenPromises: 2 });
      const again = COMPUTE_HANDLERS['promise.evaluate']!({ ...scheduled, ...broken }, { now: at });
      expect(again.brokenPromises).toBe(2);
    });
  });

  describe('legal.gate', () => {
    it('stops on an expired limitation first, then bankruptcy, then an open dispute', () => {
      const all = {
        limitationExpiresOn: '2025-01-01',
        bankruptcyStatus: 'FILED',
        openDispute: true,
        jurisdiction: 'CN',
      };
      expect(run('legal.gate', all).legalGate).toBe('TIME_BARRED');
      expect(run('legal.gate', { ...all, limitationExpiresOn: '2027-01-01' }).legalGate).toBe('BANKRUPTCY');
      expect(
        run('legal.gate', { ...all, limitationExpiresOn: '2027-01-01', bankruptcyStatus: 'NONE' }).legalGate,
      ).toBe('OPEN_DISPUTE');
      expect(
        run('legal.gate', { limitationExpiresOn: '2027-01-01', bankruptcyStatus: 'NONE' }),
      ).toMatchObject({
        legalGate: 'OK',
        legalGateReason: { en: 'Clear for legal action' },
      });
    });

    it('a legal approval lets a CN case past its limitation date, never a US suit', () => {
      const expired = { limitationExpiresOn: '2025-01-01', legalApproval: true };
      expect(run('legal.gate', { ...expired, jurisdiction: 'CN' }).legalGate).toBe('OK');
      expect(
        run('legal.gate', { ...expired, jurisdiction: 'US', timeZone: 'America/Chicago' }).legalGate,
      ).toBe('TIME_BARRED');
    });
  });
});
