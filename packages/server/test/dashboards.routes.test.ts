import type { Permission } from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Body, formWith, json, publishForm } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

const loanForm = formWith(
  'loan',
  {
    type: 'object',
    properties: {
      status: { type: 'string' },
      amount: { type: 'string', format: 'decimal' },
      openedAt: { type: 'string', format: 'date-time' },
      borrower: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } },
    },
  },
  { metadata: { sensitive: ['/borrower'], indexed: ['/status', '/openedAt'], computed: [] } },
);

const count = (filters: unknown[] = [], extra: Record<string, unknown> = {}) => ({
  query: { dataset: { form: 'loan' }, measures: [{ id: 'loans', op: 'count' }], filters, ...extra },
});

const board = (
  widgetQuery: Record<string, unknown> = count().query,
  extra: Record<string, unknown> = {},
) => ({
  key: 'loans',
  title: { 'zh-CN': '贷款', en: 'Loans' },
  filters: [{ id: 'period', type: 'dateRange', label: { 'zh-CN': '期间', en: 'Period' } }],
  widgets: [
    {
      id: 'total',
      type: 'kpi',
      title: { 'zh-CN': '笔数', en: 'Loans' },
      layout: { x: 0, y: 0, w: 3, h: 2 },
      query: widgetQuery,
    },
  ],
  ...extra,
});

/**
 * The dashboards API: definitions and their versions, the editor's ad-hoc query, and the bad input
 * the issue lists, each answered with a 4xx problem and never with user text in SQL.
 */
describe.each(testBackends().map((b) => [b.name, b] as const))('dashboards API on %s', (_n, backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: RunningTestApp;

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
    app = await startTestApp(store);
    await publishForm(app, loanForm);
    for (const [status, amount, borrower] of [
      ['OPEN', '100.00', '张三'],
      ['OPEN', '250.50', '李四'],
      ['CLOSED', '75', '王五'],
    ]) {
      const res = await app.request('/api/forms/loan/records', {
        method: 'POST',
        json: { data: { status, amount, borrower, openedAt: '2025-06-02T01:00:00Z', tags: ['a'] } },
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await app?.close();
    await cleanup();
  });

  const query = (body: unknown, as?: NonNullable<Parameters<RunningTestApp['request']>[1]>['as']) =>
    app.request('/api/dashboards/query', { method: 'POST', json: body, ...(as ? { as } : {}) });
  const expectProblem = async (res: Response, status: number, code: string) => {
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ status, code });
    expect(typeof body.detail).toBe('string');
    return body;
  };
  const recordsLeft = async () =>
    (
      await rawSelect<{ n: number }>(store, "select count(*)::int as n from records where form_key = 'loan'")
    )[0]!.n;

  it('the ad-hoc query answers with typed columns and exact decimals', async () => {
    const res = await query({
      query: {
        dataset: { form: 'loan' },
        dimensions: [{ id: 'status', field: '/status' }],
        measures: [
          { id: 'loans', op: 'count' },
          { id: 'amount', op: 'sum', field: '/amount', format: 'money' },
        ],
      },
    });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.columns).toEqual([
      { id: 'status', role: 'dimension', type: 'string' },
      { id: 'loans', role: 'measure', type: 'integer' },
      { id: 'amount', role: 'measure', type: 'decimal', format: 'money' },
    ]);
    // OPEN: 100.00 + 250.50 = 350.50; CLOSED: 75.
    expect(body.rows).toEqual([
      ['CLOSED', 1, '75'],
      ['OPEN', 2, '350.50'],
    ]);
  });

  it('the preview reads a KPI as the saved dashboard does: its value and the change against the previous period', async () => {
    const period = { id: 'period', type: 'dateRange', label: { 'zh-CN': '期间', en: 'Period' } };
    const kpi = (values: Record<string, string>, extra: Record<string, unknown> = {}) =>
      query({
        ...count([], { follow: { period: '/openedAt' } }),
        filters: [period],
        values,
        kpi: { value: 'loans', compare: 'previousPeriod', ...extra },
      });
    // All three loans opened in June: July has none, its previous period (June) three.
    const july = await json(await kpi({ from: '2025-07-01', to: '2025-07-31' }));
    expect(july.kpi, JSON.stringify(july)).toMatchObject({ value: 0, previous: 3, change: '-3' });
    expect(Number(july.kpi.changeRatio)).toBe(-1);
    expect(july.filters.previousPeriod).toEqual({ from: '2025-06-01', to: '2025-06-30' });
    const june = await json(await kpi({ from: '2025-06-01', to: '2025-06-30' }));
    expect(june.kpi).toMatchObject({ value: 3, previous: 0, change: '3', changeRatio: null });
    // Without compare, the number alone.
    const plain = await json(await query({ ...count(), kpi: { value: 'loans' } }));
    expect(plain.kpi).toEqual({ value: 3 });
  });

  it('a KPI preview of a measure the query does not have, or an unknown comparison, is a 422 pointing at it', async () => {
    const unknown = await expectProblem(
      await query({ ...count(), kpi: { value: 'nothing', compare: 'previousPeriod' } }),
      422,
      'dashboards.unknown_measure',
    );
    expect(unknown.errors[0].pointer).toBe('/kpi/value');
    const compare = await expectProblem(
      await query({ ...count(), kpi: { value: 'loans', compare: 'lastYear' } }),
      422,
      'dashboards.invalid_query',
    );
    expect(compare.errors.map((e: Body) => e.pointer)).toContain('/kpi/compare');
  });

  it('query and definition problems are in the language the request asks for: Chinese or English', async () => {
    const inLanguage = (language: string) => ({ headers: { 'accept-language': language } });
    const unknownField = {
      query: { dataset: { form: 'loan' }, measures: [{ id: 's', op: 'sum', field: '/principal' }] },
    };
    const post = (body: unknown, language: string) =>
      app.request('/api/dashboards/query', { method: 'POST', json: body, ...inLanguage(language) });
    // A field the form does not have (found against the form's schema).
    const zh = await expectProblem(
      await post(unknownField, 'zh-CN,zh;q=0.9'),
      422,
      'dashboards.unknown_field',
    );
    expect(zh.errors[0]).toMatchObject({ pointer: '/query/measures/0/field' });
    expect(zh.errors[0].message).toBe('表单 "loan" 的 /principal 不在它的 schema 中');
    expect(zh.detail).toContain('不在它的 schema 中');
    const en = await expectProblem(
      await post(unknownField, 'en-US,en;q=0.9'),
      422,
      'dashboards.unknown_field',
    );
    expect(en.errors[0].message).toBe('/principal of the form "loan" is not in its schema');
    // A query that fails its JSON Schema (ajv's messages), and a reference the schema cannot check.
    const schemaZh = await expectProblem(
      await post({ query: { dataset: { form: 'loan' }, measures: [] } }, 'zh-CN'),
      422,
      'dashboards.invalid_query',
    );
    expect(schemaZh.detail).toMatch(/^查询不合法（1 个问题）：\/query\/measures .*不/);
    const schemaEn = await expectProblem(
      await post({ query: { dataset: { form: 'loan' }, measures: [] } }, 'en'),
      422,
      'dashboards.invalid_query',
    );
    expect(schemaEn.detail).toMatch(
      /^the query is invalid \(1 problem\(s\)\): \/query\/measures must NOT have fewer than 1 items/,
    );
    const ratio = {
      query: {
        dataset: { form: 'loan' },
        measures: [{ id: 'r', op: 'ratio', numerator: 'a', denominator: 'b' }],
      },
    };
    const ratioZh = await expectProblem(await post(ratio, 'zh-CN'), 422, 'dashboards.unknown_measure');
    expect(ratioZh.errors[0].message).toBe('比率 "r"：没有度量 "a"');
    // A bad period, and a definition that fails its JSON Schema when saved.
    const period = await expectProblem(
      await post(
        {
          ...count(),
          filters: [{ id: 'period', type: 'dateRange', label: { 'zh-CN': '期间', en: 'Period' } }],
          values: { from: '2025-06-30', to: '2025-06-01' },
        },
        'zh-CN',
      ),
      422,
      'dashboards.invalid_filter',
    );
    expect(period.detail).toBe('to 早于 from');
    const radar = board();
    (radar.widgets[0] as Body).type = 'radar';
    const definitionZh = await expectProblem(
      await app.request('/api/dashboards/loans', {
        method: 'PUT',
        json: { definition: radar },
        ...inLanguage('zh-CN'),
      }),
      422,
      'dashboards.invalid_definition',
    );
    expect(definitionZh.detail).toMatch(/^看板定义不合法/);
    expect(definitionZh.errors.find((e: Body) => e.pointer === '/definition/widgets/0/type').message).toMatch(
      /应当/,
    );
    const definitionEn = await expectProblem(
      await app.request('/api/dashboards/loans', {
        method: 'PUT',
        json: { definition: radar },
        ...inLanguage('en'),
      }),
      422,
      'dashboards.invalid_definition',
    );
    expect(definitionEn.detail).toMatch(/^the dashboard definition is invalid/);
  });

  it('a filter value such as a SQL comment is only ever a value: nothing matches and nothing is dropped', async () => {
    const res = await query(count([{ field: '/status', op: 'eq', value: "'; drop table records; --" }]));
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.rows).toEqual([[0]]);
    const contains = await json(
      await query(count([{ field: '/status', op: 'contains', value: "%' or '1'='1" }])),
    );
    expect(contains.rows).toEqual([[0]]);
    expect(await recordsLeft()).toBe(3);
  });

  it('a field that is not in the form’s schema is a 422 naming it, SQL in the name included', async () => {
    const unknown = await expectProblem(
      await query({
        query: { dataset: { form: 'loan' }, measures: [{ id: 's', op: 'sum', field: '/nope' }] },
      }),
      422,
      'dashboards.unknown_field',
    );
    expect(unknown.errors).toEqual([
      expect.objectContaining({
        pointer: '/query/measures/0/field',
        message: expect.stringContaining('/nope'),
      }),
    ]);
    const injected = await expectProblem(
      await query(count([{ field: "/status'; drop table records; --", op: 'eq', value: 'x' }])),
      422,
      'dashboards.unknown_field',
    );
    expect(injected.errors[0].pointer).toBe('/query/filters/0/field');
    // A list cannot be a dimension: it has no single value per record.
    await expectProblem(
      await query({
        query: {
          dataset: { form: 'loan' },
          dimensions: [{ id: 't', field: '/tags' }],
          measures: [{ id: 'n', op: 'count' }],
        },
      }),
      422,
      'dashboards.unknown_field',
    );
    expect(await recordsLeft()).toBe(3);
  });

  it('an unknown measure is a 422: an op that does not exist, or a ratio of a measure that does not', async () => {
    const op = await expectProblem(
      await query({
        query: { dataset: { form: 'loan' }, measures: [{ id: 'm', op: 'median', field: '/amount' }] },
      }),
      422,
      'dashboards.unknown_measure',
    );
    expect(op.errors.map((e: Body) => e.pointer)).toContain('/query/measures/0/op');
    const ratio = await expectProblem(
      await query({
        query: {
          dataset: { form: 'loan' },
          measures: [
            { id: 'n', op: 'count' },
            { id: 'r', op: 'ratio', numerator: 'ghost', denominator: 'n' },
          ],
        },
      }),
      422,
      'dashboards.unknown_measure',
    );
    expect(ratio.errors[0].pointer).toBe('/query/measures/1/numerator');
  });

  it('a huge limit is a 422 pointing at it', async () => {
    const body = await expectProblem(
      await query(count([], { limit: 1_000_000 })),
      422,
      'dashboards.invalid_query',
    );
    expect(body.errors.map((e: Body) => e.pointer)).toContain('/query/limit');
  });

  it('a sensitive field needs sensitive.view, and a form needs its view grant', async () => {
    const byBorrower = {
      query: {
        dataset: { form: 'loan' },
        dimensions: [{ id: 'who', field: '/borrower' }],
        measures: [{ id: 'n', op: 'count' }],
      },
    };
    const editor = {
      permissions: ['records.view', 'records.view_all_teams', 'dashboards.edit'] as Permission[],
    };
    await expectProblem(await query(byBorrower, editor), 403, 'dashboards.sensitive_field');
    expect((await query(byBorrower)).status).toBe(200);
    const noForms = { permissions: ['dashboards.edit'] as Permission[] };
    await expectProblem(await query(count(), noForms), 403, 'dashboards.form_forbidden');
    await expectProblem(
      await query(count(), { permissions: ['dashboards.view'] as Permission[] }),
      403,
      'auth.forbidden',
    );
  });

  it('definitions are saved as versions; a save over a newer version is a 409', async () => {
    const created = await app.request('/api/dashboards/loans', {
      method: 'PUT',
      json: { definition: board(), baseVersion: null },
    });
    expect(created.status, JSON.stringify(await created.clone().json())).toBe(201);
    expect(await json(created)).toMatchObject({
      key: 'loans',
      version: 1,
      builtin: false,
      savedBy: 'user-admin',
    });
    const second = await app.request('/api/dashboards/loans', {
      method: 'PUT',
      json: {
        definition: board(count([{ field: '/status', op: 'eq', value: 'OPEN' }]).query),
        baseVersion: 1,
      },
    });
    expect(second.status).toBe(200);
    expect((await json(second)).version).toBe(2);
    await expectProblem(
      await app.request('/api/dashboards/loans', {
        method: 'PUT',
        json: { definition: board(), baseVersion: 1 },
      }),
      409,
      'dashboards.version_conflict',
    );
    const versions = await json(await app.request('/api/dashboards/loans/versions'));
    expect(versions.map((v: Body) => v.version)).toEqual([2, 1]);
    const first = await json(await app.request('/api/dashboards/loans?version=1'));
    expect(first.definition.widgets[0].query.filters).toEqual([]);
    const list = await json(await app.request('/api/dashboards'));
    expect(list).toEqual([expect.objectContaining({ key: 'loans', latestVersion: 2 })]);
    // Version 2 counts the open loans only: 2.
    const data = await json(await app.request('/api/dashboards/loans/data?from=2025-06-01&to=2025-06-30'));
    expect(data.widgets[0]).toMatchObject({ id: 'total', kpi: { value: 2 }, rows: [[2]] });
    await expectProblem(await app.request('/api/dashboards/nothing-here'), 404, 'dashboards.not_found');
  });

  it('a definition that fails its JSON Schema, or whose queries do not fit the forms, is a 422 with pointers', async () => {
    const radar = board();
    (radar.widgets[0] as Body).type = 'radar';
    const schema = await expectProblem(
      await app.request('/api/dashboards/loans2', {
        method: 'PUT',
        json: { definition: { ...radar, key: 'loans2' } },
      }),
      422,
      'dashboards.invalid_definition',
    );
    expect(schema.errors.map((e: Body) => e.pointer)).toContain('/definition/widgets/0/type');
    const grid = board(count().query);
    (grid.widgets[0] as Body).layout = { x: 10, y: 0, w: 4, h: 2 };
    const wide = await expectProblem(
      await app.request('/api/dashboards/loans', { method: 'PUT', json: { definition: grid } }),
      422,
      'dashboards.invalid_definition',
    );
    expect(wide.errors[0].pointer).toBe('/definition/widgets/0/layout');
    const field = await expectProblem(
      await app.request('/api/dashboards/loans', {
        method: 'PUT',
        json: {
          definition: board({
            dataset: { form: 'loan' },
            measures: [{ id: 's', op: 'sum', field: '/principal' }],
          }),
        },
      }),
      422,
      'dashboards.unknown_field',
    );
    expect(field.errors[0].pointer).toBe('/definition/widgets/0/query/measures/0/field');
    await expectProblem(
      await app.request('/api/dashboards/other', { method: 'PUT', json: { definition: board() } }),
      422,
      'dashboards.key_mismatch',
    );
    await expectProblem(
      await app.request('/api/dashboards/loans/data?from=2025-13-01&to=2025-06-30'),
      422,
      'dashboards.invalid_filter',
    );
  });
});
