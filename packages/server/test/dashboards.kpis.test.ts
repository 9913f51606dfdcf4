import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Permission } from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Body, json } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp, testActor } from './support/test-app.js';

const root = join(import.meta.dirname, '..', '..', '..', 'definitions');
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const admin = testActor();

/**
 * The built-in KPI dashboards (definitions/dashboards) against a small fixture whose answers were
 * worked out by hand. The period is June 2025 in Asia/Shanghai (the dashboards' zone); the
 * previous period is May. Money is CNY unless said otherwise (the currency filter defaults to CNY).
 *
 * Collectors (role, team, active, monthly target, hourly cost):
 *   u-a1 liaison early-cn yes 10000.00 60.00 | u-a2 liaison early-cn yes 5000.00 40.00
 *   u-b1 liaison mid-cn   yes  8000.00 50.00 | u-m1 manager early-cn yes 99999.00 (not a collector target)
 *   u-b2 liaison mid-cn   no   7000.00 (inactive: no target)
 *   targets: early-cn 10000 + 5000 = 15000.00, mid-cn 8000.00, all 23000.00
 *
 * Cases (team, collector, arm, totalDue, paid, dueDate, status / closed; the recorded DPD bucket):
 *   C1 early-cn u-a1 champion  1000.00  300.00 2025-04-20 OPEN (42 DPD on 1 June: 30-59)
 *   C2 early-cn u-a2 sms-first 2000.00 2000.00 2025-05-10 SETTLED 2025-06-15 PAID_IN_FULL (22 DPD: 1-29)
 *   C3 mid-cn   u-b1 champion  4000.00    0    2025-03-20 OPEN (73 DPD: 60-89)
 *   C4 mid-cn   u-b1 champion  3000.00  500.00 2025-04-25 SETTLED 2025-05-20 SETTLED
 *   C5 early-cn u-a1 champion   500.00  100.00 2025-05-05 OPEN, in USD
 *   C6 early-cn u-a2 sms-first 1500.00    0    2025-06-10 OPEN (not yet due on 1 June)
 *   CNY placed: 1000 + 2000 + 4000 + 3000 + 1500 = 11500.00; CNY paid: 300 + 2000 + 500 = 2800.00
 *
 * Payments (case, amount, received; Shanghai is UTC+8):
 *   P1 C1 100.00 06-05 | P2 C1 200.00 2025-05-31T17:00Z = 1 June 01:00 in Shanghai: June
 *   P3 C2 2000.00 06-15 | P4 C4 500.00 05-20 (May) | P5 C1 50.00 06-10 reversed
 *   P6 C5 100.00 USD 06-07 | P7 C3 400.00 2025-06-30T17:00Z = 1 July in Shanghai
 *   June collected: 100 + 200 + 2000 = 2300.00; May: 500.00
 *
 * Contact attempts (case, agent, day, outcome, seconds):
 *   A1 C1 u-a1 06-02 RPC_PTP 600 | A2 C1 u-a1 06-03 NO_ANSWER 30 | A3 C3 u-b1 06-04 RPC_REFUSED 300
 *   A4 C3 u-b1 06-05 THIRD_PARTY 120 | A5 C2 u-a2 06-06 RPC_PTP 900 | A6 C2 u-a2 05-15 RPC_CALLBACK 240
 *   A7 C6 u-a2 06-08 CEASE_REQUEST 60 (a right-party outcome)
 *   June: 6 attempts, 4 right-party (A1 A3 A5 A7), 2 promises (A1 A5); May: 1 attempt, 1 right-party, 0 promises
 *
 * Promises (case, collector, due, status): PR1 C1 u-a1 06-10 KEPT | PR2 C2 u-a2 06-20 BROKEN |
 *   PR3 C3 u-b1 06-25 PENDING | PR4 C6 u-a2 05-28 KEPT | PR5 C1 u-a1 06-28 BROKEN
 */
describe.each(testBackends().map((b) => [b.name, b] as const))(
  'built-in KPI dashboards on %s',
  (_n, backend) => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let app: RunningTestApp;
    const june = 'from=2025-06-01&to=2025-06-30';

    const record = async (form: string, data: Record<string, unknown>, ownerTeamId: string) => {
      const res = await app.request(`/api/forms/${form}/records`, {
        method: 'POST',
        json: { data, ownerTeamId },
      });
      expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
    };
    const collector = (
      userId: string,
      role: string,
      team: string,
      active: boolean,
      target: string,
      cost = '50.00',
    ) =>
      record(
        'collector',
        {
          userId,
          name: userId,
          role,
          team,
          active,
          currency: 'CNY',
          monthlyTarget: target,
          hourlyCost: cost,
        },
        team,
      );
    const debtCase = (
      n: number,
      team: string,
      assignedCollectorId: string,
      strategyArm: string,
      principal: string,
      paid: string,
      dueDate: string,
      extra: Record<string, unknown> = {},
    ) =>
      record(
        'debt-case',
        {
          caseNumber: `DC-2025-00000${n}`,
          debtorNo: `DB-000${n}`,
          debtorName: `债务人${n}`,
          jurisdiction: 'CN',
          creditor: { name: '某银行' },
          currency: 'CNY',
          principal,
          interest: '0',
          fees: '0',
          costs: '0',
          paid,
          dueDate,
          stage: 'MID',
          status: 'OPEN',
          team,
          assignedCollectorId,
          strategyArm,
          ...extra,
        },
        team,
      );
    const payment = (
      n: number,
      caseN: number,
      amount: string,
      receivedAt: string,
      team: string,
      extra = {},
    ) =>
      record(
        'payment',
        {
          caseNumber: `DC-2025-00000${caseN}`,
          reference: `PAY-${n}`,
          amount,
          currency: 'CNY',
          method: 'BANK_TRANSFER',
          receivedAt,
          ...extra,
        },
        team,
      );
    const contact = (
      caseN: number,
      agentId: string,
      occurredAt: string,
      outcomeCode: string,
      seconds: number,
      team: string,
    ) =>
      record(
        'contact-attempt',
        {
          caseNumber: `DC-2025-00000${caseN}`,
          debtorNo: `DB-000${caseN}`,
          party: outcomeCode === 'THIRD_PARTY' ? 'THIRD_PARTY' : 'DEBTOR',
          ...(outcomeCode === 'THIRD_PARTY' ? { thirdPartyRelation: 'SPOUSE' } : {}),
          channel: 'CALL',
          direction: 'OUTBOUND',
          occurredAt,
          durationSeconds: seconds,
          outcomeCode,
          ...(outcomeCode === 'RPC_PTP'
            ? { promise: { amount: '100.00', currency: 'CNY', dueDate: '2025-06-30' } }
            : {}),
          ...(outcomeCode === 'RPC_CALLBACK' ? { callbackAt: '2025-05-16T02:00:00Z' } : {}),
          agentId,
        },
        team,
      );
    const promise = (caseN: number, collectorId: string, dueDate: string, status: string, team: string) =>
      record(
        'promise-to-pay',
        {
          caseNumber: `DC-2025-00000${caseN}`,
          amount: '100.00',
          currency: 'CNY',
          dueDate,
          tolerancePct: 90,
          status,
          collectorId,
          ...(status === 'KEPT' ? { paidAmount: '100.00', paidDate: dueDate } : {}),
        },
        team,
      );

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      app = await startTestApp(store, { dashboards: { now: () => new Date('2025-06-20T04:00:00Z') } });
      // Forms, dashboards and their storage through the services: the slow storage build must not
      // leave an idle keep-alive connection for the first record request to race the server on.
      for (const form of ['collector', 'debt-case', 'payment', 'contact-attempt', 'promise-to-pay']) {
        await app.registry.createForm(readJson(`forms/${form}.form.json`), admin, 'en');
        await app.registry.publish(form, {}, admin, 'en');
      }
      for (const file of ['collection-kpis', 'portfolio-strategy']) {
        const text = readFileSync(join(root, 'dashboards', `${file}.dashboard.json`), 'utf8');
        const seeded = await app.dashboards.seed(
          JSON.parse(text),
          createHash('sha256').update(text).digest('hex'),
        );
        expect(seeded.outcome).toBe('created');
      }
      // The typed projections exist before the records: every record below reaches them through
      // the trigger, and the numbers are read from them.
      const storage = await app.dashboards.ensureIndexes();
      expect(storage.projections.built).toHaveLength(5);
      await collector('u-a1', 'liaison', 'early-cn', true, '10000.00', '60.00');
      await collector('u-a2', 'liaison', 'early-cn', true, '5000.00', '40.00');
      await collector('u-b1', 'liaison', 'mid-cn', true, '8000.00', '50.00');
      await collector('u-m1', 'manager', 'early-cn', true, '99999.00');
      await collector('u-b2', 'liaison', 'mid-cn', false, '7000.00');
      const bucket = (dpdBucket: string) => ({ dpdBucket });
      const settled = (closedOn: string, closeReason: string) => ({
        status: 'SETTLED',
        closedOn,
        closeReason,
        dpdBucket: 'CURRENT',
      });
      await debtCase(1, 'early-cn', 'u-a1', 'champion', '1000.00', '300.00', '2025-04-20', bucket('30-59'));
      await debtCase(
        2,
        'early-cn',
        'u-a2',
        'sms-first',
        '2000.00',
        '2000.00',
        '2025-05-10',
        settled('2025-06-15', 'PAID_IN_FULL'),
      );
      await debtCase(3, 'mid-cn', 'u-b1', 'champion', '4000.00', '0', '2025-03-20', bucket('60-89'));
      await debtCase(
        4,
        'mid-cn',
        'u-b1',
        'champion',
        '3000.00',
        '500.00',
        '2025-04-25',
        settled('2025-05-20', 'SETTLED'),
      );
      await debtCase(5, 'early-cn', 'u-a1', 'champion', '500.00', '100.00', '2025-05-05', {
        currency: 'USD',
        ...bucket('1-29'),
      });
      await debtCase(6, 'early-cn', 'u-a2', 'sms-first', '1500.00', '0', '2025-06-10', bucket('1-29'));
      await payment(1, 1, '100.00', '2025-06-05T02:00:00Z', 'early-cn', { payerName: '张三' });
      await payment(2, 1, '200.00', '2025-05-31T17:00:00Z', 'early-cn');
      await payment(3, 2, '2000.00', '2025-06-15T03:00:00Z', 'early-cn');
      await payment(4, 4, '500.00', '2025-05-20T02:00:00Z', 'mid-cn');
      await payment(5, 1, '50.00', '2025-06-10T02:00:00Z', 'early-cn', {
        reversed: true,
        reversedAt: '2025-06-11T02:00:00Z',
        reversalReason: 'RETURNED',
      });
      await payment(6, 5, '100.00', '2025-06-07T02:00:00Z', 'early-cn', { currency: 'USD' });
      await payment(7, 3, '400.00', '2025-06-30T17:00:00Z', 'mid-cn');
      await contact(1, 'u-a1', '2025-06-02T02:00:00Z', 'RPC_PTP', 600, 'early-cn');
      await contact(1, 'u-a1', '2025-06-03T02:00:00Z', 'NO_ANSWER', 30, 'early-cn');
      await contact(3, 'u-b1', '2025-06-04T02:00:00Z', 'RPC_REFUSED', 300, 'mid-cn');
      await contact(3, 'u-b1', '2025-06-05T02:00:00Z', 'THIRD_PARTY', 120, 'mid-cn');
      await contact(2, 'u-a2', '2025-06-06T02:00:00Z', 'RPC_PTP', 900, 'early-cn');
      await contact(2, 'u-a2', '2025-05-15T02:00:00Z', 'RPC_CALLBACK', 240, 'early-cn');
      await contact(6, 'u-a2', '2025-06-08T02:00:00Z', 'CEASE_REQUEST', 60, 'early-cn');
      await promise(1, 'u-a1', '2025-06-10', 'KEPT', 'early-cn');
      await promise(2, 'u-a2', '2025-06-20', 'BROKEN', 'early-cn');
      await promise(3, 'u-b1', '2025-06-25', 'PENDING', 'mid-cn');
      await promise(6, 'u-a2', '2025-05-28', 'KEPT', 'early-cn');
      await promise(1, 'u-a1', '2025-06-28', 'BROKEN', 'early-cn');
    });
    afterAll(async () => {
      await app?.close();
      await cleanup();
    });

    const dashboard = async (key: string, query: string, as?: Parameters<RunningTestApp['request']>[1]) => {
      const res = await app.request(`/api/dashboards/${key}/data?${query}`, as);
      const body = await json(res);
      expect(res.status, JSON.stringify(body)).toBe(200);
      const widgets = new Map<string, Body>((body.widgets as Body[]).map((w) => [w.id, w]));
      for (const w of widgets.values())
        expect(w.error, `${w.id}: ${JSON.stringify(w.error)}`).toBeUndefined();
      return { body, widgets };
    };
    /** The rows of a widget as objects keyed by column id. */
    const rows = (widget: Body | undefined) =>
      (widget!.rows as unknown[][]).map((row) =>
        Object.fromEntries((widget!.columns as Body[]).map((c, i) => [c.id, row[i]])),
      );

    it('the period defaults to this month in the dashboard zone, and the previous period is last month', async () => {
      const { body } = await dashboard('collection-kpis', '');
      // The pinned clock is 20 June 2025 12:00 in Shanghai.
      expect(body.filters).toEqual({
        timeZone: 'Asia/Shanghai',
        period: { from: '2025-06-01', to: '2025-06-30' },
        previousPeriod: { from: '2025-05-01', to: '2025-05-31' },
        values: { currency: ['CNY'] },
      });
    });

    it('collected against target, liquidation and recovery rates', async () => {
      const { widgets } = await dashboard('collection-kpis', june);
      // Collected: P1 100.00 + P2 200.00 + P3 2000.00 = 2300.00 (P5 reversed, P6 USD, P7 in July).
      // Target: 10000.00 + 5000.00 + 8000.00 = 23000.00; attainment 2300 / 23000 = 0.1.
      // May: P4 500.00; change 2300.00 − 500.00 = 1800.00, i.e. 1800 / 500 = 3.6 up.
      expect(widgets.get('collected')!.kpi).toEqual({
        value: '2300.00',
        target: '23000.00',
        attainment: '0.100000',
        previous: '500.00',
        change: '1800.00',
        changeRatio: '3.600000',
      });
      expect(widgets.get('target-attainment')!.kpi).toMatchObject({ value: '0.100000', target: '1' });
      // Liquidation: 2300.00 / 11500.00 placed = 0.2; May 500 / 11500 = 0.0434782… → 0.043478;
      // change 0.200000 − 0.043478 = 0.156522; 0.156522 / 0.043478 = 3.6000276… → 3.600028.
      expect(widgets.get('liquidation-rate')!.kpi).toEqual({
        value: '0.200000',
        previous: '0.043478',
        change: '0.156522',
        changeRatio: '3.600028',
      });
      // Recovery: paid 2800.00 / total due 11500.00 = 0.2434782… → 0.243478 (all time: no comparison).
      expect(widgets.get('recovery-rate')!.kpi).toEqual({ value: '0.243478' });
      expect(rows(widgets.get('recovery-rate'))).toEqual([
        { paid: '2800.00', totalDue: '11500.00', recovery: '0.243478' },
      ]);
    });

    it('PTP rate, PTP kept rate and right-party-contact rate', async () => {
      const { widgets } = await dashboard('collection-kpis', june);
      // PTP rate: 2 promises (A1, A5) / 4 right-party contacts (A1, A3, A5, A7) = 0.5; May 0 / 1 = 0;
      // the change ratio has no base (previous is 0).
      expect(widgets.get('ptp-rate')!.kpi).toEqual({
        value: '0.500000',
        previous: '0.000000',
        change: '0.500000',
        changeRatio: null,
      });
      // Kept rate: PR1 kept of PR1, PR2, PR5 decided (PR3 still pending) = 1 / 3; May PR4: 1 / 1.
      expect(widgets.get('ptp-kept-rate')!.kpi).toEqual({
        value: '0.333333',
        previous: '1.000000',
        change: '-0.666667',
        changeRatio: '-0.666667',
      });
      // RPC rate: 4 right-party / 6 attempts = 0.666667; May 1 / 1; change −0.333333 (a third down).
      expect(widgets.get('rpc-rate')!.kpi).toEqual({
        value: '0.666667',
        previous: '1.000000',
        change: '-0.333333',
        changeRatio: '-0.333333',
      });
      // Funnel: 6 attempts → 4 right-party → 2 promises → 1 promise due in June and kept (PR1).
      expect(rows(widgets.get('ptp-funnel'))).toEqual([{ attempts: 6, rightParty: 4, promises: 2, kept: 1 }]);
      expect(rows(widgets.get('outcome-mix'))).toEqual([
        { outcome: 'CEASE_REQUEST', attempts: 1 },
        { outcome: 'NO_ANSWER', attempts: 1 },
        { outcome: 'RPC_PTP', attempts: 2 },
        { outcome: 'RPC_REFUSED', attempts: 1 },
        { outcome: 'THIRD_PARTY', attempts: 1 },
      ]);
    });

    it('cure rate and cost to collect', async () => {
      const { widgets } = await dashboard('collection-kpis', june);
      // Past due and open on 1 June: C1, C2 (closed 15 June), C3, C5 (USD counts: no money here) = 4;
      // cured in June: C2 → 1 / 4. May: C1, C3, C4 = 3, cured C4 (20 May, SETTLED) → 1 / 3 = 0.333333;
      // change 0.250000 − 0.333333 = −0.083333; −0.083333 / 0.333333 = −0.2499992… → −0.249999.
      expect(widgets.get('cure-rate')!.kpi).toEqual({
        value: '0.250000',
        previous: '0.333333',
        change: '-0.083333',
        changeRatio: '-0.249999',
      });
      // Contact cost in June: (600 × 60 + 30 × 60 + 300 × 50 + 120 × 50 + 900 × 40 + 60 × 40) / 3600
      //   = 97200 / 3600 = 27.000000; ÷ 2300.00 collected = 0.0117391… → 0.011739.
      // May: 240 × 40 / 3600 = 2.666667; ÷ 500.00 = 0.0053333… → 0.005333;
      // change 0.006406; 0.006406 / 0.005333 = 1.2012001… → 1.201200.
      expect(widgets.get('cost-to-collect')!.kpi).toEqual({
        value: '0.011739',
        previous: '0.005333',
        change: '0.006406',
        changeRatio: '1.201200',
      });
      expect(rows(widgets.get('cost-to-collect'))).toEqual([
        { cost: '27.000000', collected: '2300.00', costToCollect: '0.011739' },
      ]);
    });

    it('collected per day, per collector and per team against monthly targets', async () => {
      const { widgets } = await dashboard('collection-kpis', june);
      // P2 falls on 1 June in Shanghai although it is 31 May in UTC.
      expect(rows(widgets.get('collected-by-day'))).toEqual([
        { day: '2025-06-01', collected: '200.00' },
        { day: '2025-06-05', collected: '100.00' },
        { day: '2025-06-15', collected: '2000.00' },
      ]);
      // u-a2: P3 2000 of 5000 = 0.4; u-a1: P1 + P2 = 300 of 10000 = 0.03; u-b1: nothing of 8000.
      expect(rows(widgets.get('collected-by-collector'))).toEqual([
        { collector: 'u-a2', collected: '2000.00', target: '5000.00', attainment: '0.400000' },
        { collector: 'u-a1', collected: '300.00', target: '10000.00', attainment: '0.030000' },
        { collector: 'u-b1', collected: '0', target: '8000.00', attainment: '0.000000' },
      ]);
      // early-cn: 2300 of 15000 = 0.1533333… → 0.153333; mid-cn: nothing of 8000.
      expect(rows(widgets.get('collected-by-team'))).toEqual([
        { team: 'early-cn', collected: '2300.00', target: '15000.00', attainment: '0.153333' },
        { team: 'mid-cn', collected: '0', target: '8000.00', attainment: '0.000000' },
      ]);
    });

    it('roll rates between DPD buckets, recovery by strategy arm and the open balance pivot', async () => {
      const { widgets } = await dashboard('portfolio-strategy', june);
      // Open on 1 June (CNY): C1 (42 DPD), C2 (22 DPD), C3 (73 DPD), C6 (not yet due); C4 closed in May.
      // 1-29 → 30-59: C2, paid off on 15 June: 0 / 1. 30-59 → 60-89: C1 still open: 1 / 1.
      // 60-89 → 90-119: C3 still open: 1 / 1. Older buckets hold no case: no rate (null).
      const [roll] = rows(widgets.get('roll-rates'));
      expect(roll).toMatchObject({
        in1: 1,
        rolled1: 0,
        roll1: '0.000000',
        in30: 1,
        rolled30: 1,
        roll30: '1.000000',
        in60: 1,
        rolled60: 1,
        roll60: '1.000000',
        in90: 0,
        roll90: null,
        roll150: null,
      });
      // champion: C1, C3, C4: placed 8000.00, paid 800.00 → 0.1; June collected P1 + P2 = 300.00 → 300 / 8000 = 0.0375.
      // sms-first: C2, C6: placed 3500.00, paid 2000.00 → 0.5714285… → 0.571429; June P3 2000.00 → 0.571429.
      expect(rows(widgets.get('recovery-by-arm'))).toEqual([
        {
          arm: 'champion',
          cases: 3,
          placed: '8000.00',
          paid: '800.00',
          recovery: '0.100000',
          liquidation: '0.037500',
          collected: '300.00',
        },
        {
          arm: 'sms-first',
          cases: 2,
          placed: '3500.00',
          paid: '2000.00',
          recovery: '0.571429',
          liquidation: '0.571429',
          collected: '2000.00',
        },
      ]);
      // Not settled or closed: C1 (balance 1000 − 300 = 700.00), C3 (4000.00), C6 (1500.00).
      expect(rows(widgets.get('balance-by-team-bucket'))).toEqual([
        { team: 'early-cn', bucket: '1-29', balance: '1500.00', cases: 1 },
        { team: 'early-cn', bucket: '30-59', balance: '700.00', cases: 1 },
        { team: 'mid-cn', bucket: '60-89', balance: '4000.00', cases: 1 },
      ]);
      // No process runs in this fixture: the tasks dataset answers with no rows, not an error.
      expect(rows(widgets.get('open-tasks'))).toEqual([]);
    });

    it('dashboard filters narrow every widget that follows them', async () => {
      const { widgets: team } = await dashboard('collection-kpis', `${june}&team=mid-cn`);
      // mid-cn cases got no June payment (P7 is July); the target is u-b1's alone.
      expect(team.get('collected')!.kpi).toMatchObject({ value: '0', target: '8000.00', previous: '500.00' });
      const { widgets: mine } = await dashboard('collection-kpis', `${june}&collector=u-a1`);
      // u-a1's June attempts: A1 (RPC_PTP), A2 (no answer): 1 promise of 1 right-party contact.
      expect(mine.get('ptp-rate')!.kpi).toMatchObject({ value: '1.000000' });
      const { widgets: bucket } = await dashboard('collection-kpis', `${june}&bucket=30-59`);
      // Cases now in 30-59: C1 alone; its June payments P1 + P2 = 300.00.
      expect(bucket.get('collected')!.kpi).toMatchObject({ value: '300.00' });
      const { widgets: usd } = await dashboard('collection-kpis', `${june}&currency=USD`);
      // USD: P6 100.00 on C5; no collector has a USD target.
      expect(usd.get('collected')!.kpi).toMatchObject({ value: '100.00', target: '0', attainment: null });
    });

    it('a collector without all-teams rights sees only the own team’s records in every number', async () => {
      const liaison = {
        userId: 'u-b1',
        roles: ['liaison'],
        teamIds: ['mid-cn'],
        permissions: ['records.view', 'dashboards.view'] as Permission[],
      };
      const { widgets } = await dashboard('collection-kpis', june, { as: liaison });
      // mid-cn cases: C3 (4000.00 / 0), C4 (3000.00 / 500.00): 500 / 7000 = 0.0714285… → 0.071429.
      expect(widgets.get('recovery-rate')!.kpi).toEqual({ value: '0.071429' });
      expect(widgets.get('collected')!.kpi).toMatchObject({ value: '0', target: '8000.00' });
    });

    it('drill-down lists the payments behind a collector’s bar, masked for a reader without sensitive.view', async () => {
      const strategist = {
        userId: 'u-s1',
        roles: ['strategist'],
        permissions: ['records.view', 'records.view_all_teams', 'dashboards.view'] as Permission[],
      };
      const res = await app.request(
        `/api/dashboards/collection-kpis/widgets/collected-by-collector/records?${june}&at.collector=u-a1&measure=collected`,
        { as: strategist },
      );
      const body = await json(res);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.form).toBe('payment');
      expect(body.columns).toEqual([
        '/caseNumber',
        '/reference',
        '/amount',
        '/currency',
        '/receivedAt',
        '/method',
      ]);
      // Newest first: P2 then P1 (P5 is reversed, P6 is USD).
      expect(body.items.map((r: Body) => r.data.reference)).toEqual(['PAY-2', 'PAY-1']);
      expect(body.items[1].data.payerName).toBe('***');
      expect(body.items[1].masked).toEqual(['/payerName']);
      expect(body.nextCursor).toBeNull();
      expect(body.query).toMatchObject({ dataset: { form: 'payment' }, lookups: [{ id: 'case' }] });
      expect(body.query.filters).toContainEqual({
        field: 'case:/assignedCollectorId',
        op: 'eq',
        value: 'u-a1',
      });
      // The case lookup cannot be said with the records list's filters.
      expect(body.recordsFilter).toBeNull();

      const day = await json(
        await app.request(
          `/api/dashboards/collection-kpis/widgets/collected-by-day/records?${june}&at.day=2025-06-01`,
        ),
      );
      expect(day.items.map((r: Body) => r.data.reference)).toEqual(['PAY-2']);
    });
  },
);
