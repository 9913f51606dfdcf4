import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Actor, type DashboardDefinition, DashboardsService, PERMISSIONS } from '@collectflow/server';
import type { AnalyticsFieldKind, Store } from '@collectflow/store';
import { rawSelect } from '@collectflow/store/testing';
import type { BenchContext, BenchGroup, Figure } from '../harness.js';

const DEFAULT_RECORDS = 1_000_000;
const ROUNDS = 5;
const DASHBOARD_RUNS = 7;
const PERIOD = { from: '2025-06-01', to: '2025-06-30' };
// June 2025 in Asia/Shanghai, the dashboards' zone, as the instants the hand-written SQL compares with.
const FROM = `'2025-06-01T00:00:00+08:00'`;
const TO = `'2025-07-01T00:00:00+08:00'`;
const CHUNK = 50_000;

const BENCH_ADMIN: Actor = {
  userId: 'bench',
  displayName: 'Bench',
  roles: ['admin'],
  groups: ['admin'],
  teamIds: [],
  permissions: new Set(PERMISSIONS),
};

/**
 * The team KPI dashboard (definitions/dashboards/collection-kpis) on PostgreSQL with 1,000,000
 * records across the collection forms, June 2025 selected:
 *  - dashboards.kpi_widget_max_ratio: for each widget, its query through the dashboards service
 *    (resolve against the forms, compile, run) against a hand-written SQL for the same number in
 *    the same run; the figure is the worst widget's hand-SQL median ÷ its median (higher is better).
 *  - dashboards.kpi_p50_ms: the whole dashboard (every widget, previous-period comparisons
 *    included), median of several runs.
 * Both sides use the expression indexes the dashboards build for the forms' indexed fields.
 */
export const dashboardsGroup: BenchGroup = {
  name: 'dashboards',
  async run(ctx) {
    const configured = process.env.BENCH_DASHBOARD_RECORDS?.trim();
    if (ctx.backend === 'pglite' && !configured) {
      ctx.log(
        'dashboards: skipped on PGlite: the figures are defined on PostgreSQL with 1,000,000 records ' +
          '(set DATABASE_URL; or BENCH_DASHBOARD_RECORDS=20000 for a small PGlite run)',
      );
      return [];
    }
    const total = configured ? Number(configured) : DEFAULT_RECORDS;
    if (!Number.isInteger(total) || total < 1000)
      throw new Error('BENCH_DASHBOARD_RECORDS is a whole number ≥ 1000');
    const { store, cleanup } = await ctx.freshStore();
    try {
      return await measure(ctx, store, total);
    } finally {
      await cleanup();
    }
  },
};

async function measure(ctx: BenchContext, store: Store, total: number): Promise<Figure[]> {
  const dashboards = new DashboardsService(store, { now: () => new Date('2025-06-20T04:00:00Z') });
  await publishForms(ctx, store);
  const file = join(ctx.repoRoot, 'definitions', 'dashboards', 'collection-kpis.dashboard.json');
  const text = readFileSync(file, 'utf8');
  await dashboards.seed(JSON.parse(text), createHash('sha256').update(text).digest('hex'));
  const definition = JSON.parse(text) as DashboardDefinition;

  let started = Date.now();
  const counts = await generate(store, total);
  ctx.log(
    `dashboards: ${total.toLocaleString('en')} records written in ${((Date.now() - started) / 1000).toFixed(0)} s (${JSON.stringify(counts)})`,
  );
  started = Date.now();
  const indexes = await dashboards.ensureIndexes();
  await rawSelect(store, 'analyze records');
  ctx.log(
    `dashboards: ${indexes.projections.built.length} typed projections and ${indexes.created.length} expression indexes built and analyzed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );

  const hand = handSql(await projectionsOf(store));
  const ratios: { widget: string; ours: number; hand: number; ratio: number }[] = [];
  for (const widget of definition.widgets) {
    const sqlText = hand[widget.id];
    if (!sqlText) throw new Error(`no hand-written SQL for widget ${widget.id}`);
    const ours = () =>
      dashboards.query(
        { query: widget.query, filters: definition.filters, values: { ...PERIOD } },
        BENCH_ADMIN,
      );
    const theirs = () => rawSelect<Record<string, unknown>>(store, sqlText);
    // Warm both, and check that they are the same numbers before timing them.
    const a = await ours();
    const b = await theirs();
    checkSame(widget.id, a.rows ?? [], b);
    const oursMs: number[] = [];
    const handMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      oursMs.push(await timed(ours));
      handMs.push(await timed(theirs));
    }
    const o = median(oursMs);
    const h = median(handMs);
    ratios.push({ widget: widget.id, ours: o, hand: h, ratio: h / o });
    ctx.log(
      `  ${widget.id}: ${o.toFixed(1)} ms, hand-written ${h.toFixed(1)} ms, ratio ${(h / o).toFixed(3)}`,
    );
  }
  const worst = ratios.reduce((w, r) => (r.ratio < w.ratio ? r : w));

  await dashboards.data('collection-kpis', { ...PERIOD }, BENCH_ADMIN);
  const runs: number[] = [];
  for (let i = 0; i < DASHBOARD_RUNS; i++) {
    runs.push(
      await timed(async () => {
        const data = await dashboards.data('collection-kpis', { ...PERIOD }, BENCH_ADMIN);
        const failed = data.widgets.filter((w) => w.error);
        if (failed.length > 0)
          throw new Error(`widgets failed: ${failed.map((w) => `${w.id}: ${w.error?.detail}`).join('; ')}`);
      }),
    );
  }
  const p50 = median(runs);
  const scale = `${total.toLocaleString('en')} records`;
  return [
    {
      id: 'dashboards.kpi_widget_max_ratio',
      value: worst.ratio,
      unit: 'ratio',
      better: 'higher',
      note:
        `${scale}, ${definition.widgets.length} widgets of collection-kpis, June 2025; the worst widget is ${worst.widget} ` +
        `(${worst.ours.toFixed(1)} ms vs hand-written ${worst.hand.toFixed(1)} ms, medians of ${ROUNDS}); ` +
        `value = hand-written time ÷ dashboard query time (aim ≥ 0.667)`,
    },
    {
      id: 'dashboards.kpi_p50_ms',
      value: p50,
      unit: 'ms',
      better: 'lower',
      note: `${scale}; the whole collection-kpis dashboard (${definition.widgets.length} widgets, previous-period comparisons included), median of ${DASHBOARD_RUNS} runs (aim < 500 ms)`,
    },
  ];
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Same numbers, compared as decimals to 6 places (one side may print 0 as "0", the other as "0.00"). */
function checkSame(widget: string, ours: unknown[][], hand: Record<string, unknown>[]): void {
  const norm = (v: unknown) =>
    v === null || v === undefined
      ? null
      : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)
        ? Number(v).toFixed(6)
        : typeof v === 'number'
          ? v.toFixed(6)
          : String(v);
  const a = JSON.stringify(ours.map((row) => row.map(norm)));
  const b = JSON.stringify(hand.map((row) => Object.values(row).map(norm)));
  if (a !== b)
    throw new Error(
      `widget ${widget}: the dashboard and the hand-written SQL disagree:\n${a.slice(0, 400)}\n${b.slice(0, 400)}`,
    );
}

async function publishForms(ctx: BenchContext, store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    for (const key of ['collector', 'debt-case', 'payment', 'contact-attempt', 'promise-to-pay']) {
      const form = JSON.parse(
        readFileSync(join(ctx.repoRoot, 'definitions', 'forms', `${key}.form.json`), 'utf8'),
      );
      const content = {
        title: form.title,
        schema: form.schema,
        uiSchema: form.uiSchema,
        metadata: form.metadata,
      };
      await tx.forms.create({ key, draft: content, actor: 'bench' });
      await tx.forms.insertVersion({
        key,
        version: 1,
        content,
        compatibility: null,
        acceptedBreaking: false,
        actor: 'bench',
      });
    }
  });
}

// Deterministic uniform [0, 1) per row and salt, so every run writes the same data.
const R = (salt: number) => `((hashint8(g.i::bigint * 7919 + ${salt}) & 2147483647)::float8 / 2147483648.0)`;
const TEAM = (k: string) => `(array['early-cn','mid-cn','legal-cn','us-collections'])[(${k}) % 4 + 1]`;
const CURRENCY = (k: string) => `(case when (${k}) % 4 = 3 then 'USD' else 'CNY' end)`;
const COLLECTOR = (k: string) => `('u-' || lpad(((((${k}) / 4) % 14) * 4 + (${k}) % 4)::text, 3, '0'))`;
const CASE_NO = (k: string) => `('DC-2025-' || lpad((${k})::text, 6, '0'))`;
const MONEY = (x: string) => `to_char(round((${x})::numeric, 2), 'FM9999999990.00')`;
const INSTANT = (salt: number) =>
  `to_char(timestamp '2024-07-01' + ${R(salt)} * interval '365 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
const INSERT = `insert into records (id, form_key, form_version, data, computed, owner_team_id, assignee_id, created_by, updated_by)`;

/** Writes the records in chunks, valid against the forms: 15 % cases, 30 % payments, 45 % contacts, the rest promises. */
async function generate(store: Store, total: number): Promise<Record<string, number>> {
  const collectors = 60;
  const cases = Math.round(total * 0.15);
  const payments = Math.round(total * 0.3);
  const contacts = Math.round(total * 0.45);
  const promises = total - collectors - cases - payments - contacts;
  const chunks = async (count: number, sql: (from: number, to: number) => string) => {
    for (let from = 0; from < count; from += CHUNK)
      await rawSelect(store, sql(from, Math.min(count, from + CHUNK) - 1));
  };
  await rawSelect(
    store,
    `${INSERT} select gen_random_uuid(), 'collector', 1, jsonb_build_object(
      'userId', 'u-' || lpad(g.i::text, 3, '0'), 'name', 'Collector ' || g.i,
      'role', case when g.i >= 56 then 'manager' else 'liaison' end, 'team', ${TEAM('g.i')},
      'active', g.i % 17 <> 5, 'currency', ${CURRENCY('g.i')},
      'monthlyTarget', ${MONEY('100000 + (g.i * 7919 % 50) * 10000')}, 'hourlyCost', ${MONEY('40 + g.i % 50')}),
      '{}', ${TEAM('g.i')}, null, 'bench', 'bench' from generate_series(0, ${collectors - 1}) g(i)`,
  );
  const k = 'g.i';
  await chunks(
    cases,
    (from, to) => `${INSERT} select gen_random_uuid(), 'debt-case', 1, jsonb_strip_nulls(jsonb_build_object(
      'caseNumber', ${CASE_NO(k)}, 'debtorNo', 'DB-' || lpad(g.i::text, 8, '0'), 'jurisdiction', 'CN',
      'creditor', jsonb_build_object('name', 'Bank ' || g.i % 20), 'currency', ${CURRENCY(k)},
      'principal', ${MONEY('v.p')}, 'interest', '0.00', 'fees', '0.00', 'costs', '0.00',
      'paid', ${MONEY('v.paid')}, 'totalDue', ${MONEY('v.p')}, 'balance', ${MONEY('v.p - v.paid')},
      'dueDate', to_char(v.due, 'YYYY-MM-DD'), 'stage', 'MID', 'status', case when v.settled then 'SETTLED' else 'OPEN' end,
      'closedOn', case when v.settled then to_char(least(v.due + 1 + floor(${R(5)} * 120)::int, date '2025-06-30'), 'YYYY-MM-DD') end,
      'closeReason', case when v.settled then case when ${R(6)} < 0.8 then 'PAID_IN_FULL' else 'SETTLED' end end,
      'dpdBucket', case when v.settled or date '2025-07-01' - v.due <= 0 then 'CURRENT'
                        when date '2025-07-01' - v.due >= 180 then '180+'
                        else (array['1-29','30-59','60-89','90-119','120-149','150-179'])[(date '2025-07-01' - v.due) / 30 + 1] end,
      'team', ${TEAM(k)}, 'assignedCollectorId', ${COLLECTOR(k)},
      'strategyArm', case when ${R(7)} < 0.8 then 'champion' else 'sms-first' end)),
      '{}', ${TEAM(k)}, ${COLLECTOR(k)}, 'bench', 'bench'
      from generate_series(${from}, ${to}) g(i),
      lateral (select 1000 + ${R(1)} * 99000 as p, ${R(3)} < 0.15 as settled, date '2024-01-01' + floor(${R(4)} * 547)::int as due) v0,
      lateral (select v0.p, v0.settled, v0.due, case when v0.settled then v0.p else v0.p * ${R(2)} * 0.6 end as paid) v`,
  );
  const caseOf = (salt: number) => `floor(${R(salt)} * ${cases})::int`;
  await chunks(
    payments,
    (from, to) => `${INSERT} select gen_random_uuid(), 'payment', 1, jsonb_strip_nulls(jsonb_build_object(
      'caseNumber', ${CASE_NO('c.k')}, 'reference', 'PAY' || g.i, 'amount', ${MONEY(`100 + ${R(12)} * 4900`)},
      'currency', ${CURRENCY('c.k')}, 'method', 'BANK_TRANSFER', 'receivedAt', ${INSTANT(13)},
      'reversed', ${R(14)} < 0.02,
      'reversedAt', case when ${R(14)} < 0.02 then ${INSTANT(13)} end,
      'reversalReason', case when ${R(14)} < 0.02 then 'RETURNED' end)),
      '{}', ${TEAM('c.k')}, null, 'bench', 'bench'
      from generate_series(${from}, ${to}) g(i), lateral (select ${caseOf(11)} as k) c`,
  );
  await chunks(
    contacts,
    (
      from,
      to,
    ) => `${INSERT} select gen_random_uuid(), 'contact-attempt', 1, jsonb_strip_nulls(jsonb_build_object(
      'caseNumber', ${CASE_NO('c.k')}, 'debtorNo', 'DB-' || lpad(c.k::text, 8, '0'),
      'party', case when o.code = 'THIRD_PARTY' then 'THIRD_PARTY' else 'DEBTOR' end,
      'thirdPartyRelation', case when o.code = 'THIRD_PARTY' then 'SPOUSE' end,
      'channel', 'CALL', 'direction', 'OUTBOUND', 'occurredAt', ${INSTANT(23)},
      'durationSeconds', floor(${R(24)} * 900)::int, 'outcomeCode', o.code,
      'promise', case when o.code = 'RPC_PTP' then jsonb_build_object('amount', '500.00', 'currency', ${CURRENCY('c.k')}, 'dueDate', '2025-07-15') end,
      'callbackAt', case when o.code = 'RPC_CALLBACK' then ${INSTANT(25)} end,
      'agentId', ${COLLECTOR('c.k')})),
      '{}', ${TEAM('c.k')}, ${COLLECTOR('c.k')}, 'bench', 'bench'
      from generate_series(${from}, ${to}) g(i), lateral (select ${caseOf(21)} as k) c,
      lateral (select case when ${R(22)} < 0.40 then 'NO_ANSWER' when ${R(22)} < 0.50 then 'BUSY'
        when ${R(22)} < 0.56 then 'VOICEMAIL' when ${R(22)} < 0.62 then 'THIRD_PARTY'
        when ${R(22)} < 0.70 then 'RPC_CALLBACK' when ${R(22)} < 0.78 then 'RPC_REFUSED'
        when ${R(22)} < 0.90 then 'RPC_PTP' when ${R(22)} < 0.94 then 'RPC_HARDSHIP'
        when ${R(22)} < 0.97 then 'WRONG_NUMBER' else 'CEASE_REQUEST' end as code) o`,
  );
  await chunks(
    promises,
    (
      from,
      to,
    ) => `${INSERT} select gen_random_uuid(), 'promise-to-pay', 1, jsonb_strip_nulls(jsonb_build_object(
      'caseNumber', ${CASE_NO('c.k')}, 'amount', ${MONEY(`50 + ${R(32)} * 2000`)}, 'currency', ${CURRENCY('c.k')},
      'dueDate', to_char(date '2024-07-01' + floor(${R(33)} * 396)::int, 'YYYY-MM-DD'), 'tolerancePct', 90,
      'status', s.status, 'collectorId', ${COLLECTOR('c.k')},
      'paidAmount', case when s.status = 'KEPT' then '50.00' end,
      'paidDate', case when s.status = 'KEPT' then to_char(date '2024-07-01' + floor(${R(33)} * 396)::int, 'YYYY-MM-DD') end)),
      '{}', ${TEAM('c.k')}, ${COLLECTOR('c.k')}, 'bench', 'bench'
      from generate_series(${from}, ${to}) g(i), lateral (select ${caseOf(31)} as k) c,
      lateral (select case when ${R(34)} < 0.4 then 'KEPT' when ${R(34)} < 0.75 then 'BROKEN' else 'PENDING' end as status) s`,
  );
  return { collectors, cases, payments, contacts, promises };
}

/** The tables and columns of the forms' typed projections, as the hand-written SQL names them. */
interface Projections {
  table(form: string): string;
  column(form: string, field: string, kind: AnalyticsFieldKind): string;
}

async function projectionsOf(store: Store): Promise<Projections> {
  const rows = await rawSelect<{
    form_key: string;
    table_name: string;
    fields: { path: string[]; kind: string; column: string }[];
  }>(store, 'select form_key, table_name, fields from record_projections where ready');
  const byForm = new Map(rows.map((r) => [r.form_key, r]));
  const row = (form: string) => {
    const found = byForm.get(form);
    if (!found) throw new Error(`no ready projection of ${form}`);
    return found;
  };
  return {
    table: (form) => row(form).table_name,
    column: (form, field, kind) => {
      const found = row(form).fields.find((f) => f.kind === kind && f.path.join('/') === field);
      if (!found) throw new Error(`the projection of ${form} has no ${kind} ${field}`);
      return found.column;
    },
  };
}

/**
 * The SQL one would write by hand for each widget's number (June 2025, currency CNY, no other
 * filter), over the same typed projections the dashboards read (so the ratio is the compiler's
 * overhead, not the storage's); columns and order as the widget's.
 */
function handSql(p: Projections): Record<string, string> {
  const pay = p.table('payment');
  const payAmount = p.column('payment', 'amount', 'decimal');
  const payAt = p.column('payment', 'receivedAt', 'date-time');
  const payReversed = p.column('payment', 'reversed', 'boolean');
  const payCurrency = p.column('payment', 'currency', 'string');
  const payCase = p.column('payment', 'caseNumber', 'string');
  const cases = p.table('debt-case');
  const caseNo = p.column('debt-case', 'caseNumber', 'string');
  const caseCurrency = p.column('debt-case', 'currency', 'string');
  const due = p.column('debt-case', 'dueDate', 'date');
  const closedOn = p.column('debt-case', 'closedOn', 'date');
  const closeReason = p.column('debt-case', 'closeReason', 'string');
  const coll = p.table('collector');
  const collActive = p.column('collector', 'active', 'boolean');
  const collRole = p.column('collector', 'role', 'string');
  const collCurrency = p.column('collector', 'currency', 'string');
  const collTarget = p.column('collector', 'monthlyTarget', 'decimal');
  const collUser = p.column('collector', 'userId', 'string');
  const collTeam = p.column('collector', 'team', 'string');
  const collCost = p.column('collector', 'hourlyCost', 'decimal');
  const con = p.table('contact-attempt');
  const conAt = p.column('contact-attempt', 'occurredAt', 'date-time');
  const outcome = p.column('contact-attempt', 'outcomeCode', 'string');
  const agent = p.column('contact-attempt', 'agentId', 'string');
  const seconds = p.column('contact-attempt', 'durationSeconds', 'number');
  const ptp = p.table('promise-to-pay');
  const ptpDue = p.column('promise-to-pay', 'dueDate', 'date');
  const ptpStatus = p.column('promise-to-pay', 'status', 'string');

  const paidJune = `from ${pay} where ${payAt} >= ${FROM} and ${payAt} < ${TO}
    and ${payReversed} is distinct from true and ${payCurrency} = 'CNY'`;
  const collected = `(select coalesce(sum(${payAmount}), 0) ${paidJune})`;
  const target = `(select coalesce(sum(${collTarget}), 0) from ${coll}
    where ${collActive} and ${collRole} in ('liaison', 'legal') and ${collCurrency} = 'CNY')`;
  const placed = `(select coalesce(sum(${p.column('debt-case', 'totalDue', 'decimal')}), 0) from ${cases} where ${caseCurrency} = 'CNY')`;
  const rpc = `('RPC_PTP','RPC_PAID','RPC_REFUSED','RPC_DISPUTE','RPC_HARDSHIP','RPC_CALLBACK','CEASE_REQUEST','ATTORNEY_REP','BANKRUPT')`;
  const contactsJune = `from ${con} where ${conAt} >= ${FROM} and ${conAt} < ${TO}`;
  const ratio = (a: string, b: string) => `round((${a})::numeric / nullif((${b})::numeric, 0), 6)`;
  const perDimension = (dimension: string, targetDimension: string) => `
    with c as (
      select k.${dimension} as d, sum(x.${payAmount}) as collected
      from ${pay} x join ${cases} k on k.${caseNo} = x.${payCase}
      where x.${payAt} >= ${FROM} and x.${payAt} < ${TO} and x.${payReversed} is distinct from true and x.${payCurrency} = 'CNY'
      group by 1),
    t as (
      select ${targetDimension} as d, sum(${collTarget}) as target from ${coll}
      where ${collActive} and ${collRole} in ('liaison', 'legal') and ${collCurrency} = 'CNY' group by 1)
    select coalesce(c.d, t.d) as d, coalesce(c.collected, 0) as collected,
      ${ratio('coalesce(c.collected, 0)', 'coalesce(t.target, 0)')} as attainment, coalesce(t.target, 0) as target
    from c full join t on c.d = t.d order by 2 desc nulls last, 1 limit 1000`;
  const curedJune = `${closedOn} between '2025-06-01' and '2025-06-30' and ${closeReason} in ('PAID_IN_FULL', 'SETTLED')`;
  return {
    collected: `select ${collected} as collected, ${target} as target`,
    // Columns as the widget lists them: the first dataset's measures (its ratio included), then the combined one's.
    'target-attainment': `select ${collected} as collected, ${ratio(collected, target)} as attainment, ${target} as target`,
    'liquidation-rate': `select ${collected} as collected, ${ratio(collected, placed)} as liquidation, ${placed} as placed`,
    'recovery-rate': `select coalesce(sum(${p.column('debt-case', 'paid', 'decimal')}), 0) as paid,
      coalesce(sum(${p.column('debt-case', 'totalDue', 'decimal')}), 0) as due,
      ${ratio(`sum(${p.column('debt-case', 'paid', 'decimal')})`, `sum(${p.column('debt-case', 'totalDue', 'decimal')})`)} as recovery
      from ${cases} where ${caseCurrency} = 'CNY'`,
    'ptp-rate': `select count(*) filter (where ${outcome} in ${rpc}) as rpc, count(*) filter (where ${outcome} = 'RPC_PTP') as ptp,
      ${ratio(`count(*) filter (where ${outcome} = 'RPC_PTP')`, `count(*) filter (where ${outcome} in ${rpc})`)} as rate ${contactsJune}`,
    'ptp-kept-rate': `select count(*) filter (where ${ptpStatus} in ('KEPT', 'BROKEN')) as decided,
      count(*) filter (where ${ptpStatus} = 'KEPT') as kept,
      ${ratio(`count(*) filter (where ${ptpStatus} = 'KEPT')`, `count(*) filter (where ${ptpStatus} in ('KEPT', 'BROKEN'))`)} as rate
      from ${ptp} where ${ptpDue} between '2025-06-01' and '2025-06-30'`,
    'rpc-rate': `select count(*) as attempts, count(*) filter (where ${outcome} in ${rpc}) as rpc,
      ${ratio(`count(*) filter (where ${outcome} in ${rpc})`, 'count(*)')} as rate ${contactsJune}`,
    'cure-rate': `select count(*) as past_due, count(*) filter (where ${curedJune}) as cured,
      ${ratio(`count(*) filter (where ${curedJune})`, 'count(*)')} as rate
      from ${cases} where ${due} < '2025-06-01' and (${closedOn} is null or ${closedOn} >= '2025-06-01')`,
    'cost-to-collect': `with cost as (
        select coalesce(round(sum(a.${seconds} * c.${collCost}) / 3600, 6), 0) as cost
        from ${con} a join ${coll} c on c.${collUser} = a.${agent}
        where a.${conAt} >= ${FROM} and a.${conAt} < ${TO} and c.${collCurrency} = 'CNY')
      select cost.cost, ${ratio('cost.cost', collected)} as rate, ${collected} as collected from cost`,
    'collected-by-day': `select (${payAt} at time zone 'Asia/Shanghai')::date as day, sum(${payAmount}) as collected
      ${paidJune} group by 1 order by 1 limit 1000`,
    'collected-by-collector': perDimension(p.column('debt-case', 'assignedCollectorId', 'string'), collUser),
    'collected-by-team': perDimension(p.column('debt-case', 'team', 'string'), collTeam),
    'ptp-funnel': `select count(*) as attempts, count(*) filter (where ${outcome} in ${rpc}) as rpc,
      count(*) filter (where ${outcome} = 'RPC_PTP') as ptp,
      (select count(*) from ${ptp} where ${ptpDue} between '2025-06-01' and '2025-06-30' and ${ptpStatus} = 'KEPT') as kept
      ${contactsJune}`,
    'outcome-mix': `select ${outcome} as outcome, count(*) as attempts ${contactsJune} group by 1 order by 1 limit 1000`,
  };
}
