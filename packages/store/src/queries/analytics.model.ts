/**
 * The typed aggregate query the compiler turns into SQL. The server builds it from a dashboard's
 * declarative query after checking every field against the form's schema, the caller's rights and
 * sensitive fields; by the time a query gets here, every field has a kind and every name is either
 * a JSON path (bound as parameters) or one of the dataset columns listed below.
 */

export type AnalyticsFieldKind = 'string' | 'number' | 'decimal' | 'boolean' | 'date' | 'date-time';

export type AnalyticsDatasetKind = 'records' | 'tasks' | 'instances' | 'history';

/** SQL of each column a dataset offers besides record data, by the name queries use. */
export const DATASET_COLUMNS = {
  records: {
    id: { sql: 'id', kind: 'string' },
    createdAt: { sql: 'created_at', kind: 'date-time' },
    updatedAt: { sql: 'updated_at', kind: 'date-time' },
    createdBy: { sql: 'created_by', kind: 'string' },
    updatedBy: { sql: 'updated_by', kind: 'string' },
    ownerTeamId: { sql: 'owner_team_id', kind: 'string' },
    assigneeId: { sql: 'assignee_id', kind: 'string' },
    formVersion: { sql: 'form_version', kind: 'number' },
  },
  tasks: {
    id: { sql: 'id', kind: 'string' },
    processKey: { sql: 'process_key', kind: 'string' },
    businessKey: { sql: 'business_key', kind: 'string' },
    formKey: { sql: 'form_key', kind: 'string' },
    elementId: { sql: 'element_id', kind: 'string' },
    name: { sql: 'name', kind: 'string' },
    status: { sql: 'status', kind: 'string' },
    assignee: { sql: 'assignee', kind: 'string' },
    claimedBy: { sql: 'claimed_by', kind: 'string' },
    completedBy: { sql: 'completed_by', kind: 'string' },
    priority: { sql: 'priority', kind: 'number' },
    createdAt: { sql: 'created_at', kind: 'date-time' },
    dueAt: { sql: 'due_at', kind: 'date-time' },
    claimedAt: { sql: 'claimed_at', kind: 'date-time' },
    completedAt: { sql: 'completed_at', kind: 'date-time' },
  },
  instances: {
    id: { sql: 'id', kind: 'string' },
    processKey: { sql: 'process_key', kind: 'string' },
    businessKey: { sql: 'business_key', kind: 'string' },
    status: { sql: 'status', kind: 'string' },
    startedBy: { sql: 'started_by', kind: 'string' },
    createdAt: { sql: 'created_at', kind: 'date-time' },
    updatedAt: { sql: 'updated_at', kind: 'date-time' },
    endedAt: { sql: 'ended_at', kind: 'date-time' },
  },
  history: {
    id: { sql: 'id', kind: 'number' },
    instanceId: { sql: 'instance_id', kind: 'string' },
    // From the instance the history row belongs to (joined as i).
    processKey: { sql: 'i.process_key', kind: 'string' },
    businessKey: { sql: 'i.business_key', kind: 'string' },
    event: { sql: 'event', kind: 'string' },
    elementId: { sql: 'element_id', kind: 'string' },
    elementType: { sql: 'element_type', kind: 'string' },
    name: { sql: 'name', kind: 'string' },
    actor: { sql: 'actor', kind: 'string' },
    at: { sql: 'at', kind: 'date-time' },
  },
} as const satisfies Record<AnalyticsDatasetKind, Record<string, { sql: string; kind: AnalyticsFieldKind }>>;

export type DatasetColumn<K extends AnalyticsDatasetKind> = keyof (typeof DATASET_COLUMNS)[K] & string;

/** Where a field lives: the part's own rows, or the record a lookup found for each row. */
export type FieldOwner = 'base' | { lookup: number };

export type AnalyticsField =
  | { owner: FieldOwner; column: string }
  | {
      owner: FieldOwner;
      /** Property names from the data root: ['allocation', 'principal']. */
      path: readonly string[];
      kind: AnalyticsFieldKind;
      /**
       * The form versions whose schema gives the field this kind. Omit when every version agrees;
       * rows of other versions then read as NULL instead of failing a cast.
       */
      versions?: readonly number[];
    };

export type Scalar = string | number | boolean;

export type AnalyticsCondition =
  | { field: AnalyticsField; op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte'; value: Scalar }
  | { field: AnalyticsField; op: 'in' | 'notIn'; values: readonly Scalar[] }
  | { field: AnalyticsField; op: 'isNull' | 'notNull' }
  | { field: AnalyticsField; op: 'contains'; value: string }
  /** Calendar days from..to inclusive, in `timeZone` for date-time fields. */
  | { field: AnalyticsField; op: 'dateRange'; from: string; to: string }
  | { or: readonly AnalyticsCondition[] }
  | { and: readonly AnalyticsCondition[] };

export type DateBucket = 'day' | 'week' | 'month';

export interface AnalyticsDimension {
  field: AnalyticsField;
  /** Group date and date-time values by calendar day, ISO week (from Monday) or month. */
  bucket?: DateBucket;
}

export type AnalyticsMeasure = (
  | { op: 'count' }
  | { op: 'sum' | 'avg' | 'min' | 'max' | 'countDistinct'; field: AnalyticsField }
  /** sum(a × b) ÷ divideBy: e.g. seconds × hourly cost ÷ 3600. */
  | { op: 'sumProduct'; fields: readonly [AnalyticsField, AnalyticsField]; divideBy?: string }
) & { where?: readonly AnalyticsCondition[] };

/** A form's typed projection (record-projections.ts): its table and the column of each field. */
export interface ProjectionRef {
  table: string;
  /** fieldKey(path, kind) → column. */
  columns: Readonly<Record<string, string>>;
  /** Lookup-key columns that hold no value twice: a lookup on one is a plain join. */
  uniqueColumns?: readonly string[];
}

export type AnalyticsSource =
  | {
      kind: 'records';
      form: string;
      visibleTo?: RecordVisibility;
      /** Read from the projection instead when it holds every field the part reads. */
      projection?: ProjectionRef;
    }
  | { kind: 'tasks' | 'instances' | 'history'; visibleTo?: ProcessVisibility };

/** Record-level rule: records owned by one of these teams or assigned to this user. */
export interface RecordVisibility {
  teamIds: readonly string[];
  userId: string;
}

/** Tasks assigned to, claimed or completed by the user or offered to one of their groups; instances with such a task or started by them. */
export interface ProcessVisibility {
  userId: string;
  groups: readonly string[];
}

/** Each row's one matching record of another form, found by a key (many-to-one). */
export interface AnalyticsLookup {
  form: string;
  /** The value on this side (its text) that must equal the other record's `foreignPath` text. */
  local: AnalyticsField;
  foreignPath: readonly string[];
  visibleTo?: RecordVisibility;
  projection?: ProjectionRef;
}

/** One dataset's aggregation; a query's parts are joined on their dimension values. */
export interface AnalyticsPart {
  source: AnalyticsSource;
  lookups?: readonly AnalyticsLookup[];
  where?: readonly AnalyticsCondition[];
  dimensions: readonly AnalyticsDimension[];
  measures: readonly AnalyticsMeasure[];
}

export type MeasureRef = { part: number; measure: number };

export type SortTarget = { dimension: number } | { measure: MeasureRef } | { ratio: number };

export interface AggregateQuery {
  /** At least one; every part has the same number of dimensions, joined by position. */
  parts: readonly AnalyticsPart[];
  /** numerator ÷ denominator, rounded to RATIO_SCALE places; NULL when the denominator is 0. */
  ratios?: readonly { numerator: MeasureRef; denominator: MeasureRef }[];
  sort?: readonly { target: SortTarget; direction: 'asc' | 'desc' }[];
  limit: number;
  /** IANA zone for date buckets and date ranges of date-time values. */
  timeZone: string;
}

export type OutputType = 'string' | 'decimal' | 'integer' | 'boolean' | 'date' | 'date-time';

export interface AggregateResult {
  /** Column names in row order: d0.., then p<part>_m<measure>.., then r<ratio>.. */
  columns: { name: string; type: OutputType }[];
  rows: unknown[][];
}

/** The records behind one data point: a part's rows narrowed to dimension values. */
export interface DrillQuery {
  part: AnalyticsPart;
  /** Value per dimension of `part` (null for the empty group); dimensions left out are not narrowed. */
  point: readonly { dimension: number; value: Scalar | null }[];
  /** Narrow further to the rows one measure counts (its `where`). */
  measure?: number;
  timeZone: string;
  limit: number;
  /** The last id of the previous page (newest first). */
  before?: string;
}

export const MAX_LIMIT = 10_000;
export const MAX_PARTS = 4;
export const MAX_LOOKUPS = 3;
export const RATIO_SCALE = 6;
