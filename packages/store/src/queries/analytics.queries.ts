import { DomainError } from '@collectflow/schema';
import type { Knex } from 'knex';
import { type RecordRecord, type RecordRow, toRecord } from '../repos/records.repo.js';
import { compileAggregate, compileDrill } from './analytics.compiler.js';
import type { AggregateQuery, AggregateResult, DrillQuery, ProjectionRef } from './analytics.model.js';
import { projectionRefs, readyProjections } from './record-projections.js';
import type { Fragment } from './sql.fragment.js';

/** An ad-hoc query from the dashboard editor must not hold a connection for minutes. */
export const STATEMENT_TIMEOUT_MS = 30_000;

/** Dashboard queries, compiled from the typed model; nothing here takes SQL from a caller. */
export class AnalyticsQueries {
  #timeoutSet = false;

  constructor(private readonly db: Knex.Transaction) {}

  async aggregate(query: AggregateQuery): Promise<AggregateResult> {
    const compiled = compileAggregate(query);
    const rows = await this.#run<Record<string, unknown>>(compiled.sql);
    return {
      columns: compiled.columns,
      rows: rows.map((row) => compiled.columns.map((c) => plain(row[c.name]))),
    };
  }

  /** The forms' typed projections that are ready to be read, by form key. */
  projections(): Promise<Map<string, ProjectionRef>> {
    return readyProjections(this.db);
  }

  /**
   * Everything a query needs to know before it is compiled, in one round trip: the latest
   * version of each form (null: nothing published; absent: no such form) and the ready
   * projections. It also sets the transaction's statement timeout.
   */
  async prepare(
    forms: readonly string[],
  ): Promise<{ latest: Map<string, number | null>; projections: Map<string, ProjectionRef> }> {
    const keys = [...new Set(forms)];
    const list = keys.length > 0 ? keys.map(() => '?').join(', ') : 'null';
    const result = (await this.db.raw(
      `select set_config('statement_timeout', ?, true) as timeout,
         (select coalesce(json_agg(json_build_object('key', key, 'latest', latest_version)), '[]')
            from forms where key in (${list})) as forms,
         (select coalesce(json_agg(json_build_object('form_key', form_key, 'table_name', table_name, 'fields', fields, 'duplicate_keys', duplicate_keys)), '[]')
            from record_projections where ready) as projections`,
      [String(STATEMENT_TIMEOUT_MS), ...keys],
    )) as {
      rows: {
        forms: { key: string; latest: number | null }[];
        projections: Parameters<typeof projectionRefs>[0];
      }[];
    };
    this.#timeoutSet = true;
    const row = result.rows[0]!;
    const latest = new Map(row.forms.map((f) => [f.key, f.latest] as const));
    return { latest, projections: projectionRefs(row.projections) };
  }

  /** The records behind a data point, newest first; the caller masks what the reader may not see. */
  async drill(query: DrillQuery): Promise<RecordRecord[]> {
    const rows = await this.#run<RecordRow>(compileDrill(query));
    return rows.map(toRecord);
  }

  async #run<T>(fragment: Fragment): Promise<T[]> {
    if (!this.#timeoutSet) {
      await this.db.raw("select set_config('statement_timeout', ?, true)", [String(STATEMENT_TIMEOUT_MS)]);
      this.#timeoutSet = true;
    }
    try {
      const result = await this.db.raw(fragment.text, fragment.bindings as Knex.RawBinding[]);
      return (result as { rows: T[] }).rows;
    } catch (cause) {
      throw queryFailure(cause);
    }
  }
}

/** Dates as ISO text, so a row reads the same from both backends and as JSON. */
function plain(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** Errors the data (not the code) causes become problems the caller can act on. */
function queryFailure(cause: unknown): unknown {
  const code = (cause as { code?: unknown })?.code;
  if (typeof code !== 'string') return cause;
  if (code === '57014') {
    return new DomainError('store.query_timeout', 'unavailable', 'the query took too long and was stopped', {
      hint: 'narrow the date range or add filters',
      cause,
    });
  }
  // Class 22, data exceptions: a stored value the query cannot read as its field's type.
  if (code.startsWith('22')) {
    return new DomainError(
      'store.query_data_error',
      'invalid',
      'some stored values cannot be read as the query asks (e.g. a value out of range)',
      { hint: 'check the field types in the query against the form', cause },
    );
  }
  return cause;
}
