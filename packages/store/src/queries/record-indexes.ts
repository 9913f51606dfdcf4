import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { AnalyticsFieldKind } from './analytics.model.js';

/** A form field the form marks as indexed (metadata.indexed), with its kind from the schema. */
export interface RecordIndexSpec {
  form: string;
  path: readonly string[];
  kind: AnalyticsFieldKind;
}

export interface RecordIndexReport {
  created: string[];
  existing: string[];
  /** Fields no index is built for, with the reason (a name DDL cannot take safely, a boolean). */
  skipped: { form: string; path: string[]; reason: string }[];
}

const FORM_KEY = /^[a-z][a-z0-9-]{1,62}$/;
// DDL takes no parameters: only names this plain can be written into an index definition.
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

/**
 * Partial expression indexes (one per form and field) on exactly the expressions the analytics
 * compiler filters and joins with: `data ->> 'x'` for text and ISO dates, the numeric cast for
 * numbers, dashboards_timestamptz() for date-times. On PostgreSQL they are built CONCURRENTLY,
 * outside any transaction, so writers are never blocked; an index a failed build left invalid is
 * dropped and built again. Idempotent: an existing valid index is left alone.
 */
export async function ensureRecordIndexes(
  knex: Knex,
  backend: 'pglite' | 'postgres',
  specs: readonly RecordIndexSpec[],
): Promise<RecordIndexReport> {
  const report: RecordIndexReport = { created: [], existing: [], skipped: [] };
  for (const spec of specs) {
    const path = [...spec.path];
    if (!FORM_KEY.test(spec.form) || path.length === 0 || !path.every((s) => SEGMENT.test(s))) {
      report.skipped.push({ form: spec.form, path, reason: 'the form key or a field name needs quoting' });
      continue;
    }
    if (spec.kind === 'boolean') {
      report.skipped.push({ form: spec.form, path, reason: 'a true/false field is not selective' });
      continue;
    }
    const name = indexName(spec);
    const state = (await knex.raw(
      `select i.indisvalid as valid from pg_class c join pg_index i on i.indexrelid = c.oid
       where c.relname = ? and c.relnamespace = current_schema()::regnamespace`,
      [name],
    )) as { rows: { valid: boolean }[] };
    const found = state.rows[0];
    if (found?.valid) {
      report.existing.push(name);
      continue;
    }
    const concurrently = backend === 'postgres' ? 'concurrently ' : '';
    if (found) await knex.raw(`drop index ${concurrently}if exists ${name}`);
    try {
      await knex.raw(
        `create index ${concurrently}if not exists ${name} on records (${expression(spec.kind, path)}) where form_key = '${spec.form}'`,
      );
      report.created.push(name);
    } catch (error) {
      // E.g. a stored value an older form version typed differently: queries still work, unindexed.
      await knex.raw(`drop index ${concurrently}if exists ${name}`).catch(() => undefined);
      report.skipped.push({ form: spec.form, path, reason: `the build failed: ${(error as Error).message}` });
    }
  }
  return report;
}

/** Must stay the expression comparableOf() in analytics.compiler.ts emits for the same kind. */
function expression(kind: AnalyticsFieldKind, path: string[]): string {
  const head = path.slice(0, -1).map((s) => ` -> '${s}'`);
  const text = `(data${head.join('')} ->> '${path.at(-1)}')`;
  switch (kind) {
    case 'number':
    case 'decimal':
      return `(${text}::numeric)`;
    case 'date-time':
      return `dashboards_timestamptz(${text})`;
    default:
      return text;
  }
}

function indexName(spec: RecordIndexSpec): string {
  const hash = createHash('sha256')
    .update(`${spec.form}\0${spec.path.join('\0')}\0${spec.kind}`)
    .digest('hex');
  return `records_dx_${hash.slice(0, 20)}`;
}
