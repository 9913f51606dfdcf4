import { describe, expect, it } from 'vitest';
import {
  type BuilderState,
  buildWidget,
  type FieldChoice,
  filterOpsFor,
  initialState,
  lookupChoices,
  lookupIdFor,
  nextMeasureId,
  pruneState,
} from '../src/dashboards/dashboard.builder-model';
import type { DashboardFilterSpec } from '../src/dashboards/dashboard.types';

const label = (en: string, zh = en) => ({ 'zh-CN': zh, en });
const payment: FieldChoice[] = [
  { field: '/caseNumber', label: label('Case number', '案件编号'), kind: 'string' },
  { field: '/amount', label: label('Amount', '金额'), kind: 'decimal' },
  { field: '/currency', label: label('Currency', '币种'), kind: 'string' },
  {
    field: '/method',
    label: label('Method', '还款方式'),
    kind: 'string',
    options: [
      { value: 'BANK_TRANSFER', label: label('Bank transfer', '银行转账') },
      { value: 'ALIPAY', label: label('Alipay', '支付宝') },
    ],
  },
  { field: '/receivedAt', label: label('Received at', '到账时间'), kind: 'date-time' },
  { field: '/reversed', label: label('Reversed', '已冲正'), kind: 'boolean' },
];
const debtCase: FieldChoice[] = [
  { field: '/caseNumber', label: label('Case number', '案件编号'), kind: 'string' },
  { field: '/team', label: label('Team', '小组'), kind: 'string' },
  { field: '/dpdBucket', label: label('Bucket (days)', '逾期阶段'), kind: 'string' },
  { field: '/dueDate', label: label('Due date', '到期日'), kind: 'date' },
  { field: '/daysPastDue', label: label('Days past due', '逾期天数'), kind: 'number' },
];
const caseFields = lookupChoices('debt-case', label('Debt case', '债务案件'), debtCase);
const choices = [...payment, ...caseFields];
const filters: DashboardFilterSpec[] = [
  { id: 'period', type: 'dateRange', label: label('Period') },
  { id: 'team', type: 'team', label: label('Team') },
  { id: 'currency', type: 'currency', label: label('Currency') },
];
const caseLookup = { id: 'debt-case', form: 'debt-case', from: '/caseNumber', to: '/caseNumber' };

const state = (change: Partial<BuilderState>): BuilderState => ({
  ...initialState(),
  dataset: 'form:payment',
  periodField: '/receivedAt',
  ...change,
});
const build = (s: BuilderState) => buildWidget(s, { choices, filters });
const problemsOf = (s: BuilderState) => {
  const out = build(s);
  return out.ok ? [] : out.problems;
};

describe('the widget builder turns what the user picked into a query', () => {
  it('a ratio KPI of a filtered sum over a sum, through a lookup, follows the dashboard filters and shows a percentage', () => {
    const out = build(
      state({
        type: 'kpi',
        lookups: [caseLookup],
        measures: [
          {
            id: 'value',
            op: 'sum',
            field: '/amount',
            filters: [{ field: 'debt-case:/dpdBucket', op: 'in', value: '', values: ['30-59'] }],
          },
          { id: 'value2', op: 'sum', field: '/amount', filters: [] },
        ],
        ratio: { numerator: 'value', denominator: 'value2' },
      }),
    );
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.query).toEqual({
      dataset: { form: 'payment' },
      lookups: [caseLookup],
      measures: [
        {
          id: 'value',
          op: 'sum',
          field: '/amount',
          filters: [{ field: 'debt-case:/dpdBucket', op: 'in', values: ['30-59'] }],
          format: 'money',
          label: { 'zh-CN': '金额求和（筛选后）', en: 'Sum of Amount (filtered)' },
        },
        {
          id: 'value2',
          op: 'sum',
          field: '/amount',
          format: 'money',
          label: { 'zh-CN': '金额求和', en: 'Sum of Amount' },
        },
        {
          id: 'ratio',
          op: 'ratio',
          numerator: 'value',
          denominator: 'value2',
          format: 'percent',
          label: {
            'zh-CN': '金额求和（筛选后） ÷ 金额求和',
            en: 'Sum of Amount (filtered) ÷ Sum of Amount',
          },
        },
      ],
      // The team through the lookup (payments have none), the currency and period their own.
      follow: { period: '/receivedAt', team: 'debt-case:/team', currency: '/currency' },
    });
    expect(out.widget).toMatchObject({
      type: 'kpi',
      value: 'ratio',
      show: ['ratio'],
      compare: 'previousPeriod',
      layout: { w: 3, h: 2 },
    });
  });

  it('a pivot groups rows by a looked-up field and columns by a date bucket', () => {
    const out = build(
      state({
        type: 'pivot',
        lookups: [caseLookup],
        measures: [{ id: 'value', op: 'count', filters: [] }],
        dimensions: [
          { field: 'debt-case:/team', bucket: 'day' },
          { field: '/receivedAt', bucket: 'week' },
        ],
      }),
    );
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.query.dimensions).toEqual([
      {
        id: 'group',
        field: 'debt-case:/team',
        label: { 'zh-CN': '债务案件 › 小组', en: 'Debt case › Team' },
      },
      {
        id: 'across',
        field: '/receivedAt',
        bucket: 'week',
        label: { 'zh-CN': '到账时间（按周）', en: 'Received at (By week)' },
      },
    ]);
    expect(out.query.measures).toEqual([
      { id: 'value', op: 'count', label: { 'zh-CN': '计数', en: 'Count' } },
    ]);
    expect(out.query.sort).toBeUndefined();
    expect(out.widget.pivot).toEqual({ rows: ['group'], columns: ['across'], value: 'value' });
  });

  it('a bar by a text field sorts its bars by the measure, biggest first, and a KPI drops the dimension', () => {
    const bar = build(state({ dimensions: [{ field: '/method', bucket: 'day' }, { bucket: 'month' }] }));
    expect(bar.ok && bar.query.sort).toEqual([{ by: 'value', direction: 'desc' }]);
    expect(bar.ok && bar.query.limit).toBe(50);
    const kpi = build(
      state({ type: 'kpi', dimensions: [{ field: '/method', bucket: 'day' }, { bucket: 'month' }] }),
    );
    expect(kpi.ok && kpi.query.dimensions).toBeUndefined();
  });

  it('condition values are typed as the server checks them: numbers as decimal text, yes/no as booleans', () => {
    const out = build(
      state({
        lookups: [caseLookup],
        measures: [
          {
            id: 'value',
            op: 'count',
            filters: [
              { field: 'debt-case:/daysPastDue', op: 'gte', value: ' 30 ', values: [] },
              { field: '/reversed', op: 'eq', value: 'false', values: [] },
              { field: '/amount', op: 'notNull', value: 'ignored', values: [] },
            ],
          },
        ],
      }),
    );
    expect(out.ok && out.query.measures[0]?.filters).toEqual([
      { field: 'debt-case:/daysPastDue', op: 'gte', value: '30' },
      { field: '/reversed', op: 'eq', value: false },
      { field: '/amount', op: 'notNull' },
    ]);
  });
});

describe('states that are not a query yet say what is missing, where', () => {
  it('no dataset', () => {
    expect(problemsOf({ ...initialState() })).toEqual([{ at: 'dataset', message: 'dashNeedDataset' }]);
  });

  it('a sum without its field, a condition without a value, a number that is not one', () => {
    expect(
      problemsOf(
        state({
          measures: [
            {
              id: 'value',
              op: 'sum',
              filters: [
                { field: '/method', op: 'in', value: '', values: [] },
                { field: '/amount', op: 'gt', value: '1,000', values: [] },
                { field: '/receivedAt', op: 'gte', value: '2025-06-01', values: [] },
              ],
            },
          ],
        }),
      ),
    ).toEqual([
      { at: 'measures/0/field', message: 'dashFieldRequired' },
      { at: 'measures/0/filters/0/value', message: 'dashFilterValueRequired' },
      { at: 'measures/0/filters/1/value', message: 'dashFilterBadNumber' },
      { at: 'measures/0/filters/2/value', message: 'dashFilterBadDateTime' },
    ]);
  });

  it('a sum of a text field, and an operator the server refuses for the field', () => {
    expect(
      problemsOf(
        state({
          measures: [
            {
              id: 'value',
              op: 'sum',
              field: '/method',
              filters: [{ field: '/receivedAt', op: 'eq', value: '2025-06-01T00:00:00Z', values: [] }],
            },
          ],
        }),
      ),
    ).toEqual([
      { at: 'measures/0/field', message: 'dashFieldWrongKind' },
      { at: 'measures/0/filters/0/op', message: 'dashFilterBadOp' },
    ]);
  });

  it('a ratio of a measure by itself, or of one that was removed', () => {
    const two = [
      { id: 'value', op: 'count' as const, filters: [] },
      { id: 'value2', op: 'count' as const, filters: [] },
    ];
    expect(problemsOf(state({ measures: two, ratio: { numerator: 'value', denominator: 'value' } }))).toEqual(
      [{ at: 'ratio', message: 'dashRatioNeedsTwo' }],
    );
    expect(
      problemsOf(state({ measures: two, ratio: { numerator: 'value', denominator: 'value3' } })),
    ).toEqual([{ at: 'ratio', message: 'dashRatioNeedsTwo' }]);
  });

  it('a pivot without columns, or with the same field twice', () => {
    expect(
      problemsOf(
        state({ type: 'pivot', dimensions: [{ field: '/method', bucket: 'day' }, { bucket: 'month' }] }),
      ),
    ).toEqual([{ at: 'dimensions/1', message: 'dashPivotNeedsTwo' }]);
    expect(
      problemsOf(
        state({
          type: 'pivot',
          dimensions: [
            { field: '/method', bucket: 'day' },
            { field: '/method', bucket: 'day' },
          ],
        }),
      ),
    ).toEqual([{ at: 'dimensions/1', message: 'dashPivotSameField' }]);
  });

  it('an unfinished lookup, and a field of a lookup that is gone', () => {
    expect(
      problemsOf(state({ lookups: [{ id: 'debt-case', form: 'debt-case', from: '/caseNumber' }] })),
    ).toEqual([{ at: 'lookups/0', message: 'dashLookupIncomplete' }]);
    const out = buildWidget(
      state({ dimensions: [{ field: 'debt-case:/team', bucket: 'day' }, { bucket: 'month' }] }),
      { choices: payment, filters },
    );
    expect(out.ok ? [] : out.problems).toEqual([{ at: 'dimensions/0', message: 'dashFieldGone' }]);
  });
});

describe('the builder’s helpers', () => {
  it('offers only the operators the server accepts for the field’s kind', () => {
    const at = (field: string) => filterOpsFor(choices.find((c) => c.field === field));
    expect(at('/receivedAt')).toEqual(['gt', 'gte', 'lt', 'lte', 'isNull', 'notNull']);
    expect(at('/method')).not.toContain('contains');
    expect(at('/reversed')).toEqual(['eq', 'ne', 'isNull', 'notNull']);
    expect(at('/amount')).toContain('gte');
  });

  it('drops picks of fields that are no longer offered, and keeps the state when nothing changes', () => {
    const s = state({
      lookups: [caseLookup],
      measures: [
        {
          id: 'value',
          op: 'count',
          filters: [{ field: 'debt-case:/team', op: 'eq', value: 'early-cn', values: [] }],
        },
      ],
      dimensions: [{ field: 'debt-case:/dpdBucket', bucket: 'day' }, { bucket: 'month' }],
    });
    expect(pruneState(s, choices, payment)).toBe(s);
    const pruned = pruneState(s, payment, payment);
    expect(pruned.measures[0]?.filters[0]?.field).toBeUndefined();
    expect(pruned.dimensions[0].field).toBeUndefined();
    expect(pruned.lookups[0]?.from).toBe('/caseNumber');
  });

  it('new measure and lookup ids are free and valid ids', () => {
    expect(nextMeasureId([{ id: 'value', op: 'count', filters: [] }])).toBe('value2');
    expect(lookupIdFor('debt-case', [caseLookup])).toBe('debt-case-2');
    expect(lookupIdFor('debt-case', [])).toBe('debt-case');
  });
});
