import { type AjvInstance, createAjv, DomainError, type ProblemDetailItem } from '@collectflow/schema';
import { adHocQueryJsonSchema, dashboardDefinitionJsonSchema } from './dashboard-definition.schema.js';
import type {
  DashboardDefinition,
  DashboardFilterSpec,
  FilterSpec,
  PartSpec,
  QuerySpec,
  WidgetSpec,
} from './dashboard-definition.types.js';

export interface AdHocQueryBody {
  query: QuerySpec;
  filters?: DashboardFilterSpec[];
  values?: Record<string, string | string[]>;
  timeZone?: string;
  /** The query read as one number, optionally with its change against the previous period. */
  kpi?: { value: string; compare?: 'previousPeriod' };
}

type ValidateFunction = ReturnType<AjvInstance['compile']>;
type ErrorObject = NonNullable<ValidateFunction['errors']>[number];

let validators: { definition: ValidateFunction; adHoc: ValidateFunction } | undefined;

/** Compiled once per process, through the schema package's one ajv factory. */
function compiled() {
  if (!validators) {
    const ajv = createAjv({ draft: '2020-12' });
    validators = {
      definition: ajv.compile(dashboardDefinitionJsonSchema),
      adHoc: ajv.compile(adHocQueryJsonSchema),
    };
  }
  return validators;
}

const MAX_ERRORS = 20;

/** ajv's errors as problem items; oneOf's "must match exactly one" is dropped when its branches said more. */
function schemaErrors(errors: ErrorObject[] | null | undefined): ProblemDetailItem[] {
  const all = errors ?? [];
  const specific = all.filter((e) => !['oneOf', 'if', 'allOf'].includes(e.keyword));
  const chosen = specific.length > 0 ? specific : all;
  const seen = new Set<string>();
  const out: ProblemDetailItem[] = [];
  for (const e of chosen) {
    const detail =
      e.keyword === 'additionalProperties'
        ? `${e.message}: "${(e.params as { additionalProperty?: string }).additionalProperty}"`
        : e.keyword === 'enum'
          ? `${e.message}: ${(e.params as { allowedValues?: unknown[] }).allowedValues?.join(', ')}`
          : (e.message ?? 'is invalid');
    const key = `${e.instancePath}\0${detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // An op outside the list of measures is an unknown measure, whatever else failed with it.
    const code = /\/measures\/\d+\/op$/.test(e.instancePath) ? { code: 'dashboards.unknown_measure' } : {};
    out.push({
      pointer: e.instancePath,
      keyword: e.keyword,
      ...code,
      message: `${e.instancePath || '/'} ${detail}`,
    });
    if (out.length >= MAX_ERRORS) break;
  }
  return out;
}

/** A 422 problem; `base` prefixes every pointer with where the definition sits in the body. */
function invalid(code: string, what: string, found: ProblemDetailItem[], base = ''): DomainError {
  const errors = found.map((e) => ({ ...e, pointer: `${base}${e.pointer}` }));
  return new DomainError(
    code,
    'invalid',
    `${what} is invalid (${errors.length} problem(s)): ${errors[0]?.message}`,
    {
      errors,
      hint: 'fix it at the pointers listed in errors',
    },
  );
}

/** Validates a definition against its JSON Schema and the rules a schema cannot say; throws a 422 problem. */
export function parseDashboardDefinition(body: unknown, base = ''): DashboardDefinition {
  const { definition: validate } = compiled();
  if (!validate(body)) {
    throw invalid(
      'dashboards.invalid_definition',
      'the dashboard definition',
      schemaErrors(validate.errors),
      base,
    );
  }
  const definition = body as DashboardDefinition;
  const problems = checkDashboardDefinition(definition);
  if (problems.length > 0)
    throw invalid('dashboards.invalid_definition', 'the dashboard definition', problems, base);
  return definition;
}

/** The body of the editor's ad-hoc query; the code says what failed first (unknown measure, field...). */
export function parseAdHocQuery(body: unknown): AdHocQueryBody {
  const { adHoc: validate } = compiled();
  if (!validate(body)) {
    const errors = schemaErrors(validate.errors);
    throw invalid(errors.find((e) => e.code)?.code ?? 'dashboards.invalid_query', 'the query', errors);
  }
  const parsed = body as AdHocQueryBody;
  const problems = checkQuery(
    parsed.query,
    '/query',
    new Set((parsed.filters ?? []).map((f) => f.id)),
    false,
  );
  if (parsed.kpi && !parsed.query.measures.some((m) => m.id === parsed.kpi!.value)) {
    problems.push({
      pointer: '/kpi/value',
      keyword: 'reference',
      code: 'dashboards.unknown_measure',
      message: `the query has no measure "${parsed.kpi.value}"`,
    });
  }
  if (problems.length > 0)
    throw invalid(problems[0]!.code ?? 'dashboards.invalid_query', 'the query', problems);
  return parsed;
}

/**
 * What the JSON Schema cannot say: ids unique and defined where they are used, widgets inside the
 * grid, followed filters declared, a KPI being one number. Fields are checked against the forms
 * when the dashboard is saved and run (forms change; definitions are data).
 */
export function checkDashboardDefinition(definition: DashboardDefinition): ProblemDetailItem[] {
  const problems: ProblemDetailItem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, keyword: 'reference', message });
  const filterIds = new Set<string>();
  let ranges = 0;
  (definition.filters ?? []).forEach((f, i) => {
    if (filterIds.has(f.id)) add(`/filters/${i}/id`, `filter id "${f.id}" is used twice`);
    filterIds.add(f.id);
    if (f.type === 'dateRange') ranges++;
    if (f.type !== 'dateRange' && f.default !== undefined && f.options && !f.options.includes(f.default)) {
      add(`/filters/${i}/default`, `the default "${f.default}" is not one of the options`);
    }
  });
  if (ranges > 1) add('/filters', 'a dashboard has at most one date range filter');
  const columns = definition.grid?.columns ?? 12;
  const widgetIds = new Set<string>();
  definition.widgets.forEach((w, i) => {
    const at = `/widgets/${i}`;
    if (widgetIds.has(w.id)) add(`${at}/id`, `widget id "${w.id}" is used twice`);
    widgetIds.add(w.id);
    if (w.layout.x + w.layout.w > columns)
      add(`${at}/layout`, `the widget is wider than the grid's ${columns} columns`);
    problems.push(...checkQuery(w.query, `${at}/query`, filterIds, true));
    problems.push(...checkWidget(w, at, ranges > 0));
  });
  return problems;
}

function checkWidget(w: WidgetSpec, at: string, hasRange: boolean): ProblemDetailItem[] {
  const problems: ProblemDetailItem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, keyword: 'reference', message });
  const measures = new Set([w.query, ...(w.query.combine ?? [])].flatMap((p) => p.measures.map((m) => m.id)));
  const dimensions = (w.query.dimensions ?? []).map((d) => d.id);
  (w.show ?? []).forEach((id, i) => {
    if (!measures.has(id)) add(`${at}/show/${i}`, `there is no measure "${id}"`);
  });
  if (w.value !== undefined && !measures.has(w.value)) add(`${at}/value`, `there is no measure "${w.value}"`);
  if (w.target && 'measure' in w.target && !measures.has(w.target.measure)) {
    add(`${at}/target/measure`, `there is no measure "${w.target.measure}"`);
  }
  if ((w.type === 'kpi' || w.type === 'gauge') && dimensions.length > 0) {
    add(`${at}/query/dimensions`, `a ${w.type} shows one number: its query has no dimensions`);
  }
  if ((w.type === 'pie' || w.type === 'donut') && dimensions.length !== 1) {
    add(`${at}/query/dimensions`, `a ${w.type} chart needs exactly one dimension`);
  }
  if (w.compare && !hasRange)
    add(`${at}/compare`, 'comparing with the previous period needs a date range filter');
  if (w.type === 'pivot') {
    if (!w.pivot) add(`${at}/pivot`, 'a pivot names its rows, columns and value');
    else {
      [...w.pivot.rows, ...w.pivot.columns].forEach((id) => {
        if (!dimensions.includes(id)) add(`${at}/pivot`, `there is no dimension "${id}"`);
      });
      if (!measures.has(w.pivot.value)) add(`${at}/pivot/value`, `there is no measure "${w.pivot.value}"`);
    }
  }
  return problems;
}

function checkQuery(
  query: QuerySpec,
  at: string,
  filterIds: ReadonlySet<string>,
  strictFollow: boolean,
): ProblemDetailItem[] {
  const problems: ProblemDetailItem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, keyword: 'reference', message });
  const unknownMeasure = (pointer: string, message: string) =>
    problems.push({ pointer, keyword: 'reference', code: 'dashboards.unknown_measure', message });
  const parts: [PartSpec, string][] = [
    [query, at],
    ...(query.combine ?? []).map((p, i): [PartSpec, string] => [p, `${at}/combine/${i}`]),
  ];
  const measureIds = new Set<string>();
  for (const [part, pointer] of parts) {
    const lookupIds: string[] = [];
    (part.lookups ?? []).forEach((l, i) => {
      checkRef(l.from, `${pointer}/lookups/${i}/from`, lookupIds, add);
      lookupIds.push(l.id);
    });
    (part.dimensions ?? []).forEach((d, i) => {
      checkRef(d.field, `${pointer}/dimensions/${i}/field`, lookupIds, add);
    });
    part.measures.forEach((m, i) => {
      if (measureIds.has(m.id)) add(`${pointer}/measures/${i}/id`, `measure id "${m.id}" is used twice`);
      measureIds.add(m.id);
      if ('field' in m && typeof m.field === 'string')
        checkRef(m.field, `${pointer}/measures/${i}/field`, lookupIds, add);
      if ('fields' in m)
        m.fields.forEach((f, k) => {
          checkRef(f, `${pointer}/measures/${i}/fields/${k}`, lookupIds, add);
        });
      if ('filters' in m && m.filters)
        checkFilters(m.filters, `${pointer}/measures/${i}/filters`, lookupIds, add);
    });
    checkFilters(part.filters ?? [], `${pointer}/filters`, lookupIds, add);
    for (const [id, ref] of Object.entries(part.follow ?? {})) {
      const p = `${pointer}/follow/${id}`;
      if (strictFollow && !filterIds.has(id)) add(p, `the dashboard has no filter "${id}"`);
      checkRef(ref, p, lookupIds, add);
    }
  }
  const all = parts.flatMap(([p]) => p.measures);
  for (const [part, pointer] of parts) {
    part.measures.forEach((m, i) => {
      if (m.op !== 'ratio') return;
      for (const side of ['numerator', 'denominator'] as const) {
        const target = all.find((x) => x.id === m[side]);
        const at = `${pointer}/measures/${i}/${side}`;
        if (!target) unknownMeasure(at, `ratio "${m.id}": there is no measure "${m[side]}"`);
        else if (target.op === 'ratio') add(at, `ratio "${m.id}": cannot divide by another ratio`);
      }
    });
  }
  const dims = (query.dimensions ?? []).map((d) => d.id);
  (query.sort ?? []).forEach((s, i) => {
    if (!dims.includes(s.by) && !measureIds.has(s.by))
      unknownMeasure(`${at}/sort/${i}/by`, `there is no dimension or measure "${s.by}"`);
  });
  return problems;
}

function checkFilters(
  filters: readonly FilterSpec[],
  pointer: string,
  lookupIds: readonly string[],
  add: (pointer: string, message: string) => void,
): void {
  filters.forEach((f, i) => {
    if ('or' in f) checkFilters(f.or, `${pointer}/${i}/or`, lookupIds, add);
    else if ('and' in f) checkFilters(f.and, `${pointer}/${i}/and`, lookupIds, add);
    else checkRef(f.field, `${pointer}/${i}/field`, lookupIds, add);
  });
}

function checkRef(
  ref: string,
  pointer: string,
  lookupIds: readonly string[],
  add: (p: string, m: string) => void,
): void {
  const colon = /^([a-z][a-zA-Z0-9_-]{0,62}):[/@]/.exec(ref);
  if (colon && !lookupIds.includes(colon[1]!))
    add(pointer, `there is no lookup "${colon[1]}" before this field`);
}
