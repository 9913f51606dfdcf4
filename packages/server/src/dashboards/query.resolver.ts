import { DomainError, type Locale, type ProblemDetailItem } from '@collectflow/schema';
import {
  type AggregateQuery,
  type AnalyticsCondition,
  type AnalyticsDimension,
  type AnalyticsField,
  type AnalyticsFieldKind,
  type AnalyticsLookup,
  type AnalyticsMeasure,
  type AnalyticsPart,
  type AnalyticsSource,
  DATASET_COLUMNS,
  type MeasureRef,
  type OutputType,
  type ProcessVisibility,
  type ProjectionRef,
  type RecordVisibility,
  type Scalar,
  type SortTarget,
  type StoreTx,
} from '@collectflow/store';
import { type Actor, can, canOnForm } from '../auth/actor.js';
import { addDays, type DateRange, isDate, localMidnight } from './dashboard.dates.js';
import { type Say, sayIn } from './dashboard.say.js';
import { QUERY_LIMIT_DEFAULT } from './dashboard-definition.schema.js';
import type {
  DateParam,
  FieldRef,
  FilterSpec,
  LocalizedText,
  MeasureSpec,
  PartSpec,
  QuerySpec,
  ValueFormat,
} from './dashboard-definition.types.js';
import type { FormFieldsCatalog, FormShape } from './form-fields.catalog.js';

/** The dashboard filter values a query is run with. */
export interface FilterValues {
  /** The dateRange filter's id and its period (inclusive local dates). */
  range?: { id: string; period: DateRange };
  /** Other filters: id → the values chosen (any of them). */
  values: ReadonlyMap<string, readonly string[]>;
}

export interface ColumnMeta {
  id: string;
  role: 'dimension' | 'measure';
  type: OutputType;
  label?: LocalizedText;
  format?: ValueFormat;
  bucket?: 'day' | 'week' | 'month';
}

export interface ResolvedQuery {
  aggregate: AggregateQuery;
  columns: ColumnMeta[];
  /** For each of `columns`, the name of the compiled query's column it reads. */
  sources: string[];
  /** The compiled parts, for drill-down. */
  parts: AnalyticsPart[];
  /** Measure id → where it is computed. */
  measures: Map<string, { part: number; measure: number } | { ratio: number }>;
  dimensionIds: string[];
  /** The records forms of each part (undefined for process datasets). */
  forms: (FormShape | undefined)[];
}

export interface ResolveOptions {
  tx: StoreTx;
  catalog: FormFieldsCatalog;
  actor: Actor;
  timeZone: string;
  filters: FilterValues;
  /** Where the query sits in the request body, for error pointers: '/query', '/widgets/2/query'. */
  pointer: string;
  /** The forms' ready typed projections; the compiler reads a part from one when it holds every field. */
  projections?: ReadonlyMap<string, ProjectionRef>;
  /** The latest version of every form the query names, just read (absent: no such form). */
  latest?: ReadonlyMap<string, number | null>;
  /** The language of the problems (the request's Accept-Language); English when absent. */
  locale?: Locale;
}

/** The forms a query reads: its datasets' and its lookups'. */
export function formsOf(spec: QuerySpec): string[] {
  return [spec, ...(spec.combine ?? [])].flatMap((part) => [
    ...('form' in part.dataset ? [part.dataset.form] : []),
    ...(part.lookups ?? []).map((l) => l.form),
  ]);
}

const latestOf = (options: ResolveOptions, key: string) =>
  options.latest ? (options.latest.get(key) ?? null) : undefined;

const FIELD_REF = /^(?:([a-z][a-zA-Z0-9_-]{0,62}):)?(\/.+|@[a-zA-Z][a-zA-Z0-9]{0,40})$/s;
const NUMERIC: readonly AnalyticsFieldKind[] = ['number', 'decimal'];
const DECIMAL = /^-?\d{1,28}(\.\d{1,12})?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

type ErrorCode = 'dashboards.invalid_query' | 'dashboards.unknown_field' | 'dashboards.unknown_measure';

/** Collects every problem of a query, so the editor can mark all of them at once. */
class Problems {
  readonly items: (ProblemDetailItem & { code: ErrorCode })[] = [];
  readonly say: Say;

  constructor(locale: Locale = 'en') {
    this.say = sayIn(locale);
  }

  add(code: ErrorCode, pointer: string, message: string): void {
    this.items.push({ pointer, code, message });
  }

  throwIfAny(): void {
    const first = this.items[0];
    if (!first) return;
    throw new DomainError(first.code, 'invalid', this.items.map((e) => e.message).join('; '), {
      errors: this.items,
      hint: this.say('fix the query at the pointers listed in errors', '请按 errors 中的位置修改查询'),
    });
  }
}

interface PartContext {
  index: number;
  pointer: string;
  source: AnalyticsSource;
  form: FormShape | undefined;
  lookups: { id: string; form: FormShape }[];
}

function recordVisibilityOf(actor: Actor): RecordVisibility | undefined {
  return can(actor, 'records.view_all_teams') ? undefined : { teamIds: actor.teamIds, userId: actor.userId };
}

function processVisibilityOf(actor: Actor): ProcessVisibility | undefined {
  return can(actor, 'process.admin') || can(actor, 'records.view_all_teams')
    ? undefined
    : { userId: actor.userId, groups: actor.groups };
}

function formForbidden(form: string): DomainError {
  return new DomainError(
    'dashboards.form_forbidden',
    'forbidden',
    `you may not view records of the form "${form}"`,
    {
      hint: 'ask an administrator for a role that grants it',
    },
  );
}

function sensitiveField(pointer: string, form: string): DomainError {
  // Grouping or filtering on a value one may not see would reveal it a bar at a time.
  return new DomainError('dashboards.sensitive_field', 'forbidden', `${pointer} of "${form}" is sensitive`, {
    hint: 'dashboards on it need the permission "sensitive.view"',
  });
}

/**
 * Turns a widget's declarative query into the store's typed aggregate query: every field looked up
 * in its form's published schema (its kind drives the cast), every form checked against the
 * caller's grants, sensitive fields refused without 'sensitive.view', the caller's record-level
 * rule applied to every dataset, and the dashboard filters the query follows added as conditions.
 */
export async function resolveQuery(spec: QuerySpec, options: ResolveOptions): Promise<ResolvedQuery> {
  const problems = new Problems(options.locale);
  const specs: PartSpec[] = [spec, ...(spec.combine ?? [])];
  const partPointer = (j: number) => (j === 0 ? options.pointer : `${options.pointer}/combine/${j - 1}`);

  const contexts: PartContext[] = [];
  for (const [j, part] of specs.entries()) {
    contexts.push(await partContext(part, j, partPointer(j), options, problems));
  }

  // Measure ids over every part: ratios may divide one dataset's measure by another's.
  const measureIndex = new Map<string, { part: number; measure: number } | { ratio: number }>();
  const ratioSpecs: { spec: Extract<MeasureSpec, { op: 'ratio' }>; pointer: string }[] = [];
  const plainMeasures: Exclude<MeasureSpec, { op: 'ratio' }>[][] = specs.map(() => []);
  specs.forEach((part, j) => {
    part.measures.forEach((m, i) => {
      const pointer = `${partPointer(j)}/measures/${i}`;
      if (measureIndex.has(m.id)) {
        problems.add(
          'dashboards.invalid_query',
          `${pointer}/id`,
          problems.say(`measure id "${m.id}" is used twice`, `度量 id "${m.id}" 重复使用`),
        );
        return;
      }
      if (m.op === 'ratio') {
        measureIndex.set(m.id, { ratio: ratioSpecs.length });
        ratioSpecs.push({ spec: m, pointer });
      } else {
        measureIndex.set(m.id, { part: j, measure: plainMeasures[j]!.length });
        plainMeasures[j]!.push(m);
      }
    });
  });

  const dimensionIds = (spec.dimensions ?? []).map((d) => d.id);
  specs.slice(1).forEach((part, k) => {
    const ids = (part.dimensions ?? []).map((d) => d.id);
    if (ids.join('\0') !== dimensionIds.join('\0')) {
      problems.add(
        'dashboards.invalid_query',
        `${partPointer(k + 1)}/dimensions`,
        problems.say(
          `a combined dataset needs the same dimensions as the query (${dimensionIds.join(', ') || 'none'})`,
          `合并的数据集需要与查询相同的维度（${dimensionIds.join('、') || '无'}）`,
        ),
      );
    }
  });
  if (new Set(dimensionIds).size !== dimensionIds.length) {
    problems.add(
      'dashboards.invalid_query',
      `${options.pointer}/dimensions`,
      problems.say('dimension ids must be unique', '维度 id 不能重复'),
    );
  }

  const parts: AnalyticsPart[] = specs.map((part, j) => {
    const context = contexts[j]!;
    const field = (ref: FieldRef, pointer: string) => resolveField(ref, pointer, context, options, problems);
    const lookups: AnalyticsLookup[] = (part.lookups ?? []).flatMap((lookup, l) => {
      const shape = context.lookups[l]?.form;
      const pointer = `${context.pointer}/lookups/${l}`;
      const local = field(lookup.from, `${pointer}/from`);
      if (!shape || !local) return [];
      const target = shape.field(lookup.to);
      if (!target.found) {
        problems.add(
          'dashboards.unknown_field',
          `${pointer}/to`,
          problems.say(
            `the form "${lookup.form}" has no field ${lookup.to}`,
            `表单 "${lookup.form}" 没有字段 ${lookup.to}`,
          ),
        );
        return [];
      }
      if (target.sensitive && !can(options.actor, 'sensitive.view'))
        throw sensitiveField(lookup.to, lookup.form);
      const visibleTo = recordVisibilityOf(options.actor);
      const projection = options.projections?.get(lookup.form);
      return [
        {
          form: lookup.form,
          local,
          foreignPath: target.path,
          ...(visibleTo ? { visibleTo } : {}),
          ...(projection ? { projection } : {}),
        },
      ];
    });
    const dimensions: AnalyticsDimension[] = (part.dimensions ?? []).flatMap((d, i) => {
      const pointer = `${context.pointer}/dimensions/${i}`;
      const resolved = field(d.field, `${pointer}/field`);
      if (!resolved) return [];
      if (d.bucket && !['date', 'date-time'].includes(kindOf(resolved, context))) {
        problems.add(
          'dashboards.invalid_query',
          `${pointer}/bucket`,
          problems.say(
            `${d.field} is not a date; only dates group by ${d.bucket}`,
            `${d.field} 不是日期；只有日期可以按 ${d.bucket} 分组`,
          ),
        );
        return [];
      }
      return [{ field: resolved, ...(d.bucket ? { bucket: d.bucket } : {}) }];
    });
    const measures: AnalyticsMeasure[] = plainMeasures[j]!.flatMap((m) => {
      const i = part.measures.indexOf(m);
      const out = resolveMeasure(m, `${context.pointer}/measures/${i}`, context, options, problems);
      return out ? [out] : [];
    });
    const where = [
      ...resolveFilters(part.filters ?? [], `${context.pointer}/filters`, context, options, problems),
      ...followConditions(part.follow ?? {}, `${context.pointer}/follow`, context, options, problems),
    ];
    return {
      source: context.source,
      ...(lookups.length > 0 ? { lookups } : {}),
      ...(where.length > 0 ? { where } : {}),
      dimensions,
      measures,
    };
  });

  const ratios = ratioSpecs.flatMap(({ spec: r, pointer }) => {
    const refs = (['numerator', 'denominator'] as const).map((side) => {
      const found = measureIndex.get(r[side]);
      if (!found || 'ratio' in found) {
        problems.add(
          'dashboards.unknown_measure',
          `${pointer}/${side}`,
          found
            ? problems.say(
                `a ratio cannot divide by another ratio ("${r[side]}")`,
                `比率不能除以另一个比率（"${r[side]}"）`,
              )
            : problems.say(`there is no measure "${r[side]}"`, `没有度量 "${r[side]}"`),
        );
        return undefined;
      }
      return found as MeasureRef;
    });
    return refs[0] && refs[1] ? [{ numerator: refs[0], denominator: refs[1] }] : [];
  });

  const sort: { target: SortTarget; direction: 'asc' | 'desc' }[] = (spec.sort ?? []).flatMap((s, i) => {
    const dimension = dimensionIds.indexOf(s.by);
    const measure = measureIndex.get(s.by);
    const target: SortTarget | undefined =
      dimension >= 0
        ? { dimension }
        : measure
          ? 'ratio' in measure
            ? { ratio: measure.ratio }
            : { measure }
          : undefined;
    if (!target) {
      problems.add(
        'dashboards.unknown_measure',
        `${options.pointer}/sort/${i}/by`,
        problems.say(
          `there is no dimension or measure "${s.by}" to sort by`,
          `没有可用于排序的维度或度量 "${s.by}"`,
        ),
      );
      return [];
    }
    return [{ target, direction: s.direction ?? 'asc' }];
  });

  problems.throwIfAny();

  // Columns: dimensions, then measures as declared (ratios where they are written).
  const columns: ColumnMeta[] = [];
  const sources: string[] = [];
  (spec.dimensions ?? []).forEach((d, i) => {
    const dim = parts[0]!.dimensions[i]!;
    const type: OutputType = d.bucket ? 'date' : outputType(kindOf(dim.field, contexts[0]!));
    columns.push({
      id: d.id,
      role: 'dimension',
      type,
      ...(d.label ? { label: d.label } : {}),
      ...(d.bucket ? { bucket: d.bucket } : {}),
    });
    sources.push(`d${i}`);
  });
  specs.forEach((part) => {
    for (const m of part.measures) {
      const at = measureIndex.get(m.id)!;
      const name = 'ratio' in at ? `r${at.ratio}` : `p${at.part}_m${at.measure}`;
      columns.push({
        id: m.id,
        role: 'measure',
        type: measureType(m, at, parts, contexts),
        ...(m.label ? { label: m.label } : {}),
        ...(m.format ? { format: m.format } : {}),
      });
      sources.push(name);
    }
  });

  return {
    aggregate: {
      parts,
      ...(ratios.length > 0 ? { ratios } : {}),
      ...(sort.length > 0 ? { sort } : {}),
      limit: spec.limit ?? QUERY_LIMIT_DEFAULT,
      timeZone: options.timeZone,
    },
    columns,
    sources,
    parts,
    measures: measureIndex,
    dimensionIds,
    forms: contexts.map((c) => c.form),
  };
}

async function partContext(
  part: PartSpec,
  index: number,
  pointer: string,
  options: ResolveOptions,
  problems: Problems,
): Promise<PartContext> {
  let source: AnalyticsSource;
  let form: FormShape | undefined;
  if ('form' in part.dataset) {
    const key = part.dataset.form;
    if (!canOnForm(options.actor, key, 'view')) throw formForbidden(key);
    form = await options.catalog.shape(options.tx, key, latestOf(options, key));
    if (!form)
      problems.add(
        'dashboards.invalid_query',
        `${pointer}/dataset/form`,
        problems.say(`there is no published form "${key}"`, `没有已发布的表单 "${key}"`),
      );
    const visibleTo = recordVisibilityOf(options.actor);
    const projection = options.projections?.get(key);
    source = {
      kind: 'records',
      form: key,
      ...(visibleTo ? { visibleTo } : {}),
      ...(projection ? { projection } : {}),
    };
  } else {
    const visibleTo = processVisibilityOf(options.actor);
    source = { kind: part.dataset.process, ...(visibleTo ? { visibleTo } : {}) };
  }
  const lookups: PartContext['lookups'] = [];
  const seen = new Set<string>();
  for (const [l, lookup] of (part.lookups ?? []).entries()) {
    if (seen.has(lookup.id)) {
      problems.add(
        'dashboards.invalid_query',
        `${pointer}/lookups/${l}/id`,
        problems.say(`lookup id "${lookup.id}" is used twice`, `关联 id "${lookup.id}" 重复使用`),
      );
    }
    seen.add(lookup.id);
    if (!canOnForm(options.actor, lookup.form, 'view')) throw formForbidden(lookup.form);
    const shape = await options.catalog.shape(options.tx, lookup.form, latestOf(options, lookup.form));
    if (!shape) {
      problems.add(
        'dashboards.invalid_query',
        `${pointer}/lookups/${l}/form`,
        problems.say(`there is no published form "${lookup.form}"`, `没有已发布的表单 "${lookup.form}"`),
      );
      continue;
    }
    lookups[l] = { id: lookup.id, form: shape };
  }
  return { index, pointer, source, form, lookups };
}

/** '/pointer', '@column' or 'lookup:/pointer' as a typed field; undefined (with a problem) when unknown. */
function resolveField(
  ref: FieldRef,
  pointer: string,
  context: PartContext,
  options: ResolveOptions,
  problems: Problems,
): AnalyticsField | undefined {
  const match = FIELD_REF.exec(ref);
  if (!match) {
    problems.add(
      'dashboards.unknown_field',
      pointer,
      problems.say(
        `"${ref}" is not a field: use /pointer, @column or lookup:/pointer`,
        `"${ref}" 不是字段：请使用 /pointer、@column 或 lookup:/pointer`,
      ),
    );
    return undefined;
  }
  const [, lookupId, name] = match as unknown as [string, string | undefined, string];
  let owner: AnalyticsField['owner'] = 'base';
  let shape = context.form;
  let dataset: keyof typeof DATASET_COLUMNS = context.source.kind;
  if (lookupId !== undefined) {
    const index = context.lookups.findIndex((l) => l?.id === lookupId);
    if (index < 0) {
      problems.add(
        'dashboards.unknown_field',
        pointer,
        problems.say(`there is no lookup "${lookupId}" in this dataset`, `此数据集中没有关联 "${lookupId}"`),
      );
      return undefined;
    }
    // A lookup's key may come from an earlier lookup only (they are joined in order).
    const from = /\/lookups\/(\d+)\/from$/.exec(pointer);
    if (from && index >= Number(from[1])) {
      problems.add(
        'dashboards.invalid_query',
        pointer,
        problems.say(`lookup "${lookupId}" is joined after this one`, `关联 "${lookupId}" 在此之后才连接`),
      );
      return undefined;
    }
    owner = { lookup: index };
    shape = context.lookups[index]!.form;
    dataset = 'records';
  }
  const formName = shape?.key ?? context.source.kind;
  if (name.startsWith('@')) {
    const column = name.slice(1);
    if (!Object.hasOwn(DATASET_COLUMNS[dataset], column)) {
      problems.add(
        'dashboards.unknown_field',
        pointer,
        problems.say(`the ${dataset} dataset has no column ${name}`, `${dataset} 数据集没有列 ${name}`),
      );
      return undefined;
    }
    return { owner, column };
  }
  if (dataset !== 'records') {
    problems.add(
      'dashboards.unknown_field',
      pointer,
      problems.say(
        `the ${dataset} dataset has no form fields; use its @columns`,
        `${dataset} 数据集没有表单字段；请使用它的 @列`,
      ),
    );
    return undefined;
  }
  if (!shape) return undefined; // the form itself is unknown, already reported
  const found = shape.field(name);
  if (!found.found) {
    const why =
      found.reason === 'list'
        ? problems.say('is a list or lies inside one', '是列表或位于列表之中')
        : found.reason === 'object'
          ? problems.say('is a group of fields, not a value', '是一组字段，不是值')
          : found.reason === 'bad_pointer'
            ? problems.say('is not a JSON pointer to a field', '不是指向字段的 JSON pointer')
            : problems.say('is not in its schema', '不在它的 schema 中');
    problems.add(
      'dashboards.unknown_field',
      pointer,
      problems.say(`${name} of the form "${formName}" ${why}`, `表单 "${formName}" 的 ${name} ${why}`),
    );
    return undefined;
  }
  if (found.sensitive && !can(options.actor, 'sensitive.view')) throw sensitiveField(name, formName);
  return {
    owner,
    path: found.path,
    kind: found.kind,
    ...(found.versions ? { versions: found.versions } : {}),
  };
}

function kindOf(field: AnalyticsField, context: PartContext): AnalyticsFieldKind {
  if ('kind' in field) return field.kind;
  const dataset = field.owner === 'base' ? context.source.kind : 'records';
  const columns = DATASET_COLUMNS[dataset] as Record<string, { kind: AnalyticsFieldKind }>;
  return columns[field.column]!.kind;
}

function outputType(kind: AnalyticsFieldKind): OutputType {
  return kind === 'number' || kind === 'decimal' ? 'decimal' : kind;
}

function measureType(
  m: MeasureSpec,
  at: { part: number; measure: number } | { ratio: number },
  parts: AnalyticsPart[],
  contexts: PartContext[],
): OutputType {
  if (m.op === 'count' || m.op === 'countDistinct') return 'integer';
  if (m.op === 'min' || m.op === 'max') {
    const measure = 'part' in at ? parts[at.part]!.measures[at.measure] : undefined;
    return measure && 'field' in measure
      ? outputType(kindOf(measure.field, contexts[(at as { part: number }).part]!))
      : 'decimal';
  }
  return 'decimal';
}

function resolveMeasure(
  m: Exclude<MeasureSpec, { op: 'ratio' }>,
  pointer: string,
  context: PartContext,
  options: ResolveOptions,
  problems: Problems,
): AnalyticsMeasure | undefined {
  const where =
    'filters' in m && m.filters
      ? resolveFilters(m.filters, `${pointer}/filters`, context, options, problems)
      : [];
  const withWhere = <T extends object>(measure: T) => (where.length > 0 ? { ...measure, where } : measure);
  const numeric = (ref: FieldRef, at: string) => {
    const field = resolveField(ref, at, context, options, problems);
    if (field && !NUMERIC.includes(kindOf(field, context))) {
      problems.add(
        'dashboards.invalid_query',
        at,
        problems.say(
          `${m.op} needs a number or money field; ${ref} is ${kindOf(field, context)}`,
          `${m.op} 需要数字或金额字段；${ref} 是 ${kindOf(field, context)}`,
        ),
      );
      return undefined;
    }
    return field;
  };
  switch (m.op) {
    case 'count':
      return withWhere({ op: 'count' as const });
    case 'sum':
    case 'avg': {
      const field = numeric(m.field, `${pointer}/field`);
      return field ? withWhere({ op: m.op, field }) : undefined;
    }
    case 'min':
    case 'max':
    case 'countDistinct': {
      const field = resolveField(m.field, `${pointer}/field`, context, options, problems);
      if (!field) return undefined;
      if (m.op !== 'countDistinct' && kindOf(field, context) === 'boolean') {
        problems.add(
          'dashboards.invalid_query',
          `${pointer}/field`,
          problems.say(`${m.op} of a true/false field means nothing`, `对是/否字段求 ${m.op} 没有意义`),
        );
        return undefined;
      }
      return withWhere({ op: m.op, field });
    }
    case 'sumProduct': {
      const a = numeric(m.fields[0], `${pointer}/fields/0`);
      const b = numeric(m.fields[1], `${pointer}/fields/1`);
      const divideBy = m.divideBy === undefined ? undefined : String(m.divideBy);
      if (divideBy !== undefined && (!DECIMAL.test(divideBy) || Number(divideBy) === 0)) {
        problems.add(
          'dashboards.invalid_query',
          `${pointer}/divideBy`,
          problems.say('divideBy must be a number other than 0', 'divideBy 必须是不为 0 的数字'),
        );
        return undefined;
      }
      return a && b
        ? withWhere({ op: 'sumProduct' as const, fields: [a, b] as const, ...(divideBy ? { divideBy } : {}) })
        : undefined;
    }
    default:
      problems.add(
        'dashboards.unknown_measure',
        `${pointer}/op`,
        problems.say(
          `unknown measure "${(m as { op: string }).op}"`,
          `未知的度量 "${(m as { op: string }).op}"`,
        ),
      );
      return undefined;
  }
}

const OPS_BY_KIND: Record<AnalyticsFieldKind, readonly string[]> = {
  string: ['eq', 'ne', 'in', 'notIn', 'isNull', 'notNull', 'contains'],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'isNull', 'notNull'],
  decimal: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'isNull', 'notNull'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'isNull', 'notNull'],
  'date-time': ['gt', 'gte', 'lt', 'lte', 'isNull', 'notNull'],
  boolean: ['eq', 'ne', 'in', 'notIn', 'isNull', 'notNull'],
};

function resolveFilters(
  filters: readonly FilterSpec[],
  pointer: string,
  context: PartContext,
  options: ResolveOptions,
  problems: Problems,
): AnalyticsCondition[] {
  return filters.flatMap((f, i) => {
    const c = resolveFilter(f, `${pointer}/${i}`, context, options, problems);
    return c ? [c] : [];
  });
}

function resolveFilter(
  f: FilterSpec,
  pointer: string,
  context: PartContext,
  options: ResolveOptions,
  problems: Problems,
): AnalyticsCondition | undefined {
  if ('or' in f) return { or: resolveFilters(f.or, `${pointer}/or`, context, options, problems) };
  if ('and' in f) return { and: resolveFilters(f.and, `${pointer}/and`, context, options, problems) };
  const field = resolveField(f.field, `${pointer}/field`, context, options, problems);
  if (!field) return undefined;
  const kind = kindOf(field, context);
  if (!OPS_BY_KIND[kind].includes(f.op)) {
    problems.add(
      'dashboards.invalid_query',
      `${pointer}/op`,
      problems.say(
        `${f.field} is ${kind} and cannot be filtered with ${f.op}`,
        `${f.field} 的类型是 ${kind}，不能用 ${f.op} 筛选`,
      ),
    );
    return undefined;
  }
  if (f.op === 'isNull' || f.op === 'notNull') return { field, op: f.op };
  if (f.op === 'in' || f.op === 'notIn') {
    const values = f.values.map((v, i) => scalarFor(kind, v, `${pointer}/values/${i}`, options, problems));
    return values.every((v) => v !== undefined) ? { field, op: f.op, values: values as Scalar[] } : undefined;
  }
  const single = f as Extract<FilterSpec, { value: unknown }>;
  const value = scalarFor(kind, single.value, `${pointer}/value`, options, problems);
  if (value === undefined) return undefined;
  if (single.op === 'contains') return { field, op: 'contains', value: String(value) };
  return { field, op: single.op, value };
}

/** A filter value checked against the field's kind; date params resolved from the period. */
function scalarFor(
  kind: AnalyticsFieldKind,
  raw: unknown,
  pointer: string,
  options: ResolveOptions,
  problems: Problems,
): Scalar | undefined {
  let value = raw;
  if (typeof raw === 'object' && raw !== null && '$param' in raw) {
    const param = raw as DateParam;
    const period = options.filters.range?.period;
    if (!period) {
      problems.add(
        'dashboards.invalid_query',
        pointer,
        problems.say('a $param date needs the dashboard’s date range', '$param 日期需要看板的日期范围筛选'),
      );
      return undefined;
    }
    const date = addDays(param.$param === 'from' ? period.from : period.to, param.days ?? 0);
    if (kind === 'date') return date;
    if (kind === 'date-time') return localMidnight(date, options.timeZone);
    problems.add(
      'dashboards.invalid_query',
      pointer,
      problems.say(
        'a $param date compares with a date or date-time field',
        '$param 日期只能与日期或日期时间字段比较',
      ),
    );
    return undefined;
  }
  const fail = (what: string) => {
    problems.add(
      'dashboards.invalid_query',
      pointer,
      problems.say(`${JSON.stringify(raw)} is not ${what}`, `${JSON.stringify(raw)} 不是${what}`),
    );
    return undefined;
  };
  switch (kind) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number'
        ? String(value)
        : fail(problems.say('text', '文本'));
    case 'number':
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
      return typeof value === 'string' && DECIMAL.test(value)
        ? value
        : fail(problems.say('a number', '数字'));
    case 'boolean':
      if (value === 'true' || value === 'false') return value === 'true';
      return typeof value === 'boolean' ? value : fail(problems.say('true or false', 'true 或 false'));
    case 'date':
      return isDate(value) ? value : fail(problems.say('a date (YYYY-MM-DD)', '日期（YYYY-MM-DD）'));
    case 'date-time':
      return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))
        ? value
        : fail(problems.say('an RFC 3339 date-time', 'RFC 3339 日期时间'));
  }
}

/** The dashboard filters this dataset follows, with their current values, as conditions. */
function followConditions(
  follow: Record<string, FieldRef>,
  pointer: string,
  context: PartContext,
  options: ResolveOptions,
  problems: Problems,
): AnalyticsCondition[] {
  const out: AnalyticsCondition[] = [];
  for (const [filterId, ref] of Object.entries(follow)) {
    const at = `${pointer}/${filterId.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const range = options.filters.range;
    const values = options.filters.values.get(filterId);
    if (range?.id !== filterId && (!values || values.length === 0)) continue;
    const field = resolveField(ref, at, context, options, problems);
    if (!field) continue;
    const kind = kindOf(field, context);
    if (range?.id === filterId) {
      if (kind !== 'date' && kind !== 'date-time') {
        problems.add(
          'dashboards.invalid_query',
          at,
          problems.say(
            `the date range can only narrow a date or date-time field; ${ref} is ${kind}`,
            `日期范围只能筛选日期或日期时间字段；${ref} 是 ${kind}`,
          ),
        );
        continue;
      }
      out.push({ field, op: 'dateRange', from: range.period.from, to: range.period.to });
      continue;
    }
    const typed = (values ?? []).map((v) => scalarFor(kind, v, at, options, problems));
    if (typed.some((v) => v === undefined)) continue;
    out.push({ field, op: 'in', values: typed as Scalar[] });
  }
  return out;
}
