import { beforeEach, describe, expect, it } from 'vitest';
import { PackHost } from './support/definitions-pack.host.js';

// Feature scenarios for the four built-in flows, run on the engine with the pack's handlers.
// Dates: "now" is 2025-07-01 10:00 in Shanghai; the case fell due on 2025-06-16 (15 days ago).

const CASE = 'DC-2025-000001';

const caseVariables = {
  caseNumber: CASE,
  debtorNo: 'DB-00000001',
  jurisdiction: 'CN',
  currency: 'CNY',
  principal: '10000.00',
  interest: '500.00',
  fees: '100.00',
  costs: '0.00',
  paid: '0.00',
  balance: '10600.00',
  dueDate: '2025-06-16',
  status: 'OPEN',
  stage: 'EARLY',
  timeZone: 'Asia/Shanghai',
  preferredLanguage: 'zh',
  limitationExpiresOn: '2028-06-16',
  legalApproval: false,
  bankruptcyStatus: 'NONE',
  brokenPromises: 0,
  contactAttempts: 0,
  rightPartyContacts: 0,
};

const call = (outcomeCode: string, extra: Record<string, unknown> = {}) => ({
  caseNumber: CASE,
  debtorNo: 'DB-00000001',
  party: 'DEBTOR',
  channel: 'CALL',
  direction: 'OUTBOUND',
  occurredAt: '2025-07-01T02:30:00Z',
  outcomeCode,
  agentId: 'u-liaison-01',
  ...extra,
});

const promise = { amount: '1000.00', currency: 'CNY', dueDate: '2025-07-05', tolerancePct: 90, graceDays: 3 };

const debtCase = (decision: string) => ({
  ...caseVariables,
  creditor: { name: '华信消费金融有限公司' },
  nextAction: { decision, reason: 'test', decidedBy: 'u-strategist-01' },
});

const legalAction = (extra: Record<string, unknown> = {}) => ({
  caseNumber: CASE,
  actionType: 'LAWSUIT',
  currency: 'CNY',
  proceedingStatus: 'PREPARING',
  ...extra,
});

let host: PackHost;

beforeEach(async () => {
  host = await PackHost.create();
  host.context = {
    assignmentRules: [{ id: 'early', when: {}, team: 'early-cn' }],
    collectors: [
      {
        collectorId: 'u-liaison-01',
        team: 'early-cn',
        skills: ['lang:zh'],
        active: true,
        openCases: 3,
        capacity: 300,
      },
    ],
    strategy: { seed: 'test', arms: [{ key: 'champion', weight: 1 }] },
  };
});

describe('(a) early-stage soft collection', () => {
  it('a new case is aged, scored, assigned and reminded, then a call task waits for the liaisons for a day', async () => {
    const soft = await host.start('soft-collection', CASE, caseVariables);
    expect(host.waitingAt(soft)).toEqual(['call-debtor', 'collection-suspended']);
    const task = [...soft.tasks.values()][0]!;
    expect(task).toMatchObject({
      formKey: 'contact-attempt',
      candidateGroups: ['liaison'],
      dueAt: '2025-07-02T02:00:00.000Z',
    });
    expect(soft.variables).toMatchObject({
      daysPastDue: 15,
      mBucket: 'M1',
      dpdBucket: '1-29',
      assignedCollectorId: 'u-liaison-01',
      team: 'early-cn',
      strategyArm: 'champion',
      riskBand: 'LOW',
    });
    expect(host.sent.map((s) => s.topic)).toEqual(['notify.payment-reminder']);
  });

  it('a promise on the call ends soft collection and starts the promise follow-up with the promise', async () => {
    const soft = await host.start('soft-collection', CASE, caseVariables);
    await host.complete(soft, 'call-debtor', call('RPC_PTP', { promise }));
    expect(soft.status).toBe('completed');
    expect(host.outbox.map((m) => m.name)).toEqual(['PromiseToPayMade']);
    await host.relay();
    const [follow] = host.instancesOf('promise-to-pay-follow-up', CASE);
    expect(follow?.variables).toMatchObject({
      promise,
      promiseReminderAt: '2025-07-04T01:00:00.000Z',
      promiseDeadline: '2025-07-08T16:00:00.000Z',
    });
    expect(host.waitingAt(follow!)).toEqual(['collection-suspended', 'paid-early', 'reminder-due']);
  });

  it('no answer waits 4 hours and calls again; once 30 days past due, the strategist decides', async () => {
    const soft = await host.start('soft-collection', CASE, caseVariables);
    await host.complete(soft, 'call-debtor', call('NO_ANSWER'));
    expect(host.waitingAt(soft)).toEqual(['collection-suspended', 'wait-before-retry']);
    expect(await host.fireTimer(soft, 'wait-before-retry')).toBe('2025-07-01T06:00:00.000Z');
    expect(host.waitingAt(soft)).toContain('call-debtor');

    await host.complete(soft, 'call-debtor', call('BUSY'));
    host.now = new Date('2025-07-16T02:00:00Z');
    await host.fireTimer(soft, 'wait-before-retry');
    expect(soft.variables.daysPastDue).toBe(30);
    expect(host.waitingAt(soft)).toEqual(['decide-next-step']);
    expect([...soft.tasks.values()][0]).toMatchObject({
      formKey: 'debt-case',
      candidateGroups: ['strategist'],
    });
  });

  it('a call back is scheduled at the time the debtor asked for', async () => {
    const soft = await host.start('soft-collection', CASE, caseVariables);
    await host.complete(
      soft,
      'call-debtor',
      call('RPC_CALLBACK', { callbackAt: '2025-07-02T11:30:00+08:00' }),
    );
    expect(await host.fireTimer(soft, 'wait-for-callback')).toBe('2025-07-02T03:30:00.000Z');
    expect(host.waitingAt(soft)).toContain('call-debtor');
  });

  it('a wrong number goes to an analyst to find new contact details, then back to calling', async () => {
    const soft = await host.start('soft-collection', CASE, caseVariables);
    await host.complete(soft, 'call-debtor', call('WRONG_NUMBER'));
    expect([...soft.tasks.values()][0]).toMatchObject({
      elementId: 'trace-debtor',
      formKey: 'debtor',
      candidateGroups: ['analyst'],
    });
    await host.complete(soft, 'trace-debtor', {
      debtorNo: 'DB-00000001',
      partyType: 'PERSON',
      name: '王伟',
      idType: 'CN_RESIDENT_ID',
      idNumber: '11010519491231002X',
      timeZone: 'Asia/Shanghai',
      phones: [{ number: '13800138000', status: 'VALID' }],
    });
    expect(host.waitingAt(soft)).toContain('call-debtor');
  });

  it('a refusal goes to the strategist, whose escalation to legal starts legal escalation', async () => {
    const soft = await host.start('soft-collection', CASE, caseVariables);
    await host.complete(soft, 'call-debtor', call('RPC_REFUSED'));
    await host.complete(soft, 'decide-next-step', debtCase('LEGAL'));
    expect(soft.status).toBe('completed');
    await host.relay();
    const [legal] = host.instancesOf('legal-escalation', CASE);
    expect(host.waitingAt(legal!)).toEqual(['build-evidence-pack', 'collection-suspended']);
  });

  it('a cease request ends calling and asks an analyst to record the restriction', async () => {
    const soft = await host.start('soft-collection', CASE, caseVariables);
    await host.complete(soft, 'call-debtor', call('CEASE_REQUEST'));
    expect(host.waitingAt(soft)).toEqual(['record-restriction']);
  });
});

describe('(b) promise-to-pay follow-up', () => {
  const start = () =>
    host.startByMessage('promise-to-pay-follow-up', CASE, 'PromiseToPayMade', { ...caseVariables, promise });

  it('a payment of at least 90% before the reminder keeps the promise', async () => {
    const follow = await start();
    await host.message(follow, 'PaymentReceived', { paymentReference: 'P-1', paymentAmount: '900.00' });
    expect(follow.status).toBe('completed');
    expect(follow.variables).toMatchObject({ promiseStatus: 'KEPT', promisePaidTotal: '900.00' });
    expect(host.outbox.map((m) => m.name)).toEqual(['PromiseKept']);
  });

  it('a partial payment keeps waiting; the reminder goes the day before; the rest before the deadline keeps it', async () => {
    const follow = await start();
    await host.message(follow, 'PaymentReceived', { paymentReference: 'P-1', paymentAmount: '400.00' });
    expect(follow.variables.promiseStatus).toBe('PENDING');
    expect(await host.fireTimer(follow, 'reminder-due')).toBe('2025-07-04T01:00:00.000Z');
    expect(host.sent.map((s) => s.topic)).toEqual(['notify.promise-reminder']);
    host.now = new Date('2025-07-07T03:00:00Z');
    await host.message(follow, 'PaymentReceived', { paymentReference: 'P-2', paymentAmount: '500.00' });
    expect(follow.status).toBe('completed');
    expect(follow.variables).toMatchObject({ promiseStatus: 'KEPT', promisePaidTotal: '900.00' });
  });

  it('a first broken promise goes to the liaison; a new promise is followed again; a second break goes to the strategist', async () => {
    const follow = await start();
    await host.fireTimer(follow, 'reminder-due');
    expect(await host.fireTimer(follow, 'deadline-passed')).toBe('2025-07-08T16:00:00.000Z');
    expect(follow.variables).toMatchObject({ promiseStatus: 'BROKEN', brokenPromises: 1 });
    expect([...follow.tasks.values()][0]).toMatchObject({
      elementId: 'follow-up-broken-promise',
      formKey: 'contact-attempt',
      candidateGroups: ['liaison'],
    });

    await host.complete(
      follow,
      'follow-up-broken-promise',
      call('RPC_PTP', { promise: { ...promise, dueDate: '2025-07-15' } }),
    );
    expect(follow.variables).toMatchObject({
      promiseStatus: 'PENDING',
      promiseDeadline: '2025-07-18T16:00:00.000Z',
    });
    await host.fireTimer(follow, 'reminder-due');
    await host.fireTimer(follow, 'deadline-passed');
    expect(follow.variables.brokenPromises).toBe(2);
    expect(host.waitingAt(follow)).toEqual(['decide-after-broken-promises']);

    await host.complete(follow, 'decide-after-broken-promises', debtCase('PAYMENT_PLAN'));
    expect([...follow.tasks.values()][0]).toMatchObject({
      elementId: 'set-up-payment-plan',
      formKey: 'payment-plan',
    });
  });

  it('the grace period is the promise’s own: 5 days moves the deadline', async () => {
    const follow = await host.startByMessage('promise-to-pay-follow-up', CASE, 'PromiseToPayMade', {
      ...caseVariables,
      promise: { ...promise, graceDays: 5 },
    });
    expect(follow.variables.promiseDeadline).toBe('2025-07-10T16:00:00.000Z');
  });
});

describe('(c) legal escalation', () => {
  const start = (extra: Record<string, unknown> = {}) =>
    host.startByMessage('legal-escalation', CASE, 'LegalEscalationRequested', { ...caseVariables, ...extra });

  for (const [name, extra, end] of [
    ['an expired limitation period', { limitationExpiresOn: '2025-06-30' }, 'stopped-time-barred'],
    ['a bankruptcy', { bankruptcyStatus: 'FILED' }, 'stopped-bankruptcy'],
    ['an open dispute', { openDispute: true }, 'stopped-open-dispute'],
  ] as const) {
    it(`${name} stops legal escalation before any work`, async () => {
      const legal = await start(extra);
      expect(legal.status).toBe('completed');
      expect(legal.history).toContain(end);
      expect(host.outbox.map((m) => m.name)).toEqual(['LegalEscalationStopped']);
    });
  }

  it('evidence, review, approval (escalated after 2 days), demand letter, 15 days, suit, tracking until closed', async () => {
    const legal = await start();
    await host.complete(
      legal,
      'build-evidence-pack',
      legalAction({ evidence: { contract: true, complete: true } }),
    );
    await host.complete(
      legal,
      'review-case',
      legalAction({ legalReview: { decision: 'NEED_MORE_EVIDENCE' } }),
    );
    expect(host.waitingAt(legal)).toContain('build-evidence-pack');
    await host.complete(
      legal,
      'build-evidence-pack',
      legalAction({ evidence: { contract: true, statements: true, complete: true } }),
    );
    await host.complete(legal, 'review-case', legalAction({ legalReview: { decision: 'PROCEED' } }));
    expect([...legal.tasks.values()][0]).toMatchObject({
      elementId: 'approve-legal-action',
      candidateGroups: ['manager'],
    });

    // The SLA timer escalates but leaves the approval open.
    expect(await host.fireTimer(legal, 'approval-overdue')).toBe('2025-07-03T02:00:00.000Z');
    expect(host.sent.map((s) => s.topic)).toEqual(['notify.sla-breach']);
    expect(host.waitingAt(legal)).toContain('approve-legal-action');

    await host.complete(
      legal,
      'approve-legal-action',
      legalAction({
        managerApproval: {
          decision: 'APPROVED',
          approvedBy: 'u-manager-01',
          approvedAt: '2025-07-03T03:00:00Z',
        },
      }),
    );
    expect(host.sent.map((s) => s.topic)).toContain('letter.demand');
    expect(host.waitingAt(legal)).toEqual([
      'collection-suspended',
      'paid-after-demand',
      'response-period-over',
    ]);
    expect(await host.fireTimer(legal, 'response-period-over')).toBe('2025-07-18T02:00:00.000Z');

    const filed = {
      court: { name: '北京市朝阳区人民法院' },
      courtCaseNumber: '(2025)京0105民初12345号',
      filedOn: '2025-07-20',
    };
    await host.complete(legal, 'file-suit', legalAction({ ...filed, proceedingStatus: 'FILED' }));
    await host.complete(legal, 'track-proceedings', legalAction({ ...filed, proceedingStatus: 'HEARING' }));
    expect(host.waitingAt(legal)).toContain('track-proceedings');
    await host.complete(
      legal,
      'track-proceedings',
      legalAction({ ...filed, proceedingStatus: 'CLOSED', closedReason: 'PAID' }),
    );
    expect(legal.status).toBe('completed');
  });

  it('a payment after the demand letter ends the escalation', async () => {
    const legal = await start();
    await host.complete(legal, 'build-evidence-pack', legalAction());
    await host.complete(legal, 'review-case', legalAction({ legalReview: { decision: 'PROCEED' } }));
    await host.complete(
      legal,
      'approve-legal-action',
      legalAction({
        managerApproval: {
          decision: 'APPROVED',
          approvedBy: 'u-manager-01',
          approvedAt: '2025-07-01T03:00:00Z',
        },
      }),
    );
    await host.message(legal, 'PaymentReceived', { paymentReference: 'P-9', paymentAmount: '10600.00' });
    expect(legal.status).toBe('completed');
    expect(legal.history).toContain('settled-after-demand');
  });
});

describe('(d) dispute handling', () => {
  it('a dispute raised on a call suspends calling until verification is sent, then calling resumes', async () => {
    const soft = await host.start('soft-collection', CASE, caseVariables);
    await host.complete(soft, 'call-debtor', call('RPC_DISPUTE', { disputeSummary: '称已还清部分款项' }));
    expect(host.waitingAt(soft)).toEqual(['collection-resumed', 'dispute-upheld']);
    await host.relay();
    const [dispute] = host.instancesOf('dispute-handling', CASE);
    expect([...dispute!.tasks.values()][0]).toMatchObject({
      elementId: 'review-dispute',
      formKey: 'dispute',
      candidateGroups: ['analyst'],
    });

    await host.complete(dispute!, 'review-dispute', {
      caseNumber: CASE,
      receivedAt: '2025-07-01T02:30:00Z',
      receivedVia: 'CALL',
      form: 'VERBAL',
      grounds: ['WRONG_AMOUNT'],
      claimedAmount: '6000.00',
      disputeOutcome: 'VERIFIED',
      outcomeAt: '2025-07-03T02:00:00Z',
    });
    expect(host.sent.map((s) => s.topic)).toContain('letter.verification');
    expect(dispute!.status).toBe('completed');
    await host.relay();
    expect(host.waitingAt(soft)).toContain('call-debtor');
  });

  it('a written dispute interrupts every collection flow of the case; when it is upheld they all stop', async () => {
    const soft = await host.start('soft-collection', CASE, caseVariables);
    const legal = await host.startByMessage(
      'legal-escalation',
      CASE,
      'LegalEscalationRequested',
      caseVariables,
    );
    const other = await host.start('soft-collection', 'DC-2025-000002', {
      ...caseVariables,
      caseNumber: 'DC-2025-000002',
    });

    const dispute = await host.startByMessage('dispute-handling', CASE, 'DisputeReceived', {});
    await host.relay();
    expect(soft.tasks.size).toBe(0);
    expect(legal.tasks.size).toBe(0);
    expect(host.waitingAt(soft)).toEqual(['collection-resumed', 'dispute-upheld']);
    expect(host.waitingAt(legal)).toEqual(['collection-resumed', 'dispute-upheld']);
    // Another case of the same debtor is not touched.
    expect(host.waitingAt(other)).toContain('call-debtor');

    await host.complete(dispute, 'review-dispute', {
      caseNumber: CASE,
      receivedAt: '2025-07-01T02:30:00Z',
      receivedVia: 'LETTER',
      form: 'WRITTEN',
      grounds: ['NOT_DEBTOR'],
      disputeOutcome: 'UPHELD',
      outcomeAt: '2025-07-05T02:00:00Z',
    });
    await host.relay();
    for (const flow of [soft, legal]) {
      expect(flow.status).toBe('completed');
      expect(flow.history).toContain('closed-dispute-upheld');
    }
  });

  it('a review left pending comes back to the analyst; after 25 days it is escalated', async () => {
    const dispute = await host.startByMessage('dispute-handling', CASE, 'DisputeReceived', {});
    const pending = {
      caseNumber: CASE,
      receivedAt: '2025-07-01T02:30:00Z',
      receivedVia: 'EMAIL',
      form: 'WRITTEN',
      grounds: ['OTHER'],
      groundsDetail: 'Identity theft',
      disputeOutcome: 'PENDING',
    };
    await host.complete(dispute, 'review-dispute', pending);
    expect(host.waitingAt(dispute)).toEqual(['review-dispute', 'review-overdue']);
    expect(await host.fireTimer(dispute, 'review-overdue')).toBe('2025-07-26T02:00:00.000Z');
    expect(host.sent.map((s) => s.topic)).toEqual(['notify.sla-breach']);
    expect(host.waitingAt(dispute)).toEqual(['review-dispute']);
  });
});
