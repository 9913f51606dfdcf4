import { format, type Locale, type MessageKey } from '../i18n/messages';
import type {
  DashboardFilterSpec,
  DateBucket,
  DimensionSpec,
  Localized,
  MeasureSpec,
  ProcessDataset,
  QuerySpec,
  ValueFormat,
  WidgetSpec,
  WidgetType,
} from './dashboard.types';
import { dashboardMessagesEn } from './dashboards.messages.en';
import { dashboardMessagesZhCN } from './dashboards.messages.zh-CN';

/** Widget labels are written in both languages at once, so both of this module's string sets are needed. */
const BILINGUAL = { 'zh-CN': dashboardMessagesZhCN, en: dashboardMessagesEn } as const;
type DashboardMessageKey = keyof typeof dashboardMessagesZhCN;

/**
 * The widget builder's state and the pure function that turns it into a widget's QuerySpec: what
 * the user picked (dataset, lookups, measures with their conditions, a ratio, dimensions, chart
 * type), and the problems that keep it from being a query, as data the form shows next to the
 * pickers.
 */

/** A field's kind as the server types it (the store's AnalyticsFieldKind). */
export type FieldKind = 'string' | 'number' | 'decimal' | 'date' | 'date-time' | 'boolean';

export interface FieldChoice {
  /** The query's reference: '/amount', '@createdAt', or 'debt-case:/team' through a lookup. */
  field: string;
  label: Localized;
  kind: FieldKind;
  /** An enumeration's values and their labels. */
  options?: { value: string; label: Localized }[];
}

export type FilterOp =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'contains'
  | 'in'
  | 'notIn'
  | 'isNull'
  | 'notNull';

// The server's OPS_BY_KIND (packages/server/src/dashboards/query.resolver.ts): the builder offers
// only operators the server accepts for the field's kind.
const OPS_BY_KIND: Record<FieldKind, readonly FilterOp[]> = {
  string: ['eq', 'ne', 'in', 'notIn', 'contains', 'isNull', 'notNull'],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'isNull', 'notNull'],
  decimal: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'isNull', 'notNull'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'isNull', 'notNull'],
  'date-time': ['gt', 'gte', 'lt', 'lte', 'isNull', 'notNull'],
  boolean: ['eq', 'ne', 'isNull', 'notNull'],
};
// An enumeration is text to the server; "contains" on one of its codes would only confuse.
const ENUM_OPS: readonly FilterOp[] = ['in', 'notIn', 'eq', 'ne', 'isNull', 'notNull'];

export function filterOpsFor(choice: FieldChoice | undefined): readonly FilterOp[] {
  if (!choice) return ['eq'];
  return choice.options ? ENUM_OPS : OPS_BY_KIND[choice.kind];
}

export const isListOp = (op: FilterOp) => op === 'in' || op === 'notIn';
export const isUnaryOp = (op: FilterOp) => op === 'isNull' || op === 'notNull';

export type AggregateOp = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'countDistinct';
export const AGGREGATE_OPS: readonly AggregateOp[] = ['count', 'sum', 'avg', 'min', 'max', 'countDistinct'];

/** The kinds of field an aggregate takes (none for a count): the server's rules in resolveMeasure. */
export function fieldKindsFor(op: AggregateOp): readonly FieldKind[] {
  switch (op) {
    case 'count':
      return [];
    case 'sum':
    case 'avg':
      return ['number', 'decimal'];
    case 'min':
    case 'max':
      return ['number', 'decimal', 'date', 'date-time'];
    case 'countDistinct':
      return ['string', 'number', 'decimal', 'date', 'date-time', 'boolean'];
  }
}

export const isDateKind = (kind: FieldKind | undefined) => kind === 'date' || kind === 'date-time';
/** Fields a chart can group by: text, yes/no and dates (numbers would make a bar per amount). */
export const DIMENSION_KINDS: readonly FieldKind[] = ['string', 'boolean', 'date', 'date-time'];
/** Fields a lookup can match on. */
export const KEY_KINDS: readonly FieldKind[] = ['string', 'number'];

export interface BuilderFilter {
  field?: string;
  op: FilterOp;
  /** The value of a one-value operator, as typed or picked. */
  value: string;
  /** The values of in / not in. */
  values: string[];
}

/**
 * A reopened widget's own label and format, used as they are until the user changes what they
 * describe (the aggregate or field, the ratio's terms, the dimension's field or bucket).
 */
export interface KeptText {
  label?: Localized;
  format?: ValueFormat;
}

export interface BuilderMeasure {
  /** Stable while the builder is open, so that a ratio keeps pointing at it. */
  id: string;
  op: AggregateOp;
  field?: string;
  filters: BuilderFilter[];
  kept?: KeptText;
}

export interface BuilderRatio {
  numerator?: string;
  denominator?: string;
  /** A reopened widget's id for the ratio (RATIO_ID otherwise). */
  id?: string;
  kept?: KeptText;
}

export interface BuilderLookup {
  id: string;
  form?: string;
  /** A field of the dataset. */
  from?: string;
  /** A field of the looked-up form (a '/pointer'). */
  to?: string;
}

export interface BuilderDimension {
  field?: string;
  bucket: DateBucket;
  /** A reopened widget's id for the dimension ('group' / 'across' otherwise). */
  id?: string;
  kept?: KeptText;
}

export interface BuilderState {
  /** 'form:<key>' or 'process:<dataset>'. */
  dataset?: string;
  type: WidgetType;
  lookups: BuilderLookup[];
  measures: BuilderMeasure[];
  ratio: BuilderRatio | null;
  /** The grouping (a pivot's rows), then a pivot's columns. */
  dimensions: [BuilderDimension, BuilderDimension];
  /** Conditions every row must meet, whatever the measure. */
  filters: BuilderFilter[];
  /** The field the dashboard's date range narrows. */
  periodField?: string;
  /**
   * A reopened widget's choice of field for each other dashboard filter (null: not followed);
   * filters not named here follow the field the builder finds.
   */
  follow?: Record<string, string | null>;
  /** A reopened widget's sort and limit, kept while it groups by the same field. */
  order?: { dimension?: string; sort?: QuerySpec['sort']; limit?: number };
}

export const ADDABLE_TYPES: readonly WidgetType[] = [
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
/** Types that show one number: no dimension. */
export const SINGLE_VALUE_TYPES: readonly WidgetType[] = ['kpi', 'gauge'];
export const MAX_MEASURES = 6;
export const MAX_LOOKUPS = 3;
export const RATIO_ID = 'ratio';
const DIMENSION_IDS = ['group', 'across'] as const;

export const emptyFilter = (): BuilderFilter => ({ op: 'eq', value: '', values: [] });

export function initialState(): BuilderState {
  return {
    type: 'bar',
    lookups: [],
    measures: [{ id: 'value', op: 'count', filters: [] }],
    ratio: null,
    dimensions: [{ bucket: 'day' }, { bucket: 'month' }],
    filters: [],
  };
}

/** The next free measure id: value, value2, value3… */
export function nextMeasureId(measures: readonly BuilderMeasure[]): string {
  const taken = new Set(measures.map((m) => m.id));
  for (let n = 1; ; n++) {
    const id = n === 1 ? 'value' : `value${n}`;
    if (!taken.has(id)) return id;
  }
}

/** A lookup's id, from its form's key (a valid id already), unique among the lookups. */
export function lookupIdFor(form: string, others: readonly BuilderLookup[]): string {
  const taken = new Set(others.map((l) => l.id));
  for (let n = 1; ; n++) {
    const id = n === 1 ? form : `${form}-${n}`;
    if (!taken.has(id)) return id;
  }
}

/** The looked-up form's fields under the lookup's id, labelled "Debt case › Team". */
export function lookupChoices(lookupId: string, formTitle: Localized, fields: FieldChoice[]): FieldChoice[] {
  return fields
    .filter((f) => f.field.startsWith('/'))
    .map((f) => ({
      ...f,
      field: `${lookupId}:${f.field}`,
      label: {
        'zh-CN': `${formTitle['zh-CN']} › ${f.label['zh-CN']}`,
        en: `${formTitle.en} › ${f.label.en}`,
      },
    }));
}

/**
 * Clears every pick that names a field no longer offered (the dataset or a lookup changed), so the
 * form never holds a reference the user cannot see.
 */
export function pruneState(
  state: BuilderState,
  choices: readonly FieldChoice[],
  base: readonly FieldChoice[],
) {
  const has = (f: string | undefined, among: readonly FieldChoice[] = choices) =>
    f !== undefined && among.some((c) => c.field === f);
  const keep = (f: string | undefined, among?: readonly FieldChoice[]) => (has(f, among) ? f : undefined);
  const next: BuilderState = {
    ...state,
    lookups: state.lookups.map((l) => ({ ...l, from: keep(l.from, base) })),
    measures: state.measures.map((m) => ({
      ...m,
      field: keep(m.field),
      filters: m.filters.map((f) => ({ ...f, field: keep(f.field) })),
    })),
    dimensions: state.dimensions.map((d) => ({ ...d, field: keep(d.field) })) as BuilderState['dimensions'],
    filters: state.filters.map((f) => ({ ...f, field: keep(f.field) })),
    periodField: keep(state.periodField),
    ...(state.follow
      ? {
          follow: Object.fromEntries(Object.entries(state.follow).filter(([, f]) => f === null || has(f))),
        }
      : {}),
  };
  return JSON.stringify(next) === JSON.stringify(state) ? state : next;
}

export interface BuilderProblem {
  /** Where: 'dataset', 'lookups/0', 'measures/1/field', 'measures/0/filters/2/value', 'ratio', 'dimensions/1'. */
  at: string;
  message: MessageKey;
}

export interface BuildContext {
  /** The dataset's fields and the lookups' fields. */
  choices: readonly FieldChoice[];
  /** The dashboard's filters, which the widget follows where it has the field. */
  filters: readonly DashboardFilterSpec[];
}

export type BuildResult =
  | { ok: true; widget: Omit<WidgetSpec, 'id' | 'title'>; query: QuerySpec }
  | { ok: false; problems: BuilderProblem[] };

const DECIMAL = /^-?\d{1,28}(\.\d{1,12})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
// Dashboard filters a widget follows when its dataset (or a lookup) has the field.
const FOLLOWED_FIELD: Partial<Record<DashboardFilterSpec['type'], string>> = {
  team: '/team',
  currency: '/currency',
  collector: '/assignedCollectorId',
  bucket: '/dpdBucket',
};

const perLocale = (make: (locale: Locale) => string): Localized => ({
  'zh-CN': make('zh-CN'),
  en: make('en'),
});

/** Turns the builder's state into a widget (without id and title), or says what is missing. */
export function buildWidget(state: BuilderState, context: BuildContext): BuildResult {
  const problems: BuilderProblem[] = [];
  const problem = (at: string, message: MessageKey): undefined => {
    problems.push({ at, message });
  };
  const choiceOf = (field: string | undefined) => context.choices.find((c) => c.field === field);
  const fieldRef = (field: string | undefined, at: string, kinds?: readonly FieldKind[]) => {
    if (!field) return problem(at, 'dashFieldRequired');
    const choice = choiceOf(field);
    if (!choice) return problem(at, 'dashFieldGone');
    if (kinds && !kinds.includes(choice.kind)) return problem(at, 'dashFieldWrongKind');
    return choice;
  };

  if (!state.dataset) return { ok: false, problems: [{ at: 'dataset', message: 'dashNeedDataset' }] };
  const dataset: QuerySpec['dataset'] = state.dataset.startsWith('form:')
    ? { form: state.dataset.slice(5) }
    : { process: state.dataset.slice(8) as ProcessDataset };

  const lookups = state.lookups.map((l, i) => {
    if (!l.form || !l.from || !l.to) problem(`lookups/${i}`, 'dashLookupIncomplete');
    return { id: l.id, form: l.form ?? '', from: l.from ?? '', to: l.to ?? '' };
  });

  const measures: MeasureSpec[] = state.measures.map((m, i) => {
    const at = `measures/${i}`;
    const kinds = fieldKindsFor(m.op);
    const choice = kinds.length > 0 ? fieldRef(m.field, `${at}/field`, kinds) : undefined;
    const filters = buildFilters(m.filters, `${at}/filters`, choiceOf, problem);
    const opLabel = (locale: Locale) => BILINGUAL[locale][`dashOp.${m.op}` as DashboardMessageKey];
    const label = perLocale((locale) => {
      const base = choice
        ? format(BILINGUAL[locale].dashMeasureOf, { op: opLabel(locale), field: choice.label[locale] })
        : opLabel(locale);
      return filters.length > 0 ? format(BILINGUAL[locale].dashMeasureFiltered, { measure: base }) : base;
    });
    const money = choice?.kind === 'decimal' && m.op !== 'countDistinct';
    return {
      id: m.id,
      op: m.op,
      ...(kinds.length > 0 && m.field ? { field: m.field } : {}),
      ...(filters.length > 0 ? { filters } : {}),
      ...keptOr(m.kept, { ...(money ? { format: 'money' as const } : {}), label }),
    };
  });
  const filters = buildFilters(state.filters, 'filters', choiceOf, problem);
  if (measures.length === 0) problem('measures', 'dashNeedMeasure');

  const ratioId = state.ratio?.id ?? RATIO_ID;
  if (state.ratio) {
    const { numerator, denominator } = state.ratio;
    const num = measures.find((m) => m.id === numerator);
    const den = measures.find((m) => m.id === denominator);
    if (!num || !den || num.id === den.id) problem('ratio', 'dashRatioNeedsTwo');
    else
      measures.push({
        id: ratioId,
        op: 'ratio',
        numerator: num.id,
        denominator: den.id,
        ...keptOr(state.ratio.kept, {
          format: 'percent' as const,
          label: perLocale((locale) =>
            format(BILINGUAL[locale].dashRatioOf, {
              numerator: num.label?.[locale] ?? num.id,
              denominator: den.label?.[locale] ?? den.id,
            }),
          ),
        }),
      });
  }

  const single = SINGLE_VALUE_TYPES.includes(state.type);
  const pivot = state.type === 'pivot';
  const used = pivot ? state.dimensions : single ? [] : state.dimensions.slice(0, 1);
  const dimensions: DimensionSpec[] = used.flatMap((d, i) => {
    if (!d.field) {
      if (pivot) problem(`dimensions/${i}`, 'dashPivotNeedsTwo');
      return [];
    }
    const choice = fieldRef(d.field, `dimensions/${i}`, DIMENSION_KINDS);
    if (!choice) return [];
    return [
      {
        id: dimensionId(d, i),
        field: d.field,
        ...(isDateKind(choice.kind) ? { bucket: d.bucket } : {}),
        ...keptOr(d.kept, {
          label: isDateKind(choice.kind)
            ? perLocale((locale) =>
                format(BILINGUAL[locale].dashBucketed, {
                  field: choice.label[locale],
                  bucket: BILINGUAL[locale][bucketKey(d.bucket)],
                }),
              )
            : choice.label,
        }),
      },
    ];
  });
  if (pivot && state.dimensions[0].field && state.dimensions[0].field === state.dimensions[1].field)
    problem('dimensions/1', 'dashPivotSameField');

  const periodFilter = context.filters.find((f) => f.type === 'dateRange');
  const follow: Record<string, string> = {};
  if (periodFilter && state.periodField) {
    const choice = fieldRef(state.periodField, 'periodField', ['date', 'date-time']);
    if (choice) follow[periodFilter.id] = state.periodField;
  }
  for (const filter of context.filters) {
    const chosen = state.follow?.[filter.id];
    if (chosen !== undefined) {
      if (chosen !== null) follow[filter.id] = chosen;
      continue;
    }
    const pointer = FOLLOWED_FIELD[filter.type];
    if (!pointer) continue;
    // The dataset's own field first, then the first lookup that has it.
    const candidates = [pointer, ...lookups.map((l) => `${l.id}:${pointer}`)];
    const found = candidates.find((f) => context.choices.some((c) => c.field === f));
    if (found) follow[filter.id] = found;
  }

  if (problems.length > 0) return { ok: false, problems };

  const hasRatio = state.ratio !== null;
  const main = hasRatio ? ratioId : (measures[0]?.id ?? 'value');
  const first = dimensions[0];
  const groupsByText = !pivot && first && !first.bucket;
  const kept = state.order && state.order.dimension === first?.field ? state.order : undefined;
  const order = kept
    ? {
        ...(kept.sort ? { sort: kept.sort } : {}),
        ...(kept.limit !== undefined ? { limit: kept.limit } : {}),
      }
    : groupsByText
      ? { sort: [{ by: main, direction: 'desc' as const }], limit: 50 }
      : {};
  const query: QuerySpec = {
    dataset,
    ...(lookups.length > 0 ? { lookups } : {}),
    measures,
    ...(filters.length > 0 ? { filters } : {}),
    ...(dimensions.length > 0 ? { dimensions } : {}),
    ...(Object.keys(follow).length > 0 ? { follow } : {}),
    ...order,
  };
  const size = single ? { w: 3, h: 2 } : { w: 6, h: 4 };
  return {
    ok: true,
    query,
    widget: {
      type: state.type,
      layout: { x: 0, y: 0, ...size },
      query,
      ...(single ? { value: main } : {}),
      ...(state.type === 'kpi' && follow[periodFilter?.id ?? '']
        ? { compare: 'previousPeriod' as const }
        : {}),
      // A percentage next to amounts on one axis would read as nothing: a ratio is shown alone.
      ...(hasRatio && !pivot && state.type !== 'table' ? { show: [ratioId] } : {}),
      ...(pivot
        ? {
            pivot: {
              rows: [dimensionId(state.dimensions[0], 0)],
              columns: [dimensionId(state.dimensions[1], 1)],
              value: main,
            },
          }
        : {}),
    },
  };
}

export const dimensionId = (d: BuilderDimension, i: number) => d.id ?? DIMENSION_IDS[i] ?? `d${i}`;

/** A reopened part's own label and format when it kept them, else the builder's. */
function keptOr<T extends KeptText>(kept: KeptText | undefined, made: T): KeptText | T {
  if (!kept) return made;
  return {
    ...(kept.format !== undefined ? { format: kept.format } : {}),
    ...(kept.label !== undefined ? { label: kept.label } : {}),
  };
}

export const bucketKey = (bucket: DateBucket): DashboardMessageKey =>
  bucket === 'day' ? 'dashBucketDay' : bucket === 'week' ? 'dashBucketWeek' : 'dashBucketMonth';

type Filter = NonNullable<MeasureSpec['filters']>[number];

function buildFilters(
  list: readonly BuilderFilter[],
  at: string,
  choiceOf: (field: string | undefined) => FieldChoice | undefined,
  problem: (at: string, message: MessageKey) => void,
): Filter[] {
  return list.flatMap((f, j) => {
    const built = buildFilter(f, `${at}/${j}`, choiceOf, problem);
    return built ? [built] : [];
  });
}

function buildFilter(
  f: BuilderFilter,
  at: string,
  choiceOf: (field: string | undefined) => FieldChoice | undefined,
  problem: (at: string, message: MessageKey) => void,
): Filter | undefined {
  if (!f.field) return void problem(`${at}/field`, 'dashFieldRequired');
  const choice = choiceOf(f.field);
  if (!choice) return void problem(`${at}/field`, 'dashFieldGone');
  if (!filterOpsFor(choice).includes(f.op)) return void problem(`${at}/op`, 'dashFilterBadOp');
  if (isUnaryOp(f.op)) return { field: f.field, op: f.op };
  const typed = (raw: string) => scalarFor(choice.kind, raw.trim());
  if (isListOp(f.op)) {
    if (f.values.length === 0) return void problem(`${at}/value`, 'dashFilterValueRequired');
    const values = f.values.map(typed);
    const bad = values.find((v) => typeof v === 'object');
    if (bad) return void problem(`${at}/value`, bad.problem);
    return { field: f.field, op: f.op, values };
  }
  if (f.value.trim() === '') return void problem(`${at}/value`, 'dashFilterValueRequired');
  const value = f.op === 'contains' ? f.value.trim() : typed(f.value);
  if (typeof value === 'object') return void problem(`${at}/value`, value.problem);
  return { field: f.field, op: f.op, value };
}

/** A typed value as the server checks it (scalarFor in the query resolver), or the problem. */
function scalarFor(kind: FieldKind, raw: string): string | boolean | { problem: MessageKey } {
  switch (kind) {
    case 'number':
    case 'decimal':
      return DECIMAL.test(raw) ? raw : { problem: 'dashFilterBadNumber' };
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : { problem: 'dashFilterBadBoolean' };
    case 'date':
      return DATE.test(raw) ? raw : { problem: 'dashFilterBadDate' };
    case 'date-time':
      return DATE_TIME.test(raw) ? raw : { problem: 'dashFilterBadDateTime' };
    default:
      return raw;
  }
}
