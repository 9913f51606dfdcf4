import type { MessageKey } from '../i18n/messages';
import {
  ADDABLE_TYPES,
  AGGREGATE_OPS,
  type AggregateOp,
  type BuilderDimension,
  type BuilderFilter,
  type BuilderMeasure,
  type BuilderState,
  type FilterOp,
  initialState,
  type KeptText,
  MAX_LOOKUPS,
  MAX_MEASURES,
  SINGLE_VALUE_TYPES,
} from './dashboard.builder-model';
import type { DashboardFilterSpec, DimensionSpec, MeasureSpec, WidgetSpec } from './dashboard.types';

/**
 * The inverse of buildWidget: a saved widget as the builder's state, so that it reopens pre-filled
 * and buildWidget gives its query back unchanged; or why the builder cannot express it (parts of
 * other datasets combined, a product of fields, grouped or computed conditions...), as data.
 */
export type Reopened = { ok: true; state: BuilderState } | { ok: false; reasons: MessageKey[] };

const FILTER_OPS: readonly FilterOp[] = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'in',
  'notIn',
  'isNull',
  'notNull',
];

export function reopenWidget(widget: WidgetSpec, dashboardFilters: readonly DashboardFilterSpec[]): Reopened {
  const reasons = new Set<MessageKey>();
  const not = (reason: MessageKey): undefined => {
    reasons.add(reason);
  };
  const query = widget.query;
  if (query.combine && query.combine.length > 0) not('dashReopenCombine');
  if (!ADDABLE_TYPES.includes(widget.type)) not('dashReopenShape');

  const plain = query.measures.filter((m) => m.op !== 'ratio');
  const ratios = query.measures.filter((m) => m.op === 'ratio');
  // The builder keeps one ratio, after the measures it divides.
  if (ratios.length > 1 || (ratios.length === 1 && query.measures.at(-1)?.op !== 'ratio'))
    not('dashReopenShape');
  if (plain.length === 0 || plain.length > MAX_MEASURES) not('dashReopenShape');
  const measures = plain.flatMap((m): BuilderMeasure[] => {
    if (!AGGREGATE_OPS.includes(m.op as AggregateOp)) return not('dashReopenMeasure') ?? [];
    const filters = filtersOf(m.filters, not);
    return [
      {
        id: m.id,
        op: m.op as AggregateOp,
        ...(m.field !== undefined ? { field: m.field } : {}),
        filters,
        kept: keptOf(m),
      },
    ];
  });
  const ratio = ratios[0];

  const single = SINGLE_VALUE_TYPES.includes(widget.type);
  const pivot = widget.type === 'pivot';
  const dims = query.dimensions ?? [];
  if (dims.length > (pivot ? 2 : single ? 0 : 1) || (pivot && dims.length < 2)) not('dashReopenShape');
  const main = ratio?.id ?? plain[0]?.id;
  if (single && widget.value !== undefined && widget.value !== main) not('dashReopenShape');
  if (
    pivot &&
    (widget.pivot?.rows.join() !== dims[0]?.id ||
      widget.pivot?.columns.join() !== dims[1]?.id ||
      widget.pivot?.value !== main)
  )
    not('dashReopenShape');

  if ((query.lookups?.length ?? 0) > MAX_LOOKUPS) not('dashReopenShape');
  const lookups = (query.lookups ?? []).map((l) => {
    const { id, form, from, to } = l as { id: string; form: string; from: string; to: string };
    return { id, form, from, to };
  });

  const follow: Record<string, string | null> = {};
  let periodField: string | undefined;
  const declared = new Set(dashboardFilters.map((f) => f.id));
  for (const id of Object.keys(query.follow ?? {})) if (!declared.has(id)) not('dashReopenShape');
  for (const filter of dashboardFilters) {
    const field = query.follow?.[filter.id];
    if (filter.type === 'dateRange') periodField = field;
    else follow[filter.id] = field ?? null;
  }

  const filters = filtersOf(query.filters, not);
  if (reasons.size > 0) return { ok: false, reasons: [...reasons] };
  const dimension = (d: DimensionSpec | undefined, bucket: BuilderDimension['bucket']): BuilderDimension =>
    d ? { field: d.field, bucket: d.bucket ?? bucket, id: d.id, kept: keptOf(d) } : { bucket };
  return {
    ok: true,
    state: {
      ...initialState(),
      dataset: 'form' in query.dataset ? `form:${query.dataset.form}` : `process:${query.dataset.process}`,
      type: widget.type,
      lookups,
      measures,
      ratio: ratio
        ? { numerator: ratio.numerator, denominator: ratio.denominator, id: ratio.id, kept: keptOf(ratio) }
        : null,
      dimensions: [dimension(dims[0], 'day'), dimension(dims[1], 'month')],
      filters,
      ...(periodField !== undefined ? { periodField } : {}),
      follow,
      order: {
        ...(dims[0] ? { dimension: dims[0].field } : {}),
        ...(query.sort ? { sort: query.sort } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      },
    },
  };
}

const keptOf = (part: Pick<MeasureSpec, 'label' | 'format'>): KeptText => ({
  ...(part.label ? { label: part.label } : {}),
  ...(part.format ? { format: part.format } : {}),
});

/** Plain conditions of a field, an operator and literal values; anything else is not the builder's. */
function filtersOf(
  list: readonly unknown[] | undefined,
  not: (reason: MessageKey) => undefined,
): BuilderFilter[] {
  return (list ?? []).flatMap((raw): BuilderFilter[] => {
    const f = raw as { field?: unknown; op?: unknown; value?: unknown; values?: unknown };
    const literal = (v: unknown) => typeof v === 'string' || typeof v === 'boolean';
    if (typeof f.field !== 'string' || !FILTER_OPS.includes(f.op as FilterOp))
      return not('dashReopenFilter') ?? [];
    if (f.value !== undefined && !literal(f.value)) return not('dashReopenFilter') ?? [];
    if (f.values !== undefined && !(Array.isArray(f.values) && f.values.every(literal)))
      return not('dashReopenFilter') ?? [];
    return [
      {
        field: f.field,
        op: f.op as FilterOp,
        value: f.value === undefined ? '' : String(f.value),
        values: Array.isArray(f.values) ? f.values.map(String) : [],
      },
    ];
  });
}

/**
 * The reopened widget saved: the builder's type, query and what it derives from them, in the
 * original's place (same id and layout), with what the builder does not edit kept (description,
 * chart options, drill-down, a target still in the query). Its formula is dropped when the query
 * changed, as it would describe a computation the widget no longer makes; so are a drill-down's
 * columns when the dataset changed.
 */
export function replaceWidget(original: WidgetSpec, built: WidgetSpec): WidgetSpec {
  const { type, query, value, show, compare, pivot, target, formula, drill, ...own } = original;
  const { id: _, layout: __, ...made } = built;
  const sameQuery = JSON.stringify(query) === JSON.stringify(built.query);
  const sameDataset = JSON.stringify(query.dataset) === JSON.stringify(built.query.dataset);
  const keepTarget =
    target !== undefined && ('value' in target || built.query.measures.some((m) => m.id === target.measure));
  return {
    ...own,
    ...made,
    ...(keepTarget ? { target } : {}),
    ...(formula && sameQuery ? { formula } : {}),
    ...(drill !== undefined && (sameDataset || typeof drill === 'boolean') ? { drill } : {}),
    id: original.id,
    layout: original.layout,
  };
}
