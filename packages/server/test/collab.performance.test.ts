import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeCommission, parseCommissionRule } from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsers, expectProblem, FakeClock, type TestUser } from './collab.support.js';
import { type Body, json, publishForm } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

const FORMS = join(import.meta.dirname, '..', '..', '..', 'definitions', 'forms');
const definition = (key: string) => JSON.parse(readFileSync(join(FORMS, `${key}.form.json`), 'utf8'));

describe('commission rules', () => {
  const tiers = parseCommissionRule({
    tiers: [
      { from: '0', percent: '1' },
      { from: '50000', percent: '2.5' },
      { from: '100000', percent: '4' },
    ],
  });

  it('marginal tiers apply each percent to the part of the amount inside the tier, exactly', () => {
    const result = computeCommission(tiers, '123456.78');
    // 50000 × 1% + 50000 × 2.5% + 23456.78 × 4% = 500 + 1250 + 938.2712
    expect(result.amount).toBe('2688.27');
    expect(result.tiers).toEqual([
      { from: '0', to: '50000', percent: '1', base: '50000.00', amount: '500.00' },
      { from: '50000', to: '100000', percent: '2.5', base: '50000.00', amount: '1250.00' },
      { from: '100000', to: null, percent: '4', base: '23456.78', amount: '938.27' },
    ]);
    expect(computeCommission(tiers, '0').amount).toBe('0.00');
    expect(computeCommission(tiers, '50000').amount).toBe('500.00');
  });

  it('a flat rule pays the reached tier on everything; rounding is half-up on exact decimals', () => {
    const flat = parseCommissionRule({ ...tiers, method: 'flat' });
    expect(computeCommission(flat, '123456.78').amount).toBe('4938.27');
    expect(computeCommission(flat, '49999.99').amount).toBe('500.00');
    // 100.5 × 1% = 1.005: binary floats make it 1.00, the rule says 1.01.
    expect(computeCommission(flat, '100.5').amount).toBe('1.01');
    expect(computeCommission(tiers, '100000.03').amount).toBe('1750.00');
  });

  it('a minimum attainment and a cap limit the commission', () => {
    const limited = parseCommissionRule({ ...tiers, minAttainment: '0.8', cap: '2000' });
    expect(computeCommission(limited, '123456.78', '200000')).toMatchObject({
      amount: '0.00',
      note: 'below_min_attainment',
    });
    expect(computeCommission(limited, '123456.78', '150000')).toMatchObject({
      amount: '2000.00',
      note: 'capped',
    });
    expect(computeCommission(limited, '123456.78', null)).toMatchObject({
      amount: '2000.00',
      note: 'capped',
    });
  });
});

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'targets and performance on %s',
  (_n, backend) => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let app: RunningTestApp;
    let u: Record<string, TestUser>;
    const clock = new FakeClock(new Date('2026-10-20T04:00:00.000Z'));

    const create = async (
      form: string,
      data: Record<string, unknown>,
      extra: Record<string, unknown> = {},
    ) => {
      const res = await app.request(`/api/forms/${form}/records`, {
        method: 'POST',
        as: u['boss.a']!.as,
        json: { data, ownerTeamId: 'team-a', ...extra },
      });
      const body = await json(res);
      expect(res.status, JSON.stringify(body)).toBe(201);
      return body;
    };
    const debtCase = (caseNumber: string, collector: string) => ({
      caseNumber,
      debtorNo: 'D-000123',
      creditor: { name: '某银行' },
      jurisdiction: 'CN',
      currency: 'CNY',
      principal: '100000.00',
      interest: '0',
      fees: '0',
      costs: '0',
      paid: '0',
      dueDate: '2026-01-31',
      stage: 'LATE',
      status: 'OPEN',
      assignedCollectorId: collector,
    });
    const payment = (
      caseNumber: string,
      amount: string,
      receivedAt: string,
      extra: Record<string, unknown> = {},
    ) => ({
      caseNumber,
      amount,
      currency: 'CNY',
      method: 'BANK_TRANSFER',
      receivedAt,
      ...extra,
    });
    const promise = (status: string, collectorId: string, dueDate: string) => ({
      caseNumber: 'CN-2026-000001',
      amount: '1000.00',
      currency: 'CNY',
      dueDate,
      tolerancePct: 100,
      status,
      collectorId,
      ...(status === 'KEPT' ? { paidAmount: '1000.00', paidDate: dueDate } : {}),
    });
    const contact = (outcomeCode: string, agentId: string, occurredAt: string) => ({
      caseNumber: 'CN-2026-000001',
      debtorNo: 'D-000123',
      party: 'DEBTOR',
      channel: 'CALL',
      direction: 'OUTBOUND',
      occurredAt,
      outcomeCode,
      agentId,
    });

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      u = await createUsers(store, [
        { username: 'li.a', role: 'liaison', teamId: 'team-a' },
        { username: 'wang.a', role: 'liaison', teamId: 'team-a' },
        { username: 'zhou.a', role: 'liaison', teamId: 'team-a' },
        { username: 'boss.a', role: 'manager', teamId: 'team-a' },
        { username: 'zhao.b', role: 'liaison', teamId: 'team-b' },
      ]);
      app = await startTestApp(store, { collaboration: { clock } });
      for (const key of ['debt-case', 'payment', 'promise-to-pay', 'contact-attempt']) {
        await publishForm(app, definition(key));
      }
      const li = u['li.a']!.id;
      const wang = u['wang.a']!.id;
      await create('debt-case', debtCase('CN-2026-000001', li));
      await create('debt-case', debtCase('CN-2026-000002', wang));
      // October in Shanghai: 2026-09-30T16:00Z to 2026-10-31T16:00Z.
      await create('payment', payment('CN-2026-000001', '30000.10', '2026-10-05T10:00:00+08:00'));
      await create('payment', payment('CN-2026-000001', '20000.20', '2026-10-31T23:59:00+08:00'));
      await create(
        'payment',
        payment('CN-2026-000001', '777.00', '2026-10-01T00:10:00+08:00', {
          reversed: true,
          reversedAt: '2026-10-02T09:00:00+08:00',
          reversalReason: 'RETURNED',
        }),
      );
      await create('payment', payment('CN-2026-000001', '500.00', '2026-09-30T23:30:00+08:00'));
      await create('payment', payment('CN-2026-000001', '400.00', '2026-11-01T00:30:00+08:00'));
      await create(
        'payment',
        payment('CN-2026-000001', '300.00', '2026-10-06T10:00:00+08:00', { currency: 'USD' }),
      );
      await create('payment', payment('CN-2026-000002', '60000.00', '2026-10-10T09:00:00+08:00'));
      // No case on file: credited to whom the payment is assigned.
      await create('payment', payment('CN-2026-000099', '1000', '2026-10-11T09:00:00+08:00'), {
        assigneeId: u['zhou.a']!.id,
      });
      for (const [status, due] of [
        ['KEPT', '2026-10-03'],
        ['KEPT', '2026-10-17'],
        ['BROKEN', '2026-10-09'],
        ['PENDING', '2026-10-30'],
        ['KEPT', '2026-11-02'],
      ] as const) {
        await create('promise-to-pay', promise(status, li, due));
      }
      await create('contact-attempt', contact('RPC_REFUSED', li, '2026-10-02T10:00:00+08:00'));
      await create('contact-attempt', contact('RPC_HARDSHIP', li, '2026-10-03T10:00:00+08:00'));
      await create('contact-attempt', contact('NO_ANSWER', li, '2026-10-04T10:00:00+08:00'));
      await create('contact-attempt', contact('NO_ANSWER', wang, '2026-10-04T11:00:00+08:00'));
    });
    afterAll(async () => {
      await app?.close();
      await cleanup();
    });

    it('a manager sets monthly targets and the team commission rule; bad ones are refused with the field named', async () => {
      const as = u['boss.a']!.as;
      const put = await app.request('/api/targets', {
        method: 'PUT',
        as,
        json: {
          period: '2026-10',
          targets: [
            { scope: 'user', subjectId: u['li.a']!.id, amount: '100000', currency: 'CNY' },
            { scope: 'team', subjectId: 'team-a', amount: '200000.00' },
          ],
        },
      });
      const body = await json(put);
      expect(put.status, JSON.stringify(body)).toBe(200);
      expect(body.items.map((t: Body) => [t.scope, t.amount, t.currency])).toEqual([
        ['team', '200000.00', 'CNY'],
        ['user', '100000.00', 'CNY'],
      ]);
      const rule = await app.request('/api/teams/team-a/commission-rule', {
        method: 'PUT',
        as,
        json: {
          effectiveFrom: '2026-07',
          rule: {
            tiers: [
              { from: '0', percent: '1' },
              { from: '50000', percent: '2.5' },
            ],
          },
        },
      });
      expect((await json(rule)).effectiveFrom).toBe('2026-07');

      await expectProblem(
        await app.request('/api/targets', { method: 'PUT', as, json: { period: '2026-13', targets: [] } }),
        422,
        'performance.invalid_period',
        '/period',
      );
      await expectProblem(
        await app.request('/api/targets', {
          method: 'PUT',
          as,
          json: { period: '2026-10', targets: [{ scope: 'user', subjectId: u['li.a']!.id, amount: 1000 }] },
        }),
        422,
        'targets.invalid',
        '/targets/0/amount',
      );
      await expectProblem(
        await app.request('/api/targets', {
          method: 'PUT',
          as,
          json: { period: '2026-10', targets: [{ scope: 'team', subjectId: 'team-z', amount: '1' }] },
        }),
        422,
        'targets.unknown_subject',
        '/targets/0/subjectId',
      );
      const invalid = await expectProblem(
        await app.request('/api/teams/team-a/commission-rule', {
          method: 'PUT',
          as,
          json: {
            rule: {
              tiers: [
                { from: '0', percent: 'two' },
                { from: '0', percent: '3' },
              ],
              bonus: 1,
            },
          },
        }),
        422,
        'commission.invalid_rule',
      );
      // Each problem names its field and says which check failed (the editor words it per language).
      expect((invalid as Body).errors.map((e: Body) => [e.pointer, e.keyword])).toEqual([
        ['/rule/bonus', 'unknown'],
        ['/rule/tiers/0/percent', 'decimal'],
        ['/rule/tiers/1/from', 'ascending'],
      ]);
      const firstAndMax = await expectProblem(
        await app.request('/api/teams/team-a/commission-rule', {
          method: 'PUT',
          as,
          json: { rule: { tiers: [{ from: '100', percent: '101' }], cap: '-1' } },
        }),
        422,
        'commission.invalid_rule',
      );
      expect((firstAndMax as Body).errors.map((e: Body) => [e.pointer, e.keyword])).toEqual([
        ['/rule/tiers/0/percent', 'maximum'],
        ['/rule/tiers/0/from', 'first_zero'],
        ['/rule/cap', 'decimal'],
      ]);
      // A refused rule leaves the saved one in place.
      const kept = await json(await app.request('/api/teams/team-a/commission-rules', { as }));
      expect(kept.items.map((r: Body) => r.rule.tiers.length)).toEqual([2]);
      const good = { rule: { tiers: [{ from: '0', percent: '1' }] } };
      await expectProblem(
        await app.request('/api/teams/team-a/commission-rule', {
          method: 'PUT',
          as,
          json: { ...good, effectiveFrom: '2026-7' },
        }),
        422,
        'performance.invalid_period',
        '/effectiveFrom',
      );
      await expectProblem(
        await app.request('/api/teams/team-z/commission-rule', { method: 'PUT', as, json: good }),
        404,
        'teams.not_found',
      );
      await expectProblem(
        await app.request('/api/teams/team-z/commission-rules', { as }),
        404,
        'teams.not_found',
      );
      // A collector may not change the team's commission.
      await expectProblem(
        await app.request('/api/teams/team-a/commission-rule', {
          method: 'PUT',
          as: u['li.a']!.as,
          json: good,
        }),
        403,
        'auth.forbidden',
      );
      const still = await json(await app.request('/api/teams/team-a/commission-rules', { as }));
      expect(still.items.map((r: Body) => r.rule.tiers.length)).toEqual([2]);
      await expectProblem(
        await app.request('/api/targets', { method: 'PUT', as: u['li.a']!.as, json: {} }),
        403,
        'auth.forbidden',
      );
    });

    it("'my performance': collected against target in the business month, promises kept, contacts, rank and commission", async () => {
      const mine = await json(await app.request('/api/performance/me?period=2026-10', { as: u['li.a']!.as }));
      expect(mine).toMatchObject({
        period: '2026-10',
        timeZone: 'Asia/Shanghai',
        teamId: 'team-a',
        teamSize: 4,
      });
      expect(mine.me).toMatchObject({
        userId: u['li.a']!.id,
        collected: { amount: '50000.30', currency: 'CNY', payments: 2 },
        target: { amount: '100000.00', currency: 'CNY' },
        attainment: '0.5000',
        promises: { due: 4, kept: 2, broken: 1, pending: 1, cancelled: 0, keptRate: '0.6667' },
        contacts: { attempts: 3, rightParty: 2 },
        rank: 2,
        // 50000 × 1% + 0.30 × 2.5% = 500.0075
        commission: expect.objectContaining({ amount: '500.01', ruleEffectiveFrom: '2026-07' }),
      });
      // The current month by default (the clock says October 2026).
      expect((await json(await app.request('/api/performance/me', { as: u['li.a']!.as }))).period).toBe(
        '2026-10',
      );
      await expectProblem(
        await app.request('/api/performance/me?period=October', { as: u['li.a']!.as }),
        422,
        'performance.invalid_period',
        '/period',
      );
    });

    it('the team review ranks every member, totals the team against its target and sums commissions', async () => {
      const review = await json(
        await app.request('/api/performance/teams/team-a?period=2026-10', { as: u['boss.a']!.as }),
      );
      expect(
        review.members.map((m: Body) => [m.username, m.collected.amount, m.rank, m.commission?.amount]),
      ).toEqual([
        ['wang.a', '60000.00', 1, '750.00'],
        ['li.a', '50000.30', 2, '500.01'],
        ['zhou.a', '1000.00', 3, '10.00'],
        ['boss.a', '0.00', 4, '0.00'],
      ]);
      expect(review.target).toEqual({ amount: '200000.00', currency: 'CNY' });
      expect(review.totals).toEqual({
        collected: '111000.30',
        payments: 4,
        attainment: '0.5550',
        promisesKept: 2,
        promisesBroken: 1,
        contacts: 4,
        rightPartyContacts: 2,
        commission: '1260.01',
      });
      // September under the same rule: nothing collected yet.
      const september = await json(
        await app.request('/api/performance/teams/team-a?period=2026-09', { as: u['boss.a']!.as }),
      );
      expect(september.totals.collected).toBe('500.00');
      await expectProblem(
        await app.request('/api/performance/teams/team-a', { as: u['li.a']!.as }),
        403,
        'auth.forbidden',
      );
      await expectProblem(
        await app.request('/api/performance/teams/team-nowhere', { as: u['boss.a']!.as }),
        404,
        'teams.not_found',
      );
    });

    it('the preview computes a rule the editor is working on, with the same exact arithmetic', async () => {
      const res = await app.request('/api/commission/preview', {
        method: 'POST',
        as: u['li.a']!.as,
        json: { rule: { method: 'flat', tiers: [{ from: '0', percent: '1' }] }, collected: '100.5' },
      });
      expect(await json(res)).toMatchObject({ amount: '1.01', note: null });
      await expectProblem(
        await app.request('/api/commission/preview', {
          method: 'POST',
          as: u['li.a']!.as,
          json: { rule: { tiers: [{ from: '0', percent: '1' }] }, collected: '1e5' },
        }),
        422,
        'commission.invalid_amount',
        '/collected',
      );
    });
  },
);
