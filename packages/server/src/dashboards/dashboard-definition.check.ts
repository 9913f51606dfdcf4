import {
  type AjvInstance,
  createAjv,
  DomainError,
  type Locale,
  localizeAjvErrors,
  type ProblemDetailItem,
} from '@collectflow/schema';
import { type Say, sayIn } from './dashboard.say.js';
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
function schemaErrors(errors: ErrorObject[] | null | undefined, locale: Locale): ProblemDetailItem[] {
  // A copy: ajv keeps the array for the next validation.
  const all = (errors ?? []).map((e) => ({ ...e }));
  localizeAjvErrors(all, locale);
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
          : (e.message ?? (locale === 'zh-CN' ? '不合法' : 'is invalid'));
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
function invalid(
  code: string,
  what: { en: string; zh: string },
  found: ProblemDetailItem[],
  say: Say,
  base = '',
): DomainError {
  const errors = found.map((e) => ({ ...e, pointer: `${base}${e.pointer}` }));
  return new DomainError(
    code,
    'invalid',
    say(
      `${what.en} is invalid (${errors.length} problem(s)): ${errors[0]?.message}`,
      `${what.zh}不合法（${errors.length} 个问题）：${errors[0]?.message}`,
    ),
    {
      errors,
      hint: say('fix it at the pointers listed in errors', '请按 errors 中的位置修改'),
    },
  );
}

const DEFINITION = { en: 'the dashboard definition', zh: '看板定义' };
const QUERY = { en: 'the query', zh: '查询' };

/** Validates a definition against its JSON Schema and the rules a schema cannot say; throws a 422 problem. */
export function parseDashboardDefinition(
  body: unknown,
  base = '',
  locale: Locale = 'en',
): DashboardDefinition {
  const say = sayIn(locale);
  const { definition: validate } = compiled();
  if (!validate(body)) {
    const errors = schemaErrors(validate.errors, locale);
    throw invalid('dashboards.invalid_definition', DEFINITION, errors, say, base);
  }
  const definition = body as DashboardDefinition;
  const problems = checkDashboardDefinition(definition, locale);
  if (problems.length > 0) throw invalid('dashboards.invalid_definition', DEFINITION, problems, say, base);
  return definition;
}

/** The body of the editor's ad-hoc query; the code says what failed first (unknown measure, field...). */
export function parseAdHocQuery(body: unknown, locale: Locale = 'en'): AdHocQueryBody {
  const say = sayIn(locale);
  const { adHoc: validate } = compiled();
  if (!validate(body)) {
    const errors = schemaErrors(validate.errors, locale);
    throw invalid(errors.find((e) => e.code)?.code ?? 'dashboards.invalid_query', QUERY, errors, say);
  }
  const parsed = body as AdHocQueryBody;
  const problems = checkQuery(
    parsed.query,
    '/query',
    new Set((parsed.filters ?? []).map((f) => f.id)),
    false,
    say,
  );
  if (parsed.kpi && !parsed.query.measures.some((m) => m.id === parsed.kpi!.value)) {
    problems.push({
      pointer: '/kpi/value',
      keyword: 'reference',
      code: 'dashboards.unknown_measure',
      message: say(`the query has no measure "${parsed.kpi.value}"`, `查询没有度量 "${parsed.kpi.value}"`),
    });
  }
  if (problems.length > 0)
    throw invalid(problems[0]!.code ?? 'dashboards.invalid_query', QUERY, problems, say);
  return parsed;
}

/**
 * What the JSON Schema cannot say: ids unique and defined where they are used, widgets inside the
 * grid, followed filters declared, a KPI being one number. Fields are checked against the forms
 * when the dashboard is saved and run (forms change; definitions are data).
 */
export function checkDashboardDefinition(
  definition: DashboardDefinition,
  locale: Locale = 'en',
): ProblemDetailItem[] {
  const say = sayIn(locale);
  const problems: ProblemDetailItem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, keyword: 'reference', message });
  const filterIds = new Set<string>();
  let ranges = 0;
  (definition.filters ?? []).forEach((f, i) => {
    if (filterIds.has(f.id))
      add(`/filters/${i}/id`, say(`filter id "${f.id}" is used twice`, `筛选 id "${f.id}" 重复使用`));
    filterIds.add(f.id);
    if (f.type === 'dateRange') ranges++;
    if (f.type !== 'dateRange' && f.default !== undefined && f.options && !f.options.includes(f.default)) {
      add(
        `/filters/${i}/default`,
        say(`the default "${f.default}" is not one of the options`, `默认值 "${f.default}" 不在选项之中`),
      );
    }
  });
  if (ranges > 1)
    add('/filters', say('a dashboard has at most one date range filter', '一个看板最多只有一个日期范围筛选'));
  const columns = definition.grid?.columns ?? 12;
  const widgetIds = new Set<string>();
  definition.widgets.forEach((w, i) => {
    const at = `/widgets/${i}`;
    if (widgetIds.has(w.id))
      add(`${at}/id`, say(`widget id "${w.id}" is used twice`, `组件 id "${w.id}" 重复使用`));
    widgetIds.add(w.id);
    if (w.layout.x + w.layout.w > columns)
      add(
        `${at}/layout`,
        say(`the widget is wider than the grid's ${columns} columns`, `组件宽度超出了网格的 ${columns} 列`),
      );
    problems.push(...checkQuery(w.query, `${at}/query`, filterIds, true, say));
    problems.push(...checkWidget(w, at, ranges > 0, say));
  });
  return problems;
}

function checkWidget(w: WidgetSpec, at: string, hasRange: boolean, say: Say): ProblemDetailItem[] {
  const problems: ProblemDetailItem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, keyword: 'reference', message });
  const measures = new Set([w.query, ...(w.query.combine ?? [])].flatMap((p) => p.measures.map((m) => m.id)));
  const dimensions = (w.query.dimensions ?? []).map((d) => d.id);
  (w.show ?? []).forEach((id, i) => {
    if (!measures.has(id)) add(`${at}/show/${i}`, say(`there is no measure "${id}"`, `没有度量 "${id}"`));
  });
  if (w.value !== undefined && !measures.has(w.value))
    add(`${at}/value`, say(`there is no measure "${w.value}"`, `没有度量 "${w.value}"`));
  if (w.target && 'measure' in w.target && !measures.has(w.target.measure)) {
    add(
      `${at}/target/measure`,
      say(`there is no measure "${w.target.measure}"`, `没有度量 "${w.target.measure}"`),
    );
  }
  if ((w.type === 'kpi' || w.type === 'gauge') && dimensions.length > 0) {
    add(
      `${at}/query/dimensions`,
      say(
        `a ${w.type} shows one number: its query has no dimensions`,
        `${w.type} 只显示一个数：它的查询不能有维度`,
      ),
    );
  }
  if ((w.type === 'pie' || w.type === 'donut') && dimensions.length !== 1) {
    add(
      `${at}/query/dimensions`,
      say(`a ${w.type} chart needs exactly one dimension`, `${w.type} 图需要恰好一个维度`),
    );
  }
  if (w.compare && !hasRange)
    add(
      `${at}/compare`,
      say('comparing with the previous period needs a date range filter', '与上期比较需要日期范围筛选'),
    );
  if (w.type === 'pivot') {
    if (!w.pivot)
      add(`${at}/pivot`, say('a pivot names its rows, columns and value', '透视表需要指定行、列和值'));
    else {
      [...w.pivot.rows, ...w.pivot.columns].forEach((id) => {
        if (!dimensions.includes(id))
          add(`${at}/pivot`, say(`there is no dimension "${id}"`, `没有维度 "${id}"`));
      });
      if (!measures.has(w.pivot.value))
        add(
          `${at}/pivot/value`,
          say(`there is no measure "${w.pivot.value}"`, `没有度量 "${w.pivot.value}"`),
        );
    }
  }
  return problems;
}

function checkQuery(
  query: QuerySpec,
  at: string,
  filterIds: ReadonlySet<string>,
  strictFollow: boolean,
  say: Say,
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
      checkRef(l.from, `${pointer}/lookups/${i}/from`, lookupIds, add, say);
      lookupIds.push(l.id);
    });
    (part.dimensions ?? []).forEach((d, i) => {
      checkRef(d.field, `${pointer}/dimensions/${i}/field`, lookupIds, add, say);
    });
    part.measures.forEach((m, i) => {
      if (measureIds.has(m.id))
        add(
          `${pointer}/measures/${i}/id`,
          say(`measure id "${m.id}" is used twice`, `度量 id "${m.id}" 重复使用`),
        );
      measureIds.add(m.id);
      if ('field' in m && typeof m.field === 'string')
        checkRef(m.field, `${pointer}/measures/${i}/field`, lookupIds, add, say);
      if ('fields' in m)
        m.fields.forEach((f, k) => {
          checkRef(f, `${pointer}/measures/${i}/fields/${k}`, lookupIds, add, say);
        });
      if ('filters' in m && m.filters)
        checkFilters(m.filters, `${pointer}/measures/${i}/filters`, lookupIds, add, say);
    });
    checkFilters(part.filters ?? [], `${pointer}/filters`, lookupIds, add, say);
    for (const [id, ref] of Object.entries(part.follow ?? {})) {
      const p = `${pointer}/follow/${id}`;
      if (strictFollow && !filterIds.has(id))
        add(p, say(`the dashboard has no filter "${id}"`, `看板没有筛选 "${id}"`));
      checkRef(ref, p, lookupIds, add, say);
    }
  }
  const all = parts.flatMap(([p]) => p.measures);
  for (const [part, pointer] of parts) {
    part.measures.forEach((m, i) => {
      if (m.op !== 'ratio') return;
      for (const side of ['numerator', 'denominator'] as const) {
        const target = all.find((x) => x.id === m[side]);
        const at = `${pointer}/measures/${i}/${side}`;
        if (!target)
          unknownMeasure(
            at,
            say(`ratio "${m.id}": there is no measure "${m[side]}"`, `比率 "${m.id}"：没有度量 "${m[side]}"`),
          );
        else if (target.op === 'ratio')
          add(
            at,
            say(`ratio "${m.id}": cannot divide by another ratio`, `比率 "${m.id}"：不能除以另一个比率`),
          );
      }
    });
  }
  const dims = (query.dimensions ?? []).map((d) => d.id);
  (query.sort ?? []).forEach((s, i) => {
    if (!dims.includes(s.by) && !measureIds.has(s.by))
      unknownMeasure(
        `${at}/sort/${i}/by`,
        say(`there is no dimension or measure "${s.by}"`, `没有维度或度量 "${s.by}"`),
      );
  });
  return problems;
}

function checkFilters(
  filters: readonly FilterSpec[],
  pointer: string,
  lookupIds: readonly string[],
  add: (pointer: string, message: string) => void,
  say: Say,
): void {
  filters.forEach((f, i) => {
    if ('or' in f) checkFilters(f.or, `${pointer}/${i}/or`, lookupIds, add, say);
    else if ('and' in f) checkFilters(f.and, `${pointer}/${i}/and`, lookupIds, add, say);
    else checkRef(f.field, `${pointer}/${i}/field`, lookupIds, add, say);
  });
}

function checkRef(
  ref: string,
  pointer: string,
  lookupIds: readonly string[],
  add: (p: string, m: string) => void,
  say: Say,
): void {
  const colon = /^([a-z][a-zA-Z0-9_-]{0,62}):[/@]/.exec(ref);
  if (colon && !lookupIds.includes(colon[1]!))
    add(
      pointer,
      say(`there is no lookup "${colon[1]}" before this field`, `此字段之前没有关联 "${colon[1]}"`),
    );
}
