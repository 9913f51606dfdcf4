import { DomainError } from '@collectflow/schema';
import {
  type AggregateQuery,
  type AnalyticsCondition,
  type AnalyticsDatasetKind,
  type AnalyticsDimension,
  type AnalyticsField,
  type AnalyticsFieldKind,
  type AnalyticsMeasure,
  type AnalyticsPart,
  DATASET_COLUMNS,
  type DatasetColumn,
  type DrillQuery,
  type FieldOwner,
  MAX_LIMIT,
  MAX_LOOKUPS,
  MAX_PARTS,
  type MeasureRef,
  type OutputType,
  type ProcessVisibility,
  type ProjectionRef,
  RATIO_SCALE,
  type RecordVisibility,
  type Scalar,
} from './analytics.model.js';
import { fieldKey, PROJECTION_COLUMN, PROJECTION_TABLE } from './record-projections.js';
import { type Binding, EMPTY, Fragment, join, keyword, sql, TRUE, valueList } from './sql.fragment.js';

/** A query the server should never have built: a bug, reported as an invalid request. */
function bad(message: string): never {
  throw new DomainError('store.query_invalid', 'invalid', message);
}

export interface CompiledAggregate {
  sql: Fragment;
  columns: { name: string; type: OutputType }[];
}

/** The select list of a drill query: every column of records, as RecordsRepo reads them. */
export const DRILL_COLUMNS =
  'b.id, b.form_key, b.form_version, b.data, b.computed, b.version, b.owner_team_id, b.assignee_id, ' +
  'b.created_at, b.created_by, b.updated_at, b.updated_by';

const DECIMAL = /^-?\d{1,28}(\.\d{1,12})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMERIC_KINDS: readonly AnalyticsFieldKind[] = ['number', 'decimal'];

/** Everything the compiler needs to know about the part being compiled. */
class PartScope {
  /** The owners read from their form's projection: every field the part reads of them is in it. */
  readonly #projected = new Map<'base' | number, ProjectionRef>();

  constructor(
    readonly part: AnalyticsPart,
    readonly timeZone: string,
    options: { projections: boolean } = { projections: true },
  ) {
    const lookups = part.lookups ?? [];
    if (lookups.length > MAX_LOOKUPS) bad(`at most ${MAX_LOOKUPS} lookups per part`);
    if (part.source.kind === 'records') checkFormKey(part.source.form);
    if (!options.projections) return;
    const fields = fieldsOf(part);
    const covers = (
      projection: ProjectionRef | undefined,
      owner: FieldOwner,
      extra: AnalyticsField[] = [],
    ) => {
      if (!projection || !PROJECTION_TABLE.test(projection.table)) return false;
      const mine = [...fields, ...extra].filter((f) =>
        owner === 'base' ? f.owner === 'base' : f.owner !== 'base' && f.owner.lookup === owner.lookup,
      );
      return mine.every(
        (f) => 'column' in f || (f.versions === undefined && columnIn(projection, f.path, f.kind)),
      );
    };
    if (part.source.kind === 'records' && covers(part.source.projection, 'base')) {
      this.#projected.set('base', part.source.projection!);
    }
    lookups.forEach((lookup, index) => {
      // The key is compared as text: only a text column stands in for the document's text.
      const key: AnalyticsField = { owner: { lookup: index }, path: lookup.foreignPath, kind: 'string' };
      if (covers(lookup.projection, { lookup: index }, [key])) this.#projected.set(index, lookup.projection!);
    });
  }

  /** The projection column holding a field, when its owner is read from a projection. */
  projectedColumn(field: AnalyticsField): Fragment | undefined {
    if ('column' in field) return undefined;
    const projection = this.#projected.get(field.owner === 'base' ? 'base' : field.owner.lookup);
    if (!projection) return undefined;
    const column = columnIn(projection, field.path, field.kind)!;
    return new Fragment(`${this.alias(field.owner).text}.${column}`, []);
  }

  projectionOf(owner: 'base' | number): ProjectionRef | undefined {
    return this.#projected.get(owner);
  }

  datasetOf(owner: FieldOwner): AnalyticsDatasetKind {
    if (owner === 'base') return this.part.source.kind;
    this.lookup(owner.lookup);
    return 'records';
  }

  alias(owner: FieldOwner): Fragment {
    if (owner === 'base') return new Fragment('b', []);
    this.lookup(owner.lookup);
    return new Fragment(`k${owner.lookup}`, []);
  }

  lookup(index: number) {
    const found = Number.isSafeInteger(index) ? this.part.lookups?.[index] : undefined;
    if (!found) bad(`no lookup ${index}`);
    return found;
  }
}

function columnIn(
  projection: ProjectionRef,
  path: readonly string[],
  kind: AnalyticsFieldKind,
): string | undefined {
  const key = fieldKey(path, kind);
  const column = Object.hasOwn(projection.columns, key) ? projection.columns[key] : undefined;
  return column !== undefined && PROJECTION_COLUMN.test(column) ? column : undefined;
}

/** Every field a part reads: dimensions, measures, conditions and the lookups' keys. */
function fieldsOf(part: AnalyticsPart): AnalyticsField[] {
  const out: AnalyticsField[] = [];
  const conditions = (list: readonly AnalyticsCondition[] | undefined) => {
    for (const c of list ?? []) {
      if ('or' in c) conditions(c.or);
      else if ('and' in c) conditions(c.and);
      else out.push(c.field);
    }
  };
  for (const d of part.dimensions) out.push(d.field);
  for (const m of part.measures) {
    if ('field' in m) out.push(m.field);
    if ('fields' in m) out.push(...m.fields);
    conditions(m.where);
  }
  conditions(part.where);
  for (const l of part.lookups ?? []) out.push(l.local);
  return out;
}

function checkFormKey(form: string): void {
  if (typeof form !== 'string' || !/^[a-z][a-z0-9-]{1,62}$/.test(form))
    bad('a records dataset needs a form key');
}

function checkPath(path: readonly string[]): void {
  if (!Array.isArray(path) || path.length === 0 || path.length > 8) bad('a field path has 1 to 8 names');
  for (const segment of path) {
    if (typeof segment !== 'string' || segment.length === 0 || segment.length > 200) bad('bad field path');
  }
}

/** data -> 'a' ->> 'b': the text of a JSON value, every name a binding. */
function jsonText(owner: Fragment, path: readonly string[]): Fragment {
  checkPath(path);
  const head = path.slice(0, -1);
  let text = `(${owner.text}.data`;
  for (const _ of head) text += ' -> ?';
  text += ' ->> ?)';
  return new Fragment(text, [...path]);
}

interface Typed {
  sql: Fragment;
  kind: AnalyticsFieldKind;
}

function columnOf(scope: PartScope, field: { owner: FieldOwner; column: string }): Typed {
  const dataset = scope.datasetOf(field.owner);
  const columns = DATASET_COLUMNS[dataset] as Record<string, { sql: string; kind: AnalyticsFieldKind }>;
  const column = Object.hasOwn(columns, field.column)
    ? columns[field.column as DatasetColumn<typeof dataset>]
    : undefined;
  if (!column) bad(`the ${dataset} dataset has no column ${JSON.stringify(field.column)}`);
  // Constants of DATASET_COLUMNS only; a qualified one (i.process_key) names its own table.
  const text = column.sql.includes('.') ? column.sql : `${scope.alias(field.owner).text}.${column.sql}`;
  return { sql: new Fragment(text, []), kind: column.kind };
}

/** The form_version guard of a field some versions type differently. */
function versionGuard(scope: PartScope, field: AnalyticsField): Fragment | undefined {
  if (!('path' in field) || field.versions === undefined) return undefined;
  const versions = field.versions.filter((v) => Number.isSafeInteger(v));
  if (versions.length === 0) return new Fragment('false', []);
  return sql`${scope.alias(field.owner)}.form_version in ${valueList(versions)}`;
}

function guarded(guard: Fragment | undefined, value: Fragment): Fragment {
  return guard ? sql`(case when ${guard} then ${value} end)` : value;
}

/** The field's value as the SQL type of its kind (what dimensions and measures read). */
function typedValue(scope: PartScope, field: AnalyticsField): Typed {
  if ('column' in field) return columnOf(scope, field);
  const column = scope.projectedColumn(field);
  if (column) return { sql: column, kind: field.kind };
  const text = jsonText(scope.alias(field.owner), field.path);
  const cast = (type: 'numeric' | 'boolean' | 'date' | 'timestamptz') => sql`${text}::${keyword(type)}`;
  const value =
    field.kind === 'string'
      ? text
      : field.kind === 'number' || field.kind === 'decimal'
        ? cast('numeric')
        : field.kind === 'boolean'
          ? cast('boolean')
          : field.kind === 'date'
            ? cast('date')
            : field.kind === 'date-time'
              ? cast('timestamptz')
              : bad(`unknown field kind ${String(field.kind)}`);
  return { sql: guarded(versionGuard(scope, field), value), kind: field.kind };
}

/**
 * The field as conditions compare it: the same expressions the expression indexes are built on
 * (record-indexes.ts), so a filter on an indexed field can use its index. ISO dates compare as
 * text; date-times go through the IMMUTABLE dashboards_timestamptz.
 */
function comparableOf(scope: PartScope, field: AnalyticsField): Typed {
  if ('column' in field) return columnOf(scope, field);
  const column = scope.projectedColumn(field);
  if (column) return { sql: column, kind: field.kind };
  const guard = versionGuard(scope, field);
  if (guard) return typedValue(scope, field);
  const text = jsonText(scope.alias(field.owner), field.path);
  switch (field.kind) {
    case 'string':
    case 'date':
      // A date compares as its ISO text here and as a date in a projection: the bound value is
      // sent untyped, so PostgreSQL reads it as whichever the other side is.
      return { sql: text, kind: field.kind };
    case 'date-time':
      return { sql: sql`dashboards_timestamptz(${text})`, kind: field.kind };
    default:
      return typedValue(scope, field);
  }
}

/** A caller's value, bound and cast to the kind it is compared with. */
function param(kind: AnalyticsFieldKind, value: Scalar): Fragment {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string' && typeof value !== 'number') bad('a text field compares with text');
      return sql`${String(value)}`;
    case 'number':
    case 'decimal': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== 'string' || !DECIMAL.test(text)) bad('a number field compares with a number');
      return sql`${text}::numeric`;
    }
    case 'boolean':
      if (typeof value !== 'boolean') bad('a true/false field compares with true or false');
      return sql`${value ? 'true' : 'false'}::boolean`;
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value)) bad('a date field compares with YYYY-MM-DD');
      return sql`${value}`;
    case 'date-time':
      if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
        bad('a date-time field compares with an RFC 3339 date-time');
      }
      return sql`${value}::timestamptz`;
  }
}

const COMPARISON = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function condition(scope: PartScope, c: AnalyticsCondition): Fragment {
  if ('or' in c) {
    if (c.or.length === 0) return new Fragment('false', []);
    return sql`(${join(
      c.or.map((x) => condition(scope, x)),
      ' or ',
    )})`;
  }
  if ('and' in c) return conjunction(scope, c.and);
  const field = comparableOf(scope, c.field);
  const { sql: expr, kind } = field;
  switch (c.op) {
    case 'isNull':
      return sql`${expr} is null`;
    case 'notNull':
      return sql`${expr} is not null`;
    case 'eq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (kind === 'boolean' && c.op !== 'eq') bad('a true/false field only compares with eq or ne');
      return sql`${expr} ${keyword(COMPARISON[c.op])} ${param(kind, c.value)}`;
    case 'ne':
      // A missing value is "not equal" too: `reversed ne true` keeps payments without the flag.
      return sql`${expr} is distinct from ${param(kind, c.value)}`;
    case 'in':
    case 'notIn': {
      if (!Array.isArray(c.values) || c.values.length === 0 || c.values.length > 1000) {
        bad('in and notIn take 1 to 1000 values');
      }
      const list = join(
        c.values.map((v) => param(kind, v)),
        ', ',
      );
      return c.op === 'in' ? sql`${expr} in (${list})` : sql`(${expr} is null or ${expr} not in (${list}))`;
    }
    case 'contains': {
      if (kind !== 'string' || typeof c.value !== 'string') bad('contains needs a text field and text');
      const escaped = c.value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
      return sql`${expr} ilike ${`%${escaped}%`}`;
    }
    case 'dateRange': {
      if (!DATE.test(c.from) || !DATE.test(c.to)) bad('a date range is two YYYY-MM-DD dates');
      if (kind === 'date') return sql`${expr} between ${c.from} and ${c.to}`;
      if (kind !== 'date-time') bad('a date range needs a date or date-time field');
      // Local midnights of the first day and of the day after the last, in the dashboard's zone.
      return sql`(${expr} >= (${c.from}::date)::timestamp at time zone ${scope.timeZone} and ${expr} < ((${c.to}::date) + 1)::timestamp at time zone ${scope.timeZone})`;
    }
    default:
      return bad(`unknown condition op ${JSON.stringify((c as { op?: unknown }).op)}`);
  }
}

function conjunction(scope: PartScope, conditions: readonly AnalyticsCondition[] | undefined): Fragment {
  if (!conditions || conditions.length === 0) return TRUE;
  return sql`(${join(
    conditions.map((c) => condition(scope, c)),
    ' and ',
  )})`;
}

function recordVisibility(alias: Fragment, visibleTo: RecordVisibility): Fragment {
  const teams = visibleTo.teamIds.filter((t) => typeof t === 'string');
  const own = sql`${alias}.assignee_id = ${visibleTo.userId}`;
  return teams.length === 0 ? own : sql`(${own} or ${alias}.owner_team_id in ${valueList(teams)})`;
}

function taskVisibility(alias: Fragment, visibleTo: ProcessVisibility): Fragment {
  const user = visibleTo.userId;
  const personal = sql`${alias}.assignee = ${user} or ${alias}.claimed_by = ${user} or ${alias}.completed_by = ${user}`;
  const groups = visibleTo.groups.filter((g) => typeof g === 'string');
  if (groups.length === 0) return sql`(${personal})`;
  return sql`(${personal} or ${alias}.candidate_groups && array[${join(
    groups.map((g) => sql`${g}`),
    ', ',
  )}]::text[])`;
}

function instanceVisibility(alias: Fragment, visibleTo: ProcessVisibility): Fragment {
  const t = new Fragment('t', []);
  return sql`(${alias}.started_by = ${visibleTo.userId} or exists (select 1 from process_tasks as t where t.instance_id = ${alias}.id and ${taskVisibility(t, visibleTo)}))`;
}

/** The lookups some field of the part reads, directly or as the key of another used lookup. */
function usedLookups(part: AnalyticsPart): Set<number> {
  const used = new Set<number>();
  const field = (f: AnalyticsField) => {
    if (f.owner !== 'base') used.add(f.owner.lookup);
  };
  const conditions = (list: readonly AnalyticsCondition[] | undefined) => {
    for (const c of list ?? []) {
      if ('or' in c) conditions(c.or);
      else if ('and' in c) conditions(c.and);
      else field(c.field);
    }
  };
  for (const d of part.dimensions) field(d.field);
  for (const m of part.measures) {
    if ('field' in m) field(m.field);
    if ('fields' in m) m.fields.forEach(field);
    conditions(m.where);
  }
  conditions(part.where);
  const lookups = part.lookups ?? [];
  for (let i = lookups.length - 1; i >= 0; i--) if (used.has(i)) field(lookups[i]!.local);
  return used;
}

/** FROM, the lookups' lateral joins and the base rows' own conditions. */
function fromClause(scope: PartScope): { from: Fragment; where: Fragment[] } {
  const { source } = scope.part;
  const b = new Fragment('b', []);
  const where: Fragment[] = [];
  let from: Fragment;
  switch (source.kind) {
    case 'records': {
      const projection = scope.projectionOf('base');
      if (projection) {
        from = new Fragment(`${projection.table} as b`, []);
      } else {
        from = new Fragment('records as b', []);
        where.push(sql`b.form_key = ${source.form}`);
      }
      if (source.visibleTo) where.push(recordVisibility(b, source.visibleTo));
      break;
    }
    case 'tasks':
      from = new Fragment('process_tasks as b', []);
      if (source.visibleTo) where.push(taskVisibility(b, source.visibleTo));
      break;
    case 'instances':
      from = new Fragment('process_instances as b', []);
      if (source.visibleTo) where.push(instanceVisibility(b, source.visibleTo));
      break;
    case 'history':
      from = new Fragment('process_history as b join process_instances as i on i.id = b.instance_id', []);
      if (source.visibleTo) where.push(instanceVisibility(new Fragment('i', []), source.visibleTo));
      break;
    default:
      return bad(`unknown dataset ${JSON.stringify((source as { kind?: unknown }).kind)}`);
  }
  const joins: Fragment[] = [];
  const used = usedLookups(scope.part);
  (scope.part.lookups ?? []).forEach((lookup, index) => {
    checkFormKey(lookup.form);
    const local = lookup.local;
    if (local.owner !== 'base' && local.owner.lookup >= index) bad('a lookup can only use earlier lookups');
    // A lookup no field reads (a dashboard filter left unset) would only cost a join.
    if (!used.has(index)) return;
    const projectedLocal = scope.projectedColumn(local);
    const localText =
      'column' in local
        ? sql`(${columnOf(scope, local).sql})::text`
        : projectedLocal
          ? local.kind === 'string'
            ? projectedLocal
            : sql`(${projectedLocal})::text`
          : jsonText(scope.alias(local.owner), local.path);
    const l = new Fragment('l', []);
    const visible = lookup.visibleTo ? sql` and ${recordVisibility(l, lookup.visibleTo)}` : EMPTY;
    const k = scope.alias({ lookup: index });
    const projection = scope.projectionOf(index);
    // One record per row, whatever duplicates the other form holds: the lookup never multiplies rows.
    const keyColumn = projection ? columnIn(projection, lookup.foreignPath, 'string') : undefined;
    if (projection && keyColumn && projection.uniqueColumns?.includes(keyColumn)) {
      // The key holds no value twice (the projection's trigger would have noted it): a plain join,
      // which PostgreSQL may run as a hash join instead of a probe per row.
      const table = new Fragment(projection.table, []);
      const on = lookup.visibleTo ? sql` and ${recordVisibility(k, lookup.visibleTo)}` : EMPTY;
      joins.push(
        sql` left join ${table} as ${k} on ${new Fragment(`${k.text}.${keyColumn}`, [])} = ${localText}${on}`,
      );
    } else if (projection) {
      const key = new Fragment(`l.${keyColumn}`, []);
      joins.push(
        sql` left join lateral (select l.* from ${new Fragment(projection.table, [])} as l where ${key} = ${localText}${visible} order by l.id limit 1) as ${k} on true`,
      );
    } else {
      joins.push(
        sql` left join lateral (select l.id, l.form_version, l.data, l.created_at, l.updated_at, l.created_by, l.updated_by, l.owner_team_id, l.assignee_id from records as l where l.form_key = ${lookup.form} and ${jsonText(l, lookup.foreignPath)} = ${localText}${visible} order by l.id limit 1) as ${k} on true`,
      );
    }
  });
  return { from: sql`${from}${join(joins, ' ')}`, where };
}

function dimensionOf(scope: PartScope, dimension: AnalyticsDimension): { sql: Fragment; type: OutputType } {
  const value = typedValue(scope, dimension.field);
  if (!dimension.bucket) return { sql: value.sql, type: outputOf(value.kind) };
  const units = { day: 'day', week: 'week', month: 'month' } as const;
  const unit = Object.hasOwn(units, dimension.bucket) ? units[dimension.bucket] : undefined;
  if (!unit) bad(`unknown date bucket ${JSON.stringify(dimension.bucket)}`);
  let local: Fragment;
  if (value.kind === 'date') local = value.sql;
  else if (value.kind === 'date-time') local = sql`(${value.sql} at time zone ${scope.timeZone})`;
  else bad('only date and date-time fields group by day, week or month');
  // The unit is one of three constants; date_trunc takes it as a literal so GROUP BY 1 matches.
  const truncated =
    unit === 'day' ? sql`(${local})::date` : sql`date_trunc('${keyword(unit)}', ${local})::date`;
  return { sql: truncated, type: 'date' };
}

function outputOf(kind: AnalyticsFieldKind): OutputType {
  return kind === 'number' || kind === 'decimal' ? 'decimal' : kind;
}

function measureOf(scope: PartScope, measure: AnalyticsMeasure): { sql: Fragment; type: OutputType } {
  const where = measure.where && measure.where.length > 0 ? conjunction(scope, measure.where) : undefined;
  const filtered = (aggregate: Fragment) => (where ? sql`${aggregate} filter (where ${where})` : aggregate);
  const numeric = (field: AnalyticsField) => {
    const value = typedValue(scope, field);
    if (!NUMERIC_KINDS.includes(value.kind)) bad(`${measure.op} needs a number or decimal field`);
    return value.sql;
  };
  switch (measure.op) {
    case 'count':
      return { sql: filtered(new Fragment('count(*)', [])), type: 'integer' };
    case 'countDistinct':
      return { sql: filtered(sql`count(distinct ${typedValue(scope, measure.field).sql})`), type: 'integer' };
    case 'sum':
      return { sql: sql`coalesce(${filtered(sql`sum(${numeric(measure.field)})`)}, 0)`, type: 'decimal' };
    case 'avg':
      return {
        sql: sql`round(${filtered(sql`avg(${numeric(measure.field)})`)}, ${RATIO_SCALE})`,
        type: 'decimal',
      };
    case 'min':
    case 'max': {
      const value = typedValue(scope, measure.field);
      if (value.kind === 'boolean') bad(`${measure.op} needs a number, decimal, date or text field`);
      const fn = new Fragment(measure.op, []);
      return { sql: filtered(sql`${fn}(${value.sql})`), type: outputOf(value.kind) };
    }
    case 'sumProduct': {
      const [a, b] = measure.fields;
      const product = filtered(sql`sum(${numeric(a)} * ${numeric(b)})`);
      if (measure.divideBy === undefined) return { sql: sql`coalesce(${product}, 0)`, type: 'decimal' };
      if (!DECIMAL.test(measure.divideBy) || Number(measure.divideBy) === 0)
        bad('divideBy is a non-zero number');
      // Rounded like ratios: a division's numeric scale would otherwise run to 16 places.
      return {
        sql: sql`coalesce(round(${product} / ${measure.divideBy}::numeric, ${RATIO_SCALE}), 0)`,
        type: 'decimal',
      };
    }
    default:
      return bad(`unknown measure op ${JSON.stringify((measure as { op?: unknown }).op)}`);
  }
}

function positions(count: number): Fragment {
  return new Fragment(Array.from({ length: count }, (_, i) => String(i + 1)).join(', '), []);
}

/** select <dims> as d0.., <measures> as m0.. from .. where .. group by 1..n */
function compilePart(
  part: AnalyticsPart,
  timeZone: string,
): { sql: Fragment; dims: OutputType[]; measures: OutputType[] } {
  const scope = new PartScope(part, timeZone);
  if (!Array.isArray(part.measures) || part.measures.length === 0) bad('a part needs at least one measure');
  const dims = part.dimensions.map((d) => dimensionOf(scope, d));
  const measures = part.measures.map((m) => measureOf(scope, m));
  const { from, where } = fromClause(scope);
  const select = join(
    [
      ...dims.map((d, i) => sql`${d.sql} as ${new Fragment(`d${i}`, [])}`),
      ...measures.map((m, i) => sql`${m.sql} as ${new Fragment(`m${i}`, [])}`),
    ],
    ', ',
  );
  const conditions = [...where, conjunction(scope, part.where)];
  // Positions, not expressions: the same path bound twice is two parameters PostgreSQL cannot match.
  const groupBy = dims.length > 0 ? sql` group by ${positions(dims.length)}` : EMPTY;
  return {
    sql: sql`select ${select} from ${from} where ${join(conditions, ' and ')}${groupBy}`,
    dims: dims.map((d) => d.type),
    measures: measures.map((m) => m.type),
  };
}

export function compileAggregate(query: AggregateQuery): CompiledAggregate {
  const { parts } = query;
  if (!Array.isArray(parts) || parts.length === 0 || parts.length > MAX_PARTS) {
    bad(`a query has 1 to ${MAX_PARTS} parts`);
  }
  if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > MAX_LIMIT) {
    bad(`limit must be 1 to ${MAX_LIMIT}`);
  }
  checkTimeZone(query.timeZone);
  const dimensionCount = parts[0]!.dimensions.length;
  if (parts.some((p) => p.dimensions.length !== dimensionCount)) bad('every part needs the same dimensions');

  const compiled = parts.map((p) => compilePart(p, query.timeZone));
  const dimTypes = compiled[0]!.dims;
  const d = (i: number) => new Fragment(`d${i}`, []);
  const p = (j: number) => new Fragment(`p${j}`, []);
  const ctes = join(
    compiled.map((c, j) => sql`${p(j)} as (${c.sql})`),
    ', ',
  );

  // The joined row set: one part's groups, or the union of every part's dimension values.
  let rowsFrom: Fragment;
  let dimSource: (i: number) => Fragment;
  if (parts.length === 1) {
    rowsFrom = new Fragment('p0', []);
    dimSource = (i) => sql`p0.${d(i)}`;
  } else if (dimensionCount === 0) {
    // One row per part (aggregates without GROUP BY): side by side.
    rowsFrom = new Fragment(compiled.map((_, j) => `p${j}`).join(' cross join '), []);
    dimSource = () => bad('no dimensions');
  } else {
    const dimList = new Fragment(Array.from({ length: dimensionCount }, (_, i) => `d${i}`).join(', '), []);
    const unionKeys = join(
      compiled.map((_, j) => sql`select ${dimList} from ${p(j)}`),
      ' union ',
    );
    const joins = compiled.map((_, j) => {
      const on = Array.from(
        { length: dimensionCount },
        (_, i) => `p${j}.d${i} is not distinct from keys.d${i}`,
      );
      return new Fragment(` left join p${j} on ${on.join(' and ')}`, []);
    });
    rowsFrom = sql`(${unionKeys}) as keys${join(joins, ' ')}`;
    dimSource = (i) => sql`keys.${d(i)}`;
  }

  const measureValue = (ref: MeasureRef): Fragment => {
    const part = parts[ref.part];
    const measure = part?.measures[ref.measure];
    if (!part || !measure) bad(`no measure ${ref.measure} in part ${ref.part}`);
    const column = new Fragment(`p${ref.part}.m${ref.measure}`, []);
    // A group one part lacks reads as 0 for counts and sums (nothing counted), NULL otherwise.
    const zeroWhenMissing =
      parts.length > 1 && ['count', 'countDistinct', 'sum', 'sumProduct'].includes(measure.op);
    return zeroWhenMissing ? sql`coalesce(${column}, 0)` : column;
  };

  const columns: CompiledAggregate['columns'] = [];
  const select: Fragment[] = [];
  dimTypes.forEach((type, i) => {
    select.push(sql`${dimSource(i)} as ${d(i)}`);
    columns.push({ name: `d${i}`, type });
  });
  compiled.forEach((c, j) => {
    c.measures.forEach((type, i) => {
      const name = `p${j}_m${i}`;
      select.push(sql`${measureValue({ part: j, measure: i })} as ${new Fragment(name, [])}`);
      columns.push({ name, type });
    });
  });
  (query.ratios ?? []).forEach((ratio, i) => {
    const num = measureValue(ratio.numerator);
    const den = measureValue(ratio.denominator);
    select.push(
      sql`round((${num})::numeric / nullif((${den})::numeric, 0), ${RATIO_SCALE}) as ${new Fragment(`r${i}`, [])}`,
    );
    columns.push({ name: `r${i}`, type: 'decimal' });
  });

  const order = (query.sort ?? []).map((s) => {
    const dir = keyword(s.direction === 'desc' ? 'desc' : 'asc');
    const target = s.target;
    let name: string;
    if ('dimension' in target) {
      if (!Number.isSafeInteger(target.dimension) || target.dimension >= dimensionCount)
        bad('sort on an unknown dimension');
      name = `d${target.dimension}`;
    } else if ('ratio' in target) {
      if (!Number.isSafeInteger(target.ratio) || !query.ratios?.[target.ratio])
        bad('sort on an unknown ratio');
      name = `r${target.ratio}`;
    } else {
      measureValue(target.measure);
      name = `p${target.measure.part}_m${target.measure.measure}`;
    }
    return sql`${new Fragment(name, [])} ${dir} nulls last`;
  });
  // Dimensions break ties (and order the rows when no sort is given), so results are stable.
  for (let i = 0; i < dimensionCount; i++) order.push(sql`${d(i)} asc nulls last`);
  const orderBy = order.length > 0 ? sql` order by ${join(order, ', ')}` : EMPTY;

  return {
    sql: sql`with ${ctes} select ${join(select, ', ')} from ${rowsFrom}${orderBy} limit ${query.limit}`,
    columns,
  };
}

/** The records behind a data point, newest first: the part's conditions plus the point's values. */
export function compileDrill(query: DrillQuery): Fragment {
  const { part } = query;
  if (part.source.kind !== 'records') bad('only records datasets drill down to records');
  if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > 500)
    bad('limit must be 1 to 500');
  checkTimeZone(query.timeZone);
  // The records themselves are listed: the projections hold only some of their fields.
  const scope = new PartScope(part, query.timeZone, { projections: false });
  const { from, where } = fromClause(scope);
  const conditions = [...where, conjunction(scope, part.where)];
  for (const { dimension, value } of query.point) {
    const dim = part.dimensions[dimension];
    if (!dim) bad(`no dimension ${dimension}`);
    const { sql: expr, type } = dimensionOf(scope, dim);
    if (value === null) {
      conditions.push(sql`${expr} is null`);
      continue;
    }
    const kind: AnalyticsFieldKind = type === 'integer' ? 'number' : (type as AnalyticsFieldKind);
    const bound = type === 'date' ? sql`${param('date', value)}::date` : param(kind, value);
    conditions.push(sql`${expr} = ${bound}`);
  }
  if (query.measure !== undefined) {
    const measure = part.measures[query.measure];
    if (!measure) bad(`no measure ${query.measure}`);
    conditions.push(conjunction(scope, measure.where));
  }
  if (query.before !== undefined) {
    if (!UUID.test(query.before)) bad('before is a record id');
    conditions.push(sql`b.id < ${query.before}::uuid`);
  }
  return sql`select ${new Fragment(DRILL_COLUMNS, [])} from ${from} where ${join(conditions, ' and ')} order by b.id desc limit ${query.limit}`;
}

function checkTimeZone(zone: string): void {
  if (typeof zone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(zone))
    bad('timeZone is an IANA zone name');
}

export type { Binding };
