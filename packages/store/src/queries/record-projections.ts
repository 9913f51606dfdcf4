import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { AnalyticsFieldKind, ProjectionRef } from './analytics.model.js';

/** A field a form's projection holds, as the dashboards read it. */
export interface ProjectionFieldSpec {
  path: readonly string[];
  kind: AnalyticsFieldKind;
  /** The form marks it indexed, or a lookup finds records by it: the column gets a btree index. */
  indexed?: boolean;
  /** Lookups find records by it: the trigger watches whether it stays unique. */
  lookupKey?: boolean;
}

export interface ProjectionSpec {
  form: string;
  fields: readonly ProjectionFieldSpec[];
}

export interface ProjectionReport {
  built: string[];
  unchanged: string[];
  skipped: { form: string; reason: string }[];
}

interface StoredField {
  path: string[];
  kind: AnalyticsFieldKind;
  column: string;
  indexed: boolean;
  lookupKey?: boolean;
}

interface ProjectionRow {
  form_key: string;
  table_name: string;
  fields: StoredField[];
  ready: boolean;
  /** Lookup-key columns that hold a value twice (sticky until the projection is rebuilt). */
  duplicate_keys?: string[];
}

export const PROJECTION_TABLE = /^records_proj_[0-9a-f]{12}_[0-9a-f]{8}$/;
export const PROJECTION_COLUMN = /^c_[0-9a-f]{12}$/;
const FORM_KEY = /^[a-z][a-z0-9-]{1,62}$/;
// DDL and the trigger body take no parameters: only names this plain are written into them.
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;
const KINDS: readonly AnalyticsFieldKind[] = ['string', 'number', 'decimal', 'boolean', 'date', 'date-time'];
const LOCK = 'collectflow.record_projections';

/** Columns every projection copies from records, under the same names. */
const SYSTEM_COLUMNS = [
  ['id', 'uuid primary key'],
  ['form_version', 'integer not null'],
  ['owner_team_id', 'text'],
  ['assignee_id', 'text'],
  ['created_at', 'timestamptz not null'],
  ['created_by', 'text not null'],
  ['updated_at', 'timestamptz not null'],
  ['updated_by', 'text not null'],
] as const;

const SQL_TYPE: Record<AnalyticsFieldKind, string> = {
  string: 'text',
  number: 'numeric',
  decimal: 'numeric',
  boolean: 'boolean',
  date: 'date',
  'date-time': 'timestamptz',
};

export function fieldKey(path: readonly string[], kind: AnalyticsFieldKind): string {
  return JSON.stringify([kind, ...path]);
}

const hash = (text: string, length: number) =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * The value at `path` of a JSON document `source` as the column's type, never failing: a value
 * that is not of the kind reads as NULL, so a projection can never refuse a record write.
 */
function projected(source: string, path: readonly string[], kind: AnalyticsFieldKind): string {
  const head = path.slice(0, -1).map((s) => ` -> '${s}'`);
  const json = `(${source}${path.map((s) => ` -> '${s}'`).join('')})`;
  const text = `(${source}${head.join('')} ->> '${path.at(-1)}')`;
  switch (kind) {
    case 'string':
      // As the records path reads it: the text of whatever JSON value is there.
      return text;
    case 'number':
    case 'decimal':
      // No question marks: knex would take them for bindings, even inside a string literal.
      return `case when ${text} ~ '^-{0,1}[0-9]{1,255}(\\.[0-9]{1,255}){0,1}([eE][-+]{0,1}[0-9]{1,3}){0,1}$' then (${text})::numeric end`;
    case 'boolean':
      return `case when jsonb_typeof(${json}) = 'boolean' then (${text})::boolean end`;
    case 'date':
      return `case when ${text} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then dashboards_try_date(${text}) end`;
    case 'date-time':
      return `case when ${text} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+([Zz]|[+-][0-9]{2}:[0-9]{2})$' then records_try_timestamptz(${text}) end`;
  }
}

function columnsOf(row: { fields: StoredField[] }): string[] {
  return [...SYSTEM_COLUMNS.map(([name]) => name), ...row.fields.map((f) => f.column)];
}

function valuesOf(row: { fields: StoredField[] }, source: string): string[] {
  return [
    ...SYSTEM_COLUMNS.map(([name]) => `${source}.${name}`),
    ...row.fields.map((f) => projected(`${source}.data`, f.path, f.kind)),
  ];
}

/** The trigger body: one branch per form with a projection, each an upsert of the row's typed values. */
function dispatchBody(rows: readonly ProjectionRow[]): string {
  const branches = rows.map((row, i) => {
    const columns = columnsOf(row);
    const updates = columns.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`);
    // A lookup key that now holds a value twice is noted, under a lock per value, so that two
    // writers of the same new value cannot both miss each other.
    const keyChecks = row.fields
      .filter((f) => f.lookupKey && f.kind === 'string')
      .map((f) => {
        const value = projected('new.data', f.path, f.kind);
        return `if ${value} is not null then
        perform pg_advisory_xact_lock(hashtext('${row.table_name}.${f.column}'), hashtext(${value}));
        if exists (select 1 from ${row.table_name} where ${f.column} = ${value} and id <> new.id) then
          update record_projections set duplicate_keys = array_append(duplicate_keys, '${f.column}')
          where form_key = '${row.form_key}' and table_name = '${row.table_name}' and not ('${f.column}' = any(duplicate_keys));
        end if;
      end if;`;
      });
    return `${i === 0 ? 'if' : 'elsif'} new.form_key = '${row.form_key}' then
      insert into ${row.table_name} (${columns.join(', ')}) values (${valuesOf(row, 'new').join(', ')})
      on conflict (id) do update set ${updates.join(', ')};
      ${keyChecks.join('\n      ')}`;
  });
  return `create or replace function records_project() returns trigger language plpgsql as $$
    begin
      ${branches.length > 0 ? `${branches.join('\n      ')}\n      end if;` : ''}
      return null;
    end $$`;
}

function checkRow(row: ProjectionRow): void {
  if (!FORM_KEY.test(row.form_key) || !PROJECTION_TABLE.test(row.table_name)) {
    throw new Error(`record_projections holds a name it should not: ${row.form_key} ${row.table_name}`);
  }
  for (const f of row.fields) {
    if (
      !PROJECTION_COLUMN.test(f.column) ||
      !KINDS.includes(f.kind) ||
      !f.path.every((s) => SEGMENT.test(s))
    ) {
      throw new Error(`record_projections holds a field it should not: ${JSON.stringify(f)}`);
    }
  }
}

/** DDL written here has no bindings: a question mark would be taken for one, even inside a literal. */
function ddl(text: string): string {
  if (text.includes('?')) throw new Error('generated DDL must not contain "?"');
  return text;
}

async function rewriteTrigger(db: Knex | Knex.Transaction): Promise<void> {
  const rows = (await db('record_projections').select('*').orderBy('form_key')) as ProjectionRow[];
  rows.forEach(checkRow);
  await db.raw(ddl(dispatchBody(rows)));
}

/**
 * Makes each form's projection hold exactly `fields` (plus the record columns): a new field set
 * is a new table, which the trigger starts writing at once and which is then filled from the
 * records (rows the trigger wrote meanwhile are kept). Until it is full, readers fall back to
 * the records. No DDL here touches `records`, so writers are never blocked.
 */
export async function ensureRecordProjections(
  knex: Knex,
  specs: readonly ProjectionSpec[],
): Promise<ProjectionReport> {
  const report: ProjectionReport = { built: [], unchanged: [], skipped: [] };
  for (const spec of specs) {
    const usable = spec.fields.filter(
      (f) => KINDS.includes(f.kind) && f.path.length > 0 && f.path.every((s) => SEGMENT.test(s)),
    );
    if (!FORM_KEY.test(spec.form) || usable.length === 0) {
      report.skipped.push({ form: spec.form, reason: 'no field whose name DDL can take' });
      continue;
    }
    const byKey = new Map<string, StoredField>();
    for (const f of usable) {
      const key = fieldKey(f.path, f.kind);
      const previous = byKey.get(key);
      byKey.set(key, {
        path: [...f.path],
        kind: f.kind,
        column: `c_${hash(key, 12)}`,
        indexed: (previous?.indexed ?? false) || f.indexed === true || f.lookupKey === true,
        ...((previous?.lookupKey ?? false) || f.lookupKey === true ? { lookupKey: true } : {}),
      });
    }
    const fields = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, f]) => f);
    const table = `records_proj_${hash(spec.form, 12)}_${hash(JSON.stringify(fields), 8)}`;
    const row: ProjectionRow = { form_key: spec.form, table_name: table, fields, ready: false };

    // 1. The new table, and the trigger writing into it, in one transaction.
    const previous = await knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [LOCK]);
      const current = (await trx('record_projections').where({ form_key: spec.form }).first()) as
        | ProjectionRow
        | undefined;
      if (current?.table_name === table && current.ready) return 'unchanged' as const;
      if (current?.table_name !== table) {
        const columns = [
          ...SYSTEM_COLUMNS.map(([name, type]) => `${name} ${type}`),
          ...fields.map((f) => `${f.column} ${SQL_TYPE[f.kind]}`),
        ];
        await trx.raw(ddl(`create table if not exists ${table} (${columns.join(', ')})`));
        for (const f of fields.filter((x) => x.indexed)) {
          // With the id: a lookup takes the first record of a key straight from the index.
          await trx.raw(
            ddl(`create index if not exists ${table}_${f.column.slice(2, 10)} on ${table} (${f.column}, id)`),
          );
        }
        await trx('record_projections')
          .insert({ form_key: spec.form, table_name: table, fields: JSON.stringify(fields), ready: false })
          .onConflict('form_key')
          .merge({
            table_name: table,
            fields: JSON.stringify(fields),
            ready: false,
            updated_at: trx.fn.now(),
          });
        await rewriteTrigger(trx);
      }
      return current && current.table_name !== table ? current.table_name : null;
    });
    if (previous === 'unchanged') {
      report.unchanged.push(table);
      continue;
    }
    // 2. Fill it from the records; a row the trigger wrote after this snapshot is newer: keep it.
    await knex.raw(
      ddl(`insert into ${table} (${columnsOf(row).join(', ')})
       select ${valuesOf(row, 'r').join(', ')} from records as r where r.form_key = '${spec.form}'
       on conflict (id) do nothing`),
    );
    await knex.raw(`analyze ${table}`);
    // 3. Which lookup keys are not unique (the trigger notes later duplicates itself), then
    //    ready, unless another node moved the form to yet another field set meanwhile.
    const duplicates: string[] = [];
    for (const f of fields.filter((x) => x.lookupKey)) {
      const found = (await knex.raw(
        ddl(
          `select 1 from ${table} where ${f.column} is not null group by ${f.column} having count(*) > 1 limit 1`,
        ),
      )) as { rows: unknown[] };
      if (found.rows.length > 0) duplicates.push(f.column);
    }
    await knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [LOCK]);
      await trx('record_projections')
        .where({ form_key: spec.form, table_name: table })
        .update({
          ready: true,
          // A union: the trigger may have noted one meanwhile.
          duplicate_keys: trx.raw('array(select distinct unnest(duplicate_keys || ?::text[]))', [
            `{${duplicates.join(',')}}`,
          ]),
        });
    });
    if (previous && PROJECTION_TABLE.test(previous)) await knex.raw(`drop table if exists ${previous}`);
    report.built.push(table);
  }
  return report;
}

/** The ready projections, by form key. */
export async function readyProjections(db: Knex | Knex.Transaction): Promise<Map<string, ProjectionRef>> {
  const rows = (await db('record_projections').where({ ready: true }).select('*')) as ProjectionRow[];
  return projectionRefs(rows);
}

/** Rows of record_projections (checked: their names go into SQL text) as references by form key. */
export function projectionRefs(
  rows: readonly Pick<ProjectionRow, 'form_key' | 'table_name' | 'fields' | 'duplicate_keys'>[],
): Map<string, ProjectionRef> {
  const out = new Map<string, ProjectionRef>();
  for (const row of rows) {
    checkRow({ ...row, ready: true });
    const duplicates = new Set(row.duplicate_keys ?? []);
    out.set(row.form_key, {
      table: row.table_name,
      columns: Object.fromEntries(row.fields.map((f) => [fieldKey(f.path, f.kind), f.column])),
      uniqueColumns: row.fields.filter((f) => f.lookupKey && !duplicates.has(f.column)).map((f) => f.column),
    });
  }
  return out;
}
