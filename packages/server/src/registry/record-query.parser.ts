import { DomainError, formRefUri, resolveFieldSchemas } from '@collectflow/schema';
import type {
  RecordCursor,
  RecordFieldFilter,
  RecordFieldKind,
  RecordFilterOp,
  RecordQuery,
  RecordSortKey,
} from '@collectflow/store';
import { parsePointer, pointerMatches } from './json-pointer.js';

/** The list query as it arrives (query-string values), before it is checked against the form. */
export interface RecordListParams {
  filter?: string | string[];
  sort?: string;
  limit?: string;
  cursor?: string;
  formVersion?: string;
  ownerTeamId?: string;
  assigneeId?: string;
}

export interface FormShape {
  schema: Record<string, unknown>;
  sensitive: readonly string[];
  /** Referenced forms' schemas by `key@version`. */
  refs: ReadonlyMap<string, Record<string, unknown>>;
}

export const DEFAULT_LIMIT = 50;
export const DEFAULT_SORT = '-createdAt';
export const MAX_LIMIT = 200;
const OPS: readonly RecordFilterOp[] = ['eq', 'gt', 'gte', 'lt', 'lte', 'contains'];
// `<pointer>:<op>:<value>`; the value is everything after the second colon, so it may hold colons.
const FILTER = /^(\/[^:]*):([a-z]+):(.*)$/s;

const badQuery = (message: string, pointer = '', hint?: string) =>
  new DomainError('records.bad_query', 'invalid', message, {
    ...(hint ? { hint } : {}),
    errors: [{ pointer, message }],
  });

/**
 * Turns `filter=/principal:gte:1000&sort=-/overdueDays&limit=20&cursor=...` into the store's
 * typed query. Each field's kind comes from the form schema, so "1000" compares as a number
 * where the field is a number and as a decimal where it is a money string.
 */
export function parseRecordQuery(
  formKey: string,
  params: RecordListParams,
  shape: FormShape | undefined,
  options: { canViewSensitive: boolean },
): RecordQuery {
  const limit = params.limit === undefined ? DEFAULT_LIMIT : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw badQuery(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  const filters = (params.filter === undefined ? [] : [params.filter].flat()).map((text) =>
    parseFilter(text, shape, options),
  );
  const sortText = params.sort ?? DEFAULT_SORT;
  const sort = parseSort(sortText, shape, options);
  const query: RecordQuery = { formKey, filters, sort, limit };
  if (params.formVersion !== undefined) {
    const version = Number(params.formVersion);
    if (!Number.isInteger(version) || version < 1) throw badQuery('formVersion must be a positive integer');
    query.formVersion = version;
  }
  if (params.ownerTeamId !== undefined) query.ownerTeamId = params.ownerTeamId;
  if (params.assigneeId !== undefined) query.assigneeId = params.assigneeId;
  if (params.cursor !== undefined) query.after = decodeCursor(params.cursor, sortText, sort.key);
  return query;
}

function parseFilter(text: string, shape: FormShape | undefined, options: { canViewSensitive: boolean }) {
  const match = FILTER.exec(text);
  const op = match?.[2] as RecordFilterOp | undefined;
  if (!match || !op || !OPS.includes(op)) {
    throw badQuery(
      `filter "${text}" is not <pointer>:<op>:<value>`,
      '',
      `ops are ${OPS.join(', ')}; e.g. filter=/principal:gte:1000`,
    );
  }
  const pointer = match[1]!;
  const raw = match[3]!;
  const field = fieldKind(pointer, shape, options);
  if (op === 'contains' && field.kind !== 'string' && field.kind !== 'array') {
    throw badQuery(`contains needs a text or list field; ${pointer} is ${field.kind}`, pointer);
  }
  if ((field.kind === 'array' && op !== 'contains') || (field.kind === 'boolean' && op !== 'eq')) {
    throw badQuery(`${pointer} is ${field.kind} and cannot be filtered with ${op}`, pointer);
  }
  const valueKind = field.kind === 'array' ? field.itemKind : field.kind;
  const filter: RecordFieldFilter = {
    path: field.path,
    kind: field.kind,
    op,
    value: coerce(raw, valueKind, pointer),
  };
  return filter;
}

function parseSort(
  text: string,
  shape: FormShape | undefined,
  options: { canViewSensitive: boolean },
): RecordQuery['sort'] {
  const direction = text.startsWith('-') ? 'desc' : 'asc';
  const name = text.replace(/^[-+]/, '');
  let key: RecordSortKey;
  if (name === 'createdAt') key = { column: 'created' };
  else if (name === 'updatedAt') key = { column: 'updated' };
  else if (name.startsWith('/')) {
    const field = fieldKind(name, shape, options);
    if (field.kind === 'array') throw badQuery(`${name} is a list and cannot be sorted on`, name);
    key = { path: field.path, kind: field.kind };
  } else {
    throw badQuery(
      `sort "${text}" is not createdAt, updatedAt or a field pointer`,
      '',
      'e.g. sort=-/principal',
    );
  }
  return { key, direction };
}

interface FieldKind {
  path: string[];
  kind: RecordFieldKind;
  itemKind: Exclude<RecordFieldKind, 'array'>;
}

function fieldKind(
  pointer: string,
  shape: FormShape | undefined,
  options: { canViewSensitive: boolean },
): FieldKind {
  const path = parsePointer(pointer);
  if (!path || path.length === 0 || path.some((s) => s === '*' || s === '')) {
    throw badQuery(`"${pointer}" is not a field pointer`, pointer, 'point at a field, e.g. /address/city');
  }
  if (!options.canViewSensitive && shape?.sensitive.some((p) => pointerMatches(p, pointer))) {
    // Filtering or sorting on a value one may not see would reveal it a comparison at a time.
    throw new DomainError('records.sensitive_field', 'forbidden', `${pointer} is sensitive`, {
      hint: 'filtering or sorting on it needs the permission "sensitive.view"',
    });
  }
  if (!shape) return { path, kind: 'string', itemKind: 'string' };
  const documents = new Map([...shape.refs].map(([id, schema]) => [formRefUri(...splitId(id)), schema]));
  // Each step down must go through an object: equality is JSON containment from the root.
  for (let i = 1; i < path.length; i++) {
    const prefix = `/${path.slice(0, i).join('/')}`;
    if (typesOf(resolveFieldSchemas(shape.schema, prefix, documents)).has('array')) {
      throw badQuery(`${pointer} lies inside a list; filter on the list itself with contains`, pointer);
    }
  }
  const nodes = resolveFieldSchemas(shape.schema, pointer, documents);
  if (nodes.length === 0) throw badQuery(`the form has no field ${pointer}`, pointer);
  const kind = kindOf(nodes);
  const itemKind =
    kind === 'array'
      ? asScalar(kindOf(resolveFieldSchemas(shape.schema, `${pointer}/*`, documents)))
      : 'string';
  return { path, kind, itemKind };
}

function splitId(id: string): [string, number] {
  const at = id.lastIndexOf('@');
  return [id.slice(0, at), Number(id.slice(at + 1))];
}

function typesOf(nodes: Record<string, unknown>[]): Set<string> {
  return new Set(
    nodes.flatMap((n) => (Array.isArray(n.type) ? n.type : n.type === undefined ? [] : [n.type])),
  );
}

function kindOf(nodes: Record<string, unknown>[]): RecordFieldKind {
  const types = typesOf(nodes);
  types.delete('null');
  const formats = new Set(nodes.map((n) => n.format).filter((f) => typeof f === 'string'));
  if (types.has('array')) return 'array';
  if (types.has('number') || types.has('integer')) return 'number';
  if (types.has('boolean')) return 'boolean';
  if (formats.has('decimal')) return 'decimal';
  if (formats.has('date-time')) return 'date-time';
  if (formats.has('date')) return 'date';
  return 'string';
}

function asScalar(kind: RecordFieldKind): Exclude<RecordFieldKind, 'array'> {
  return kind === 'array' ? 'string' : kind;
}

function coerce(
  raw: string,
  kind: Exclude<RecordFieldKind, 'array'>,
  pointer: string,
): string | number | boolean {
  switch (kind) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw badQuery(`${pointer} is a number; "${raw}" is not`, pointer);
      return n;
    }
    case 'decimal':
      if (!/^-?\d{1,28}(\.\d{1,10})?$/.test(raw))
        throw badQuery(`${pointer} is a decimal; "${raw}" is not`, pointer);
      return raw;
    case 'boolean':
      if (raw !== 'true' && raw !== 'false')
        throw badQuery(`${pointer} is true or false, not "${raw}"`, pointer);
      return raw === 'true';
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(raw))
        throw badQuery(`${pointer} is a date (YYYY-MM-DD); "${raw}" is not`, pointer);
      return raw;
    case 'date-time':
      if (Number.isNaN(Date.parse(raw)) || !/^\d{4}-\d{2}-\d{2}T/.test(raw)) {
        throw badQuery(`${pointer} is a date-time (RFC 3339); "${raw}" is not`, pointer);
      }
      return raw;
    case 'string':
      return raw;
  }
}

/** Cursors are opaque to clients: the sort they belong to, the last sort value and id. */
export function encodeCursor(next: RecordCursor, sortText: string): string {
  return Buffer.from(JSON.stringify({ s: sortText, v: next.value, i: next.id })).toString('base64url');
}

function decodeCursor(cursor: string, sortText: string, key: RecordSortKey): RecordCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const c = parsed as { s?: unknown; v?: unknown; i?: unknown } | undefined;
  const foreign = () =>
    badQuery('cursor is not one this server handed out', '', 'start again without a cursor');
  if (!c || typeof c.i !== 'string' || !UUID.test(c.i) || !(c.v === null || typeof c.v === 'string')) {
    throw foreign();
  }
  if (c.s !== sortText)
    throw badQuery('cursor belongs to another sort order', '', 'start again without a cursor');
  // The value goes into a typed comparison: a tampered one must be a 422, never a database error.
  if (c.v !== null && !CURSOR_VALUE[cursorValueKind(key)].test(c.v)) throw foreign();
  return { value: c.v, id: c.i };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// PostgreSQL's text output of each sort type.
const CURSOR_VALUE = {
  any: /^/,
  numeric: /^-?\d+(\.\d+)?$/,
  boolean: /^(true|false)$/,
  timestamptz: /^\d{4,}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}(:\d{2}){0,2}$/,
} as const;

function cursorValueKind(key: RecordSortKey): keyof typeof CURSOR_VALUE {
  if ('column' in key) return key.column === 'updated' ? 'timestamptz' : 'any';
  if (key.kind === 'number' || key.kind === 'decimal') return 'numeric';
  if (key.kind === 'boolean') return 'boolean';
  if (key.kind === 'date-time') return 'timestamptz';
  return 'any';
}
