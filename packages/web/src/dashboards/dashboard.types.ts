import type { Problem } from '../api/client';
import type { RecordView } from '../api/types';

/**
 * The dashboards API's JSON (packages/server/src/routes/dashboards.routes.ts and the definition's
 * JSON Schema in packages/server/src/dashboards/dashboard-definition.schema.ts), as the web app reads it.
 */
export interface Localized {
  'zh-CN': string;
  en: string;
}

export type WidgetType = 'kpi' | 'bar' | 'line' | 'pie' | 'donut' | 'funnel' | 'gauge' | 'table' | 'pivot';
export const WIDGET_TYPES: readonly WidgetType[] = [
  'kpi',
  'bar',
  'line',
  'pie',
  'donut',
  'funnel',
  'gauge',
  'table',
  'pivot',
];
export type ValueFormat = 'number' | 'integer' | 'percent' | 'money' | 'duration';
export type MeasureOp = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'countDistinct' | 'sumProduct' | 'ratio';
export type DateBucket = 'day' | 'week' | 'month';
export type ProcessDataset = 'tasks' | 'instances' | 'history';

export interface MeasureSpec {
  id: string;
  op: MeasureOp;
  label?: Localized;
  format?: ValueFormat;
  field?: string;
  fields?: string[];
  divideBy?: number | string;
  numerator?: string;
  denominator?: string;
  filters?: unknown[];
}

export interface DimensionSpec {
  id: string;
  field: string;
  bucket?: DateBucket;
  label?: Localized;
}

export interface PartSpec {
  dataset: { form: string } | { process: ProcessDataset };
  lookups?: unknown[];
  dimensions?: DimensionSpec[];
  measures: MeasureSpec[];
  filters?: unknown[];
  follow?: Record<string, string>;
}

export interface QuerySpec extends PartSpec {
  combine?: PartSpec[];
  sort?: { by: string; direction?: 'asc' | 'desc' }[];
  limit?: number;
}

export interface GridLayout {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface WidgetSpec {
  id: string;
  type: WidgetType;
  title: Localized;
  description?: Localized;
  formula?: Localized;
  layout: GridLayout;
  query: QuerySpec;
  show?: string[];
  value?: string;
  target?: { value: number | string } | { measure: string };
  compare?: 'previousPeriod';
  gauge?: { min?: number | string; max?: number | string };
  chart?: { stacked?: boolean; horizontal?: boolean; smooth?: boolean; area?: boolean };
  pivot?: { rows: string[]; columns: string[]; value: string };
  drill?: boolean | { columns?: string[] };
}

export type FilterType = 'dateRange' | 'team' | 'collector' | 'bucket' | 'currency';

export interface DashboardFilterSpec {
  id: string;
  type: FilterType;
  label: Localized;
  default?: string;
  options?: string[];
}

export interface DashboardDefinition {
  key: string;
  title: Localized;
  description?: Localized;
  timeZone?: string;
  refreshSeconds?: number;
  grid?: { columns: number; rowHeight: number };
  filters?: DashboardFilterSpec[];
  widgets: WidgetSpec[];
}

export interface Dashboard {
  key: string;
  version: number;
  title: Localized;
  definition: DashboardDefinition;
  builtin: boolean;
  savedAt: string;
  savedBy: string;
}

export interface DashboardListItem {
  key: string;
  title: Localized;
  latestVersion: number;
  updatedAt: string;
  updatedBy: string;
}

export interface DashboardVersion {
  version: number;
  builtin: boolean;
  savedAt: string;
  savedBy: string;
}

export interface ColumnMeta {
  id: string;
  role: 'dimension' | 'measure';
  type: 'string' | 'decimal' | 'integer' | 'boolean' | 'date' | 'date-time';
  label?: Localized;
  format?: ValueFormat;
  bucket?: DateBucket;
}

export interface KpiData {
  value: unknown;
  previous?: unknown;
  change?: string | null;
  changeRatio?: string | null;
  target?: string | null;
  attainment?: string | null;
}

export interface WidgetData {
  id: string;
  type: string;
  columns?: ColumnMeta[];
  rows?: unknown[][];
  truncated?: boolean;
  kpi?: KpiData;
  drillable?: boolean;
  error?: Problem;
}

export interface DateRange {
  from: string;
  to: string;
}

export interface AppliedFilters {
  timeZone: string;
  period: DateRange | null;
  previousPeriod: DateRange | null;
  values: Record<string, string[]>;
}

export interface DashboardData {
  key: string;
  version: number;
  filters: AppliedFilters;
  generatedAt: string;
  widgets: WidgetData[];
}

export interface DrillPage {
  widgetId: string;
  form: string;
  recordsFilter: string[] | null;
  columns: string[] | null;
  items: RecordView[];
  nextCursor: string | null;
}

/** A clicked data point: a value per dimension id ('' for the empty group) and the measure clicked. */
export interface DataPoint {
  at: Record<string, string>;
  measure?: string;
  /** What the user clicked, for the drill-down's heading. */
  label: string;
}
