import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Body,
  debtorNoOf,
  FakeClock,
  openCase,
  type PackServer,
  packBackends,
  startPackServer,
} from './support/pack-server.js';

// The debt-collection pack live in the real server: definitions/ loaded at start, the pack's
// handlers running the service tasks, its sink sending and relaying. The clock is the test's:
// 2025-07-01T02:00Z is 10:00 in Shanghai, the case fell due on 2025-06-16.

const TEN_AM_SHANGHAI = '2025-07-01T02:00:00.000Z';

describe.each(packBackends())('the debt-collection pack on the real server ($name)', (backend) => {
  let server: PackServer;
  let clock: FakeClock;
  let next = 1;
  const caseNumber = () => `DC-2025-${String(900_000 + next++).padStart(6, '0')}`;

  beforeAll(async () => {
    clock = new FakeClock(TEN_AM_SHANGHAI);
    server = await startPackServer(backend, { clock });
  });
  afterAll(() => server?.stop());

  const settle = () => server.server.pack.settle();
  const tasksOf = async (businessKey: string, processKey?: string): Promise<Body[]> => {
    const query = new URLSearchParams({ businessKey, scope: 'all', ...(processKey ? { processKey } : {}) });
    const res = await server.api(`/api/tasks?${query}`);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const instancesOf = async (businessKey: string, processKey: string): Promise<Body[]> => {
    const res = await server.api(`/api/instances?${new URLSearchParams({ businessKey, processKey })}`);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const instance = async (id: string): Promise<Body> => (await server.api(`/api/instances/${id}`)).body;
  const outboxOf = (instanceId: string) =>
    server.server.store.transaction((tx) => tx.outbox.forInstance(instanceId), { readOnly: true });
  const complete = async (taskId: string, data: Record<string, unknown>) => {
    const res = await server.api(`/api/tasks/${taskId}/complete`, { method: 'POST', json: { data } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const call = (businessKey: string, outcomeCode: string, extra: Record<string, unknown> = {}) => ({
    caseNumber: businessKey,
    debtorNo: debtorNoOf(businessKey),
    party: 'DEBTOR',
    channel: 'CALL',
    direction: 'OUTBOUND',
    occurredAt: clock.now().toISOString(),
    outcomeCode,
    agentId: 'u-liaison-01',
    ...extra,
  });

  it('the pack is loaded at start: nine forms published, four flows deployed, the teams of definitions/teams.json', async () => {
    const forms = await server.api('/api/forms?limit=50');
    expect(forms.body.items.map((f: Body) => f.key).sort()).toEqual([
      'collector',
      'contact-attempt',
      'debt-case',
      'debtor',
      'dispute',
      'legal-action',
      'payment',
      'payment-plan',
      'promise-to-pay',
    ]);
    const deployments = await server.api('/api/deployments?limit=50');
    expect(deployments.body.items.map((d: Body) => d.processKey).sort()).toEqual([
      'dispute-handling',
      'legal-escalation',
      'promise-to-pay-follow-up',
      'soft-collection',
    ]);
    const teams = await server.server.store.transaction((tx) => tx.teams.list(), { readOnly: true });
    expect(teams.map((t) => t.id)).toEqual(['early-cn', 'legal-cn', 'mid-cn', 'us-collections']);
  });

  it('a new case is aged, scored, routed and put in a strategy arm, which is stored on its case record', async () => {
    clock.set(TEN_AM_SHANGHAI);
    const key = caseNumber();
    const opened = await openCase(server, key);
    await settle();
    const view = await instance(opened.instanceId);
    expect(view.variables).toMatchObject({
      daysPastDue: 15,
      mBucket: 'M1',
      dpdBucket: '1-29',
      team: 'early-cn',
    });
    expect(['champion', 'sms-first']).toContain(view.variables.strategyArm);
    expect(view.variables.strategyParameters.graceDays).toBe(
      view.variables.strategyArm === 'champion' ? 3 : 5,
    );
    const record = await server.api(`/api/records/${opened.caseRecordId}`);
    expect(record.body.data).toMatchObject({ strategyArm: view.variables.strategyArm, team: 'early-cn' });
    expect(record.body.ownerTeamId).toBe('early-cn');
    const [task] = await tasksOf(key);
    expect(task).toMatchObject({
      elementId: 'call-debtor',
      formKey: 'contact-attempt',
      candidateGroups: ['liaison'],
    });
  });

  it('the reminder is texted within contact hours: written to the outbox and marked sent by the default sender', async () => {
    clock.set(TEN_AM_SHANGHAI);
    const key = caseNumber();
    const opened = await openCase(server, key);
    await settle();
    const [sms] = await outboxOf(opened.instanceId).then((all) => all.filter((m) => m.kind === 'sms'));
    expect(sms).toMatchObject({ name: 'notify.payment-reminder', dispatchedAt: new Date(TEN_AM_SHANGHAI) });
    expect(sms!.payload).toMatchObject({
      channel: 'SMS',
      to: '13800138000',
      locale: 'zh-CN',
      caseNumber: key,
    });
    expect(String(sms!.payload.body)).toContain('10600.00');
    const view = await instance(opened.instanceId);
    expect(view.variables.lastOutbound).toMatchObject({ status: 'QUEUED', channel: 'SMS' });
    expect(view.variables.reminderSentAt).toBe(TEN_AM_SHANGHAI);
  });

  it('an SMS at 23:00 debtor time is deferred to 08:00', async () => {
    clock.set('2025-07-01T15:00:00.000Z'); // 23:00 in Shanghai
    const key = caseNumber();
    const opened = await openCase(server, key);
    await settle();
    const view = await instance(opened.instanceId);
    expect(view.variables.lastOutbound).toMatchObject({
      status: 'DEFERRED',
      until: '2025-07-02T00:00:00.000Z',
      code: 'contact_hours.outside_window',
    });
    expect(view.variables.reminderSentAt).toBeNull();
    // The call task is still offered: the liaison sees it, and the contact-attempt form asks for a
    // reason when a call is logged outside the hours.
    expect((await tasksOf(key)).map((t) => t.elementId)).toEqual(['call-debtor']);

    const sms = async () => (await outboxOf(opened.instanceId)).find((m) => m.kind === 'sms')!;
    expect((await sms()).dispatchedAt).toBeNull();
    clock.set('2025-07-01T23:59:00.000Z'); // 07:59
    await settle();
    expect((await sms()).dispatchedAt).toBeNull();
    clock.set('2025-07-02T00:00:00.000Z'); // 08:00
    await settle();
    expect((await sms()).dispatchedAt).toEqual(new Date('2025-07-02T00:00:00.000Z'));
  });

  it('a debtor in bankruptcy gets no reminder: the send is blocked and nothing reaches the outbox', async () => {
    clock.set(TEN_AM_SHANGHAI);
    const key = caseNumber();
    const opened = await openCase(server, key, {
      bankruptcy: { status: 'FILED', caseNumber: '(2025)京01破1号', filedOn: '2025-06-20' },
    });
    await settle();
    const view = await instance(opened.instanceId);
    expect(view.variables.lastOutbound).toMatchObject({
      status: 'BLOCKED',
      code: 'do_not_contact.bankruptcy',
    });
    expect(view.variables.lastOutbound.reason['zh-CN']).toBe('债务人处于破产程序中');
    expect((await outboxOf(opened.instanceId)).filter((m) => m.kind !== 'message')).toEqual([]);
  });

  it('a debtor without SMS consent and without e-mail is not texted', async () => {
    clock.set(TEN_AM_SHANGHAI);
    const key = caseNumber();
    const opened = await openCase(server, key, {
      phones: [{ number: '13800138001', kind: 'MOBILE', status: 'VALID', smsConsent: false, primary: true }],
    });
    await settle();
    expect((await instance(opened.instanceId)).variables.lastOutbound).toMatchObject({
      status: 'BLOCKED',
      code: 'contact_point.none',
    });
  });

  it('a promise on the call starts the promise follow-up, with the grace period of the case’s arm', async () => {
    clock.set(TEN_AM_SHANGHAI);
    const key = caseNumber();
    const opened = await openCase(server, key);
    await settle();
    const [task] = await tasksOf(key);
    const promise = { amount: '1000.00', currency: 'CNY', dueDate: '2025-07-05', tolerancePct: 90 };
    await complete(task!.id, call(key, 'RPC_PTP', { promise }));
    await settle();
    expect((await instance(opened.instanceId)).instance.status).toBe('completed');
    const [follow] = await instancesOf(key, 'promise-to-pay-follow-up');
    const view = await instance(follow!.id);
    const grace = view.variables.strategyParameters.graceDays as number;
    expect(view.variables).toMatchObject({
      promise,
      promiseReminderAt: '2025-07-04T01:00:00.000Z',
      // The end of the due date plus the grace days, in Shanghai.
      promiseDeadline: new Date(Date.parse('2025-07-05T16:00:00.000Z') + grace * 86_400_000).toISOString(),
    });
  });

  it('a broken promise creates a follow-up task for the liaison', async () => {
    clock.set(TEN_AM_SHANGHAI);
    const key = caseNumber();
    await openCase(server, key);
    await settle();
    const [task] = await tasksOf(key);
    const promise = {
      amount: '1000.00',
      currency: 'CNY',
      dueDate: '2025-07-05',
      tolerancePct: 90,
      graceDays: 3,
    };
    await complete(task!.id, call(key, 'RPC_PTP', { promise }));
    await settle();
    const [follow] = await instancesOf(key, 'promise-to-pay-follow-up');

    clock.set('2025-07-04T01:00:00.000Z'); // the reminder, the day before at 09:00
    await settle();
    const reminders = (await outboxOf(follow!.id)).filter((m) => m.name === 'notify.promise-reminder');
    expect(reminders).toHaveLength(1);

    clock.set('2025-07-08T16:00:00.000Z'); // the deadline: the end of the third grace day
    await settle();
    const view = await instance(follow!.id);
    expect(view.variables).toMatchObject({ promiseStatus: 'BROKEN', brokenPromises: 1 });
    const [followUp] = await tasksOf(key, 'promise-to-pay-follow-up');
    expect(followUp).toMatchObject({
      elementId: 'follow-up-broken-promise',
      formKey: 'contact-attempt',
      candidateGroups: ['liaison'],
    });
  });

  it('a payment of 90% of the promise, reported as a message, keeps it', async () => {
    clock.set(TEN_AM_SHANGHAI);
    const key = caseNumber();
    await openCase(server, key);
    await settle();
    const [task] = await tasksOf(key);
    const promise = {
      amount: '1000.00',
      currency: 'CNY',
      dueDate: '2025-07-05',
      tolerancePct: 90,
      graceDays: 3,
    };
    await complete(task!.id, call(key, 'RPC_PTP', { promise }));
    await settle();
    const paid = await server.api('/api/messages', {
      method: 'POST',
      json: {
        name: 'PaymentReceived',
        businessKey: key,
        payload: {
          paymentReference: `PAY-${key}`,
          paymentAmount: '900.00',
          paymentReceivedAt: TEN_AM_SHANGHAI,
        },
      },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    await settle();
    const [follow] = await instancesOf(key, 'promise-to-pay-follow-up');
    expect(follow!.status).toBe('completed');
    expect((await instance(follow!.id)).variables).toMatchObject({
      promiseStatus: 'KEPT',
      promisePaidTotal: '900.00',
    });
  });

  it('a dispute raised on a call suspends calling; the verification letter still goes out, and calling resumes', async () => {
    clock.set(TEN_AM_SHANGHAI);
    const key = caseNumber();
    const opened = await openCase(server, key);
    await settle();
    const [task] = await tasksOf(key);
    await complete(task!.id, call(key, 'RPC_DISPUTE', { disputeSummary: '称已还清部分款项' }));
    await settle();
    const soft = await instance(opened.instanceId);
    expect(soft.instance.activeElementIds).toEqual(
      expect.arrayContaining(['collection-resumed', 'dispute-upheld']),
    );
    const [review] = await tasksOf(key, 'dispute-handling');
    expect(review).toMatchObject({ elementId: 'review-dispute', candidateGroups: ['analyst'] });

    clock.set('2025-07-03T02:00:00.000Z');
    await complete(review!.id, {
      caseNumber: key,
      receivedAt: TEN_AM_SHANGHAI,
      receivedVia: 'CALL',
      form: 'VERBAL',
      grounds: ['WRONG_AMOUNT'],
      claimedAmount: '6000.00',
      disputeOutcome: 'VERIFIED',
      outcomeAt: '2025-07-03T02:00:00Z',
    });
    await settle();
    const [dispute] = await instancesOf(key, 'dispute-handling');
    const letters = (await outboxOf(dispute!.id)).filter((m) => m.kind === 'letter');
    expect(letters.map((l) => l.name)).toEqual(['letter.verification']);
    expect((await tasksOf(key, 'soft-collection')).map((t) => t.elementId)).toEqual(['call-debtor']);
  });

  it('a written dispute interrupts the case’s promise follow-up until it is decided', async () => {
    clock.set(TEN_AM_SHANGHAI);
    const key = caseNumber();
    await openCase(server, key);
    await settle();
    const [task] = await tasksOf(key);
    const promise = {
      amount: '1000.00',
      currency: 'CNY',
      dueDate: '2025-07-05',
      tolerancePct: 90,
      graceDays: 3,
    };
    await complete(task!.id, call(key, 'RPC_PTP', { promise }));
    await settle();
    const received = await server.api('/api/messages', {
      method: 'POST',
      json: {
        name: 'DisputeReceived',
        businessKey: key,
        payload: { caseNumber: key, receivedVia: 'LETTER', disputeForm: 'WRITTEN' },
      },
    });
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    await settle();
    const [follow] = await instancesOf(key, 'promise-to-pay-follow-up');
    const view = await instance(follow!.id);
    expect(view.instance.activeElementIds).toEqual(
      expect.arrayContaining(['collection-resumed', 'dispute-upheld']),
    );
    expect(view.instance.activeElementIds).not.toContain('reminder-due');
  });
  describe('the runtime enforces the contact rules on contact tasks', () => {
    const callTask = async (key: string) => {
      await settle();
      const task = (await tasksOf(key, 'soft-collection')).find((t) => t.elementId === 'call-debtor');
      expect(task, 'a call task').toBeDefined();
      // The flow names its steps in both languages (name@zh-CN in the BPMN).
      expect(task).toMatchObject({ name: 'Call debtor', names: { 'zh-CN': '致电债务人' } });
      return task!;
    };

    it('a contact task of a debtor who asked us to stop cannot be claimed, and stays open for the flow', async () => {
      clock.set(TEN_AM_SHANGHAI);
      const key = caseNumber();
      await openCase(server, key, { doNotContact: [{ reason: 'CEASE_REQUEST', since: '2025-06-30' }] });
      const task = await callTask(key);
      const refused = await server.api(`/api/tasks/${task.id}/claim`, { method: 'POST', json: {} });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'collection.contact_blocked',
        errors: [{ keyword: 'do_not_contact.cease_request' }],
      });
      expect(refused.body.detail).toContain('债务人要求停止联系');
      expect((await server.api(`/api/tasks/${task.id}`)).body).toMatchObject({
        status: 'open',
        claimedBy: null,
      });
      // Recording the contact is refused too, unless the debtor called in.
      const outbound = await server.api(`/api/tasks/${task.id}/complete`, {
        method: 'POST',
        json: { data: call(key, 'NO_ANSWER') },
      });
      expect(outbound.status).toBe(409);
      expect(outbound.body.code).toBe('collection.contact_blocked');
      await complete(task.id, call(key, 'CEASE_REQUEST', { direction: 'INBOUND' }));
    });

    it('a call logged outside the debtor’s contact hours needs a reason; with one it completes', async () => {
      clock.set(TEN_AM_SHANGHAI);
      const key = caseNumber();
      await openCase(server, key);
      const task = await callTask(key);
      expect((await server.api(`/api/tasks/${task.id}/claim`, { method: 'POST', json: {} })).status).toBe(
        200,
      );
      const late = call(key, 'NO_ANSWER', { occurredAt: '2025-07-01T14:30:00.000Z' }); // 22:30 in Shanghai
      const refused = await server.api(`/api/tasks/${task.id}/complete`, {
        method: 'POST',
        json: { data: late },
      });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'collection.outside_contact_hours' });
      expect(refused.body.errors[0]).toMatchObject({ pointer: '/outsideHoursReason' });
      expect((await server.api(`/api/tasks/${task.id}`)).body.status).toBe('open');
      await complete(task.id, {
        ...late,
        outsideContactHours: true,
        outsideHoursReason: 'debtor asked to be called after work',
      });
    });
  });

  describe('before a liaison dials: POST /api/collection/contact-checks', () => {
    const check = async (caseNumber: string, extra: Record<string, unknown> = {}) => {
      const res = await server.api('/api/collection/contact-checks', {
        method: 'POST',
        json: { caseNumber, channel: 'CALL', ...extra },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };

    it('a fourth connected call to a CN debtor on one day is deferred to 08:00 the next morning', async () => {
      clock.set('2025-07-01T06:00:00.000Z'); // 14:00 in Shanghai
      const key = caseNumber();
      await openCase(server, key);
      expect((await check(key)).decision).toEqual({ outcome: 'allowed' });
      for (const hour of ['01', '03', '05']) {
        const logged = await server.api('/api/forms/contact-attempt/records', {
          method: 'POST',
          json: {
            data: call(key, 'RPC_CALLBACK', {
              occurredAt: `2025-07-01T${hour}:10:00Z`,
              callbackAt: '2025-07-01T08:00:00Z',
            }),
          },
        });
        expect(logged.status, JSON.stringify(logged.body)).toBe(201);
      }
      const answer = await check(key);
      expect(answer.decision).toMatchObject({
        outcome: 'deferred',
        code: 'frequency.connected_calls_per_day',
        until: '2025-07-02T00:00:00.000Z',
      });
      expect(answer.decision.reason.en).toBe('3 connected calls today (at most 3 a day)');
    });

    it('a call at 22:30 debtor time is deferred to 08:00', async () => {
      clock.set(TEN_AM_SHANGHAI);
      const key = caseNumber();
      await openCase(server, key);
      const answer = await check(key, { at: '2025-07-01T14:30:00.000Z' });
      expect(answer.decision).toMatchObject({
        outcome: 'deferred',
        code: 'contact_hours.outside_window',
        until: '2025-07-02T00:00:00.000Z',
      });
    });

    it('a debtor who asked us to stop is not called, and the reason is given in both languages', async () => {
      clock.set(TEN_AM_SHANGHAI);
      const key = caseNumber();
      await openCase(server, key, { doNotContact: [{ reason: 'CEASE_REQUEST', since: '2025-06-30' }] });
      const answer = await check(key);
      expect(answer.decision).toMatchObject({ outcome: 'blocked', code: 'do_not_contact.cease_request' });
      expect(answer.decision.reason['zh-CN']).toBe('债务人要求停止联系');
    });

    it('is in the OpenAPI document, and needs a logged-in user', async () => {
      const doc = await fetch(`${server.url}/api/openapi.json`).then((r) => r.json());
      expect(doc.paths['/api/collection/contact-checks'].post.operationId).toBe('checkContact');
      const anonymous = await fetch(`${server.url}/api/collection/contact-checks`, { method: 'POST' });
      expect(anonymous.status).toBe(401);
    });
  });
});
