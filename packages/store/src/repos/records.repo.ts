import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';

/** A form submission, pinned to the form version it was validated against. */
export interface RecordRecord {
  id: string;
  formKey: string;
  formVersion: number;
  data: unknown;
  /** pointer → value of the computed fields, as the server evaluated them. */
  computed: Record<string, unknown>;
  /** Optimistic concurrency: 1 on create, +1 on every update. */
  version: number;
  ownerTeamId: string | null;
  assigneeId: string | null;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export interface NewRecord {
  formKey: string;
  formVersion: number;
  data: unknown;
  computed: Record<string, unknown>;
  ownerTeamId?: string | null;
  assigneeId?: string | null;
  actor: string;
}

export interface RecordChange {
  formVersion: number;
  data: unknown;
  computed: Record<string, unknown>;
  ownerTeamId?: string | null;
  assigneeId?: string | null;
  actor: string;
}

/**
 * How a field's JSON value is compared. The caller derives it from the form schema; the store
 * only guards each cast, so a record whose value has another type (an older form version) is
 * simply not matched instead of failing the query.
 */
export type RecordFieldKind = 'string' | 'number' | 'decimal' | 'boolean' | 'date' | 'date-time' | 'array';
export type RecordFilterOp = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains';

export interface RecordFieldFilter {
  /** Property names from the data root, e.g. ['address', 'city']. */
  path: string[];
  kind: RecordFieldKind;
  op: RecordFilterOp;
  value: string | number | boolean;
}

export type RecordSortKey =
  | { column: 'created' }
  | { column: 'updated' }
  | { path: string[]; kind: Exclude<RecordFieldKind, 'array'> };

/** Where the previous page ended: the sort value there (as text, null for a missing value) and the id. */
export interface RecordCursor {
  value: string | null;
  id: string;
}

export interface RecordQuery {
  formKey: string;
  formVersion?: number;
  ownerTeamId?: string;
  assigneeId?: string;
  /** Record-level rule: only records owned by one of these teams or assigned to this user. */
  visibleTo?: { teamIds: readonly string[]; userId: string };
  filters: RecordFieldFilter[];
  sort: { key: RecordSortKey; direction: 'asc' | 'desc' };
  limit: number;
  after?: RecordCursor;
}

export interface RecordPage {
  records: RecordRecord[];
  /** Set when there may be more: pass it back as `after`. */
  next?: RecordCursor;
}

/** A row of `records` as PostgreSQL returns it (also read by the analytics drill-down). */
export interface RecordRow {
  id: string;
  form_key: string;
  form_version: number;
  data: unknown;
  computed: Record<string, unknown>;
  version: number;
  owner_team_id: string | null;
  assignee_id: string | null;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
  sort_key?: string | null;
}

export const toRecord = (r: RecordRow): RecordRecord => ({
  id: r.id,
  formKey: r.form_key,
  formVersion: r.form_version,
  data: r.data,
  computed: r.computed,
  version: r.version,
  ownerTeamId: r.owner_team_id,
  assigneeId: r.assignee_id,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

/** A SQL fragment with its bindings; every value reaches PostgreSQL as a parameter. */
interface Sql {
  sql: string;
  bindings: Knex.RawBinding[];
}

const DECIMAL_TEXT = '^-?[0-9]+(\\.[0-9]+)?$';
const SQL_TYPE: Record<Exclude<RecordFieldKind, 'array'>, string> = {
  string: 'text',
  date: 'text', // ISO dates order correctly as text, and no stored text can make a cast fail
  number: 'numeric',
  decimal: 'numeric',
  boolean: 'boolean',
  'date-time': 'timestamptz',
};
const RANGE_OPS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** The JSON value at a path: data -> 'a' -> 'b'. */
function jsonAt(path: string[]): Sql {
  return { sql: `(data${' -> ?'.repeat(path.length)})`, bindings: [...path] };
}

/** The text of the value at a path: data -> 'a' ->> 'b'. */
function textAt(path: string[]): Sql {
  const head = path.slice(0, -1);
  return { sql: `(data${' -> ?'.repeat(head.length)} ->> ?)`, bindings: [...path] };
}

/** The value at a path as the SQL type of its kind, or NULL when it has another JSON type. */
function typedAt(path: string[], kind: Exclude<RecordFieldKind, 'array'>): Sql {
  const json = jsonAt(path);
  const text = textAt(path);
  const typeIs = (t: string): Sql => ({ sql: `jsonb_typeof${json.sql} = '${t}'`, bindings: json.bindings });
  const when = (guard: Sql, then: Sql): Sql => ({
    sql: `(case when ${guard.sql} then ${then.sql} end)`,
    bindings: [...guard.bindings, ...then.bindings],
  });
  switch (kind) {
    case 'string':
    case 'date':
      return when(typeIs('string'), text);
    case 'number':
      return when(typeIs('number'), { sql: `${text.sql}::numeric`, bindings: text.bindings });
    case 'boolean':
      return when(typeIs('boolean'), { sql: `${text.sql}::boolean`, bindings: text.bindings });
    case 'decimal': {
      const guard = typeIs('string');
      return when(
        {
          sql: `${guard.sql} and ${text.sql} ~ ?`,
          bindings: [...guard.bindings, ...text.bindings, DECIMAL_TEXT],
        },
        { sql: `${text.sql}::numeric`, bindings: text.bindings },
      );
    }
    case 'date-time':
      return when(typeIs('string'), {
        sql: `records_try_timestamptz(${text.sql})`,
        bindings: text.bindings,
      });
  }
}

/** {a: {b: value}} for path ['a', 'b']: containment, which the GIN index on data serves. */
function nest(path: string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

function filterSql(filter: RecordFieldFilter): Sql {
  const { path, kind, op, value } = filter;
  if (path.length === 0) throw new Error('a record filter needs a field path');
  if (op === 'contains') {
    if (kind === 'array') {
      return { sql: `${jsonAt(path).sql} @> ?::jsonb`, bindings: [...path, JSON.stringify([value])] };
    }
    if (kind !== 'string') throw new Error(`contains needs a string or array field, not ${kind}`);
    const escaped = String(value).replace(/[\\%_]/g, (c) => `\\${c}`);
    const typed = typedAt(path, 'string');
    return { sql: `${typed.sql} ilike ?`, bindings: [...typed.bindings, `%${escaped}%`] };
  }
  if (kind === 'array') throw new Error(`an array field only supports contains, not ${op}`);
  if (op === 'eq' && (kind === 'string' || kind === 'date' || kind === 'number' || kind === 'boolean')) {
    return { sql: 'data @> ?::jsonb', bindings: [JSON.stringify(nest(path, value))] };
  }
  const typed = typedAt(path, kind);
  const operator = op === 'eq' ? '=' : RANGE_OPS[op];
  if (kind === 'boolean' && op !== 'eq') throw new Error(`a boolean field only supports eq, not ${op}`);
  return {
    sql: `${typed.sql} ${operator} ?::${SQL_TYPE[kind]}`,
    bindings: [...typed.bindings, typeof value === 'string' ? value : String(value)],
  };
}

export class RecordsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  /**
   * Stores a new record. With `onlyIfLatest`, only while its form version is still the form's
   * latest (checked in the same statement): a caller that validated against a remembered latest
   * version learns, instead of a round trip before every insert, that a publish moved it.
   */
  async insert(
    input: NewRecord,
    options: { onlyIfLatest?: boolean } = {},
  ): Promise<RecordRecord | undefined> {
    const id = uuidv7();
    const values: Knex.RawBinding[] = [
      id,
      input.formKey,
      input.formVersion,
      JSON.stringify(input.data),
      JSON.stringify(input.computed),
      input.ownerTeamId ?? null,
      input.assigneeId ?? null,
      input.actor,
      input.actor,
    ];
    const guard = options.onlyIfLatest
      ? {
          sql: 'where exists (select 1 from forms where key = ? and latest_version = ?)',
          bindings: [input.formKey, input.formVersion],
        }
      : { sql: '', bindings: [] };
    // The stored data is what was sent; returning it would only parse it back.
    const result = await this.db.raw(
      `insert into records (id, form_key, form_version, data, computed, owner_team_id, assignee_id, created_by, updated_by)
       select ?::uuid, ?, ?::integer, ?::jsonb, ?::jsonb, ?, ?, ?, ? ${guard.sql}
       returning id, form_key, form_version, version, owner_team_id, assignee_id, created_at, created_by, updated_at, updated_by`,
      [...values, ...guard.bindings],
    );
    const row = (result as { rows: Omit<RecordRow, 'data' | 'computed'>[] }).rows[0];
    return row ? toRecord({ ...row, data: input.data, computed: input.computed }) : undefined;
  }

  /** `forUpdate` holds the row until commit, so an update's version check cannot race. */
  async get(id: string, options: { forUpdate?: boolean } = {}): Promise<RecordRecord | undefined> {
    const q = this.db<RecordRow>('records').where({ id }).first();
    if (options.forUpdate) q.forUpdate();
    const row = (await q) as RecordRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Applies the change only if the record is still at `expectedVersion`; undefined otherwise. */
  async update(id: string, expectedVersion: number, change: RecordChange): Promise<RecordRecord | undefined> {
    const rows = (await this.db('records')
      .where({ id, version: expectedVersion })
      .update({
        form_version: change.formVersion,
        data: JSON.stringify(change.data),
        computed: JSON.stringify(change.computed),
        ...(change.ownerTeamId !== undefined ? { owner_team_id: change.ownerTeamId } : {}),
        ...(change.assigneeId !== undefined ? { assignee_id: change.assigneeId } : {}),
        version: this.db.raw('version + 1'),
        updated_at: this.db.fn.now(),
        updated_by: change.actor,
      })
      .returning('*')) as RecordRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** One page of a form's records; keyset pagination on (sort value, id), so pages never shift. */
  async list(query: RecordQuery): Promise<RecordPage> {
    const q = this.db<RecordRow>('records').where({ form_key: query.formKey });
    if (query.formVersion !== undefined) q.where({ form_version: query.formVersion });
    if (query.ownerTeamId !== undefined) q.where({ owner_team_id: query.ownerTeamId });
    if (query.assigneeId !== undefined) q.where({ assignee_id: query.assigneeId });
    if (query.visibleTo) {
      const { teamIds, userId } = query.visibleTo;
      q.where((w) => {
        w.where({ assignee_id: userId });
        if (teamIds.length > 0) w.orWhereIn('owner_team_id', [...teamIds]);
      });
    }
    for (const filter of query.filters) {
      const f = filterSql(filter);
      q.whereRaw(f.sql, f.bindings);
    }

    const { key, direction } = query.sort;
    const cmp = direction === 'asc' ? '>' : '<';
    const dir = direction === 'asc' ? 'asc' : 'desc';
    let sortKey: Sql;
    if ('column' in key && key.column === 'created') {
      // UUIDv7 ids are creation-ordered: the id is the sort value and the cursor.
      sortKey = { sql: 'null::text', bindings: [] };
      if (query.after) q.whereRaw(`id ${cmp} ?::uuid`, [query.after.id]);
      q.orderBy('id', dir);
    } else if ('column' in key) {
      // Text keeps the microseconds a JS Date would drop, so the cursor is exact.
      sortKey = { sql: 'updated_at::text', bindings: [] };
      if (query.after) {
        q.whereRaw(`(updated_at, id) ${cmp} (?::timestamptz, ?::uuid)`, [
          query.after.value ?? '',
          query.after.id,
        ]);
      }
      q.orderBy([
        { column: 'updated_at', order: dir },
        { column: 'id', order: dir },
      ]);
    } else {
      const typed = typedAt(key.path, key.kind);
      const cast = SQL_TYPE[key.kind];
      sortKey = { sql: `${typed.sql}::text`, bindings: typed.bindings };
      if (query.after) {
        const after = query.after;
        // Missing values sort last in both directions.
        if (after.value === null) {
          q.whereRaw(`${typed.sql} is null and id ${cmp} ?::uuid`, [...typed.bindings, after.id]);
        } else {
          q.whereRaw(
            `(${typed.sql} ${cmp} ?::${cast} or (${typed.sql} = ?::${cast} and id ${cmp} ?::uuid) or ${typed.sql} is null)`,
            [...typed.bindings, after.value, ...typed.bindings, after.value, after.id, ...typed.bindings],
          );
        }
      }
      q.orderByRaw(`${typed.sql} ${dir} nulls last, id ${dir}`, typed.bindings);
    }
    q.select('*', this.db.raw(`${sortKey.sql} as sort_key`, sortKey.bindings));
    q.limit(query.limit + 1);
    const rows = (await q) as RecordRow[];
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      records: page.map(toRecord),
      ...(rows.length > query.limit && last ? { next: { value: last.sort_key ?? null, id: last.id } } : {}),
    };
  }
}
