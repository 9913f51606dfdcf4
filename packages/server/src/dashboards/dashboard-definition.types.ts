/**
 * A dashboard as stored and served: JSON, validated by dashboardDefinitionJsonSchema and then by
 * checkDashboardDefinition. The web app renders it; the server runs its queries.
 */

export type LocalizedText = { 'zh-CN': string; en: string };

/**
 * A field: '/pointer' into the dataset's form data, '@column' of the dataset (records: @createdAt,
 * @updatedAt, @ownerTeamId, @assigneeId, @formVersion...; process datasets: their columns), and
 * either prefixed with a lookup id: 'case:/team'.
 */
export type FieldRef = string;

export type DatasetSpec = { form: string } | { process: 'tasks' | 'instances' | 'history' };

/** Each row's one record of another form whose `to` field equals this row's `from` field. */
export interface LookupSpec {
  id: string;
  form: string;
  from: FieldRef;
  to: string;
}

export type DateBucket = 'day' | 'week' | 'month';

export interface DimensionSpec {
  id: string;
  field: FieldRef;
  bucket?: DateBucket;
  label?: LocalizedText;
}

export type ValueFormat = 'number' | 'integer' | 'percent' | 'money' | 'duration';

/** A date relative to the dashboard's date range: { "$param": "from", "days": -30 }. */
export interface DateParam {
  $param: 'from' | 'to';
  days?: number;
}

export type FilterValue = string | number | boolean | DateParam;

export type FilterSpec =
  | {
      field: FieldRef;
      op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains';
      value: FilterValue;
    }
  | { field: FieldRef; op: 'in' | 'notIn'; values: (string | number | boolean)[] }
  | { field: FieldRef; op: 'isNull' | 'notNull' }
  | { or: FilterSpec[] }
  | { and: FilterSpec[] };

interface MeasureCommon {
  id: string;
  label?: LocalizedText;
  format?: ValueFormat;
}

export type MeasureSpec = MeasureCommon &
  (
    | { op: 'count'; filters?: FilterSpec[] }
    | { op: 'sum' | 'avg' | 'min' | 'max' | 'countDistinct'; field: FieldRef; filters?: FilterSpec[] }
    | { op: 'sumProduct'; fields: [FieldRef, FieldRef]; divideBy?: number | string; filters?: FilterSpec[] }
    | { op: 'ratio'; numerator: string; denominator: string }
  );

/** One dataset's side of a query. */
export interface PartSpec {
  dataset: DatasetSpec;
  lookups?: LookupSpec[];
  dimensions?: DimensionSpec[];
  measures: MeasureSpec[];
  filters?: FilterSpec[];
  /** Dashboard filter id → the field it narrows in this dataset; filters not listed leave it alone. */
  follow?: Record<string, FieldRef>;
}

export interface QuerySpec extends PartSpec {
  /** Other datasets aggregated by the same dimensions (same ids, same order) and joined on their values. */
  combine?: PartSpec[];
  sort?: { by: string; direction?: 'asc' | 'desc' }[];
  limit?: number;
}

export type WidgetType = 'kpi' | 'bar' | 'line' | 'pie' | 'donut' | 'funnel' | 'gauge' | 'table' | 'pivot';

export interface WidgetSpec {
  id: string;
  type: WidgetType;
  title: LocalizedText;
  description?: LocalizedText;
  /** How the number is worked out, in words: shown next to the KPI. */
  formula?: LocalizedText;
  layout: { x: number; y: number; w: number; h: number };
  query: QuerySpec;
  /** Measure ids to draw, in order; all measures when absent. */
  show?: string[];
  /** kpi and gauge: the measure shown; the first of `show` when absent. */
  value?: string;
  target?: { value: string | number } | { measure: string };
  /** kpi: also run the query over the previous period and report the change. */
  compare?: 'previousPeriod';
  gauge?: { min?: string | number; max?: string | number };
  chart?: { stacked?: boolean; horizontal?: boolean; smooth?: boolean; area?: boolean };
  pivot?: { rows: string[]; columns: string[]; value: string };
  /**
   * Clicking a data point lists its records (records datasets only); on by default. `columns`:
   * the fields of the dataset's form the list shows ('/pointer'), in order.
   */
  drill?: boolean | { columns?: string[] };
}

export type DatePreset =
  | 'today'
  | 'last7Days'
  | 'last30Days'
  | 'thisWeek'
  | 'thisMonth'
  | 'lastMonth'
  | 'thisQuarter'
  | 'thisYear'
  | 'last12Months';

export type DashboardFilterSpec =
  | { id: string; type: 'dateRange'; label: LocalizedText; default?: DatePreset }
  | {
      id: string;
      type: 'team' | 'collector' | 'bucket' | 'currency';
      label: LocalizedText;
      default?: string;
      options?: string[];
    };

export interface DashboardDefinition {
  key: string;
  title: LocalizedText;
  description?: LocalizedText;
  /** IANA zone the date range and date buckets are read in; Asia/Shanghai when absent. */
  timeZone?: string;
  /** Auto-refresh interval of the rendered dashboard; off when absent. */
  refreshSeconds?: number;
  grid?: { columns: number; rowHeight: number };
  filters?: DashboardFilterSpec[];
  widgets: WidgetSpec[];
}
