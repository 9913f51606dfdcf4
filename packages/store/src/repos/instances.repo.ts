import { DomainError } from '@collectflow/schema';
import type { Knex } from 'knex';

export type InstanceStatusValue = 'running' | 'completed' | 'failed' | 'cancelled';

export interface InstanceSummary {
  id: string;
  deploymentId: string;
  processKey: string;
  businessKey: string | null;
  status: InstanceStatusValue;
  activeElementIds: string[];
  failure: unknown;
  version: number;
  startedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
}

export interface InstanceRecord extends InstanceSummary {
  /** The engine snapshot: opaque here, handed back to the next step unchanged. */
  snapshot: unknown;
  variables: Record<string, unknown>;
}

export interface NewInstance {
  id: string;
  deploymentId: string;
  processKey: string;
  businessKey: string | null;
  status: InstanceStatusValue;
  snapshot: unknown;
  variables: Record<string, unknown>;
  activeElementIds: string[];
  failure: unknown;
  startedBy: string | null;
  at: Date;
}

export interface InstanceStepUpdate {
  status: InstanceStatusValue;
  snapshot: unknown;
  variables: Record<string, unknown>;
  activeElementIds: string[];
  failure: unknown;
  at: Date;
}

interface InstanceRow {
  id: string;
  deployment_id: string;
  process_key: string;
  business_key: string | null;
  status: InstanceStatusValue;
  snapshot?: unknown;
  variables?: Record<string, unknown>;
  active_element_ids: string[];
  failure: unknown;
  version: number;
  started_by: string | null;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

const SUMMARY = [
  'id',
  'deployment_id',
  'process_key',
  'business_key',
  'status',
  'active_element_ids',
  'failure',
  'version',
  'started_by',
  'created_at',
  'updated_at',
  'ended_at',
];
const FULL = [...SUMMARY, 'snapshot', 'variables'];

function toSummary(row: InstanceRow): InstanceSummary {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    processKey: row.process_key,
    businessKey: row.business_key,
    status: row.status,
    activeElementIds: row.active_element_ids,
    failure: row.failure ?? null,
    version: row.version,
    startedBy: row.started_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
  };
}

function toRecord(row: InstanceRow): InstanceRecord {
  return { ...toSummary(row), snapshot: row.snapshot, variables: row.variables ?? {} };
}

/** Process instances: one row each, the engine snapshot in it, locked for the length of a step. */
export class InstancesRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async insert(input: NewInstance): Promise<InstanceRecord> {
    const [row] = (await this.db('process_instances')
      .insert({
        id: input.id,
        deployment_id: input.deploymentId,
        process_key: input.processKey,
        business_key: input.businessKey,
        status: input.status,
        snapshot: JSON.stringify(input.snapshot),
        variables: JSON.stringify(input.variables),
        active_element_ids: JSON.stringify(input.activeElementIds),
        failure: input.failure == null ? null : JSON.stringify(input.failure),
        version: 1,
        started_by: input.startedBy,
        created_at: input.at,
        updated_at: input.at,
        ended_at: input.status === 'running' ? null : input.at,
      })
      .returning(FULL)) as InstanceRow[];
    return toRecord(row!);
  }

  /** Reads and locks the row until the transaction ends: the one writer of this instance. */
  async lock(id: string): Promise<InstanceRecord | undefined> {
    const row = await this.db('process_instances').where({ id }).forUpdate().first(FULL);
    return row ? toRecord(row as InstanceRow) : undefined;
  }

  /** Like lock, but answers undefined at once when another transaction holds the row. */
  async tryLock(id: string): Promise<InstanceRecord | undefined> {
    const row = await this.db('process_instances').where({ id }).forUpdate().skipLocked().first(FULL);
    return row ? toRecord(row as InstanceRow) : undefined;
  }

  async get(id: string): Promise<InstanceRecord | undefined> {
    const row = await this.db('process_instances').where({ id }).first(FULL);
    return row ? toRecord(row as InstanceRow) : undefined;
  }

  /** Writes a step's outcome; the version must still be the one the step started from. */
  async saveStep(id: string, expectedVersion: number, update: InstanceStepUpdate): Promise<number> {
    const next = expectedVersion + 1;
    const count = await this.db('process_instances')
      .where({ id, version: expectedVersion })
      .update({
        status: update.status,
        snapshot: JSON.stringify(update.snapshot),
        variables: JSON.stringify(update.variables),
        active_element_ids: JSON.stringify(update.activeElementIds),
        failure: update.failure == null ? null : JSON.stringify(update.failure),
        version: next,
        updated_at: update.at,
        ended_at: update.status === 'running' ? null : update.at,
      });
    if (count !== 1) throw versionConflict(id, expectedVersion);
    return next;
  }

  /** Newest first; `cursor` is the id of the last instance of the previous page. */
  async list(options: {
    processKey?: string;
    businessKey?: string;
    status?: InstanceStatusValue;
    deploymentId?: string;
    /** Started at or after this instant. */
    startedFrom?: Date;
    /** Started before this instant. */
    startedBefore?: Date;
    limit: number;
    cursor?: string;
  }): Promise<InstanceSummary[]> {
    const q = this.db('process_instances').select(SUMMARY).orderBy('id', 'desc').limit(options.limit);
    if (options.processKey) q.where({ process_key: options.processKey });
    if (options.businessKey) q.where({ business_key: options.businessKey });
    if (options.status) q.where({ status: options.status });
    if (options.deploymentId) q.where({ deployment_id: options.deploymentId });
    if (options.startedFrom) q.where('created_at', '>=', options.startedFrom);
    if (options.startedBefore) q.where('created_at', '<', options.startedBefore);
    if (options.cursor) q.where('id', '<', options.cursor);
    return ((await q) as InstanceRow[]).map(toSummary);
  }

  /**
   * Ends an instance by hand: status cancelled, no active elements. The snapshot is kept as it was
   * (for the record); the host refuses further events on a cancelled instance.
   */
  async markCancelled(id: string, expectedVersion: number, at: Date): Promise<number> {
    const next = expectedVersion + 1;
    const count = await this.db('process_instances')
      .where({ id, version: expectedVersion, status: 'running' })
      .update({
        status: 'cancelled',
        active_element_ids: JSON.stringify([]),
        version: next,
        updated_at: at,
        ended_at: at,
      });
    if (count !== 1) throw versionConflict(id, expectedVersion);
    return next;
  }

  /** Points a running instance at another deployment of its process (migration); the snapshot stays. */
  async repoint(id: string, expectedVersion: number, deploymentId: string, at: Date): Promise<number> {
    const next = expectedVersion + 1;
    const count = await this.db('process_instances')
      .where({ id, version: expectedVersion, status: 'running' })
      .update({ deployment_id: deploymentId, version: next, updated_at: at });
    if (count !== 1) throw versionConflict(id, expectedVersion);
    return next;
  }

  /** Running instances of a deployment per active element id (an element may count several instances). */
  async activeByElement(deploymentId: string): Promise<Record<string, number>> {
    const result = (await this.db.raw(
      `select e.element_id, count(distinct i.id) as n
         from process_instances i
         cross join lateral jsonb_array_elements_text(i.active_element_ids) as e(element_id)
        where i.deployment_id = ? and i.status = 'running'
        group by e.element_id`,
      [deploymentId],
    )) as { rows: { element_id: string; n: number | string }[] };
    return Object.fromEntries(result.rows.map((r) => [r.element_id, Number(r.n)]));
  }

  async countRunning(deploymentId: string): Promise<number> {
    const row = await this.db('process_instances')
      .where({ deployment_id: deploymentId, status: 'running' })
      .count({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = (await this.db('process_instances')
      .select('status')
      .count({ n: '*' })
      .groupBy('status')) as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}

function versionConflict(id: string, expectedVersion: number): DomainError {
  return new DomainError(
    'instance.version_conflict',
    'conflict',
    `instance ${id} changed while this step ran (expected version ${expectedVersion})`,
    { hint: 'retry the request' },
  );
}
