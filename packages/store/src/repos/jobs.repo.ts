import type { Knex } from 'knex';

export type JobKind = 'timer' | 'service';
export type JobStatusValue = 'ready' | 'incident';

export interface JobRecord {
  id: string;
  instanceId: string;
  kind: JobKind;
  /** The engine's timerId or service callId. */
  jobKey: string;
  elementId: string;
  runAt: Date;
  status: JobStatusValue;
  attempts: number;
  maxAttempts: number;
  payload: Record<string, unknown>;
  lockedBy: string | null;
  lockedUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
}

export interface NewJob {
  id: string;
  instanceId: string;
  kind: JobKind;
  jobKey: string;
  elementId: string;
  runAt: Date;
  maxAttempts: number;
  payload: Record<string, unknown>;
  createdAt: Date;
}

interface JobRow {
  id: string;
  instance_id: string;
  kind: JobKind;
  job_key: string;
  element_id: string;
  run_at: Date;
  status: JobStatusValue;
  attempts: number;
  max_attempts: number;
  payload: Record<string, unknown>;
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Date;
}

const COLUMNS = [
  'id',
  'instance_id',
  'kind',
  'job_key',
  'element_id',
  'run_at',
  'status',
  'attempts',
  'max_attempts',
  'payload',
  'locked_by',
  'locked_until',
  'last_error',
  'created_at',
];

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    kind: row.kind,
    jobKey: row.job_key,
    elementId: row.element_id,
    runAt: row.run_at,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    payload: row.payload,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    lastError: row.last_error,
    createdAt: row.created_at,
  };
}

/**
 * Timers and service calls as rows. Nodes take due jobs with `FOR UPDATE SKIP LOCKED`, so two
 * nodes never take the same job and never wait for each other.
 */
export class JobsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  /** Inserts, or re-arms a job with the same (instance, kind, key): a timer cycle's next firing. */
  async upsert(jobs: readonly NewJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.db('process_jobs')
      .insert(
        jobs.map((j) => ({
          id: j.id,
          instance_id: j.instanceId,
          kind: j.kind,
          job_key: j.jobKey,
          element_id: j.elementId,
          run_at: j.runAt,
          status: 'ready',
          attempts: 0,
          max_attempts: j.maxAttempts,
          payload: JSON.stringify(j.payload),
          created_at: j.createdAt,
        })),
      )
      .onConflict(['instance_id', 'kind', 'job_key'])
      .merge([
        'element_id',
        'run_at',
        'status',
        'attempts',
        'max_attempts',
        'payload',
        'locked_by',
        'locked_until',
        'last_error',
      ]);
  }

  async deleteByKeys(instanceId: string, kind: JobKind, keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = (await this.db('process_jobs')
      .where({ instance_id: instanceId, kind })
      .whereIn('job_key', [...keys])
      .delete()
      .returning('id')) as { id: string }[];
    return rows.map((r) => r.id);
  }

  async deleteForInstance(instanceId: string): Promise<string[]> {
    const rows = (await this.db('process_jobs')
      .where({ instance_id: instanceId })
      .delete()
      .returning('id')) as { id: string }[];
    return rows.map((r) => r.id);
  }

  async delete(id: string): Promise<boolean> {
    // returning: knex-pglite reports a delete's count differently from pg.
    const rows = await this.db('process_jobs').where({ id }).delete().returning('id');
    return rows.length === 1;
  }

  /** Deletes a ready job still leased to `nodeId` (its outcome is being recorded); false when it is not. */
  async takeLeased(id: string, nodeId: string): Promise<boolean> {
    const rows = await this.db('process_jobs')
      .where({ id, status: 'ready', locked_by: nodeId })
      .delete()
      .returning('id');
    return rows.length === 1;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = await this.db('process_jobs').where({ id }).first(COLUMNS);
    return row ? toRecord(row as JobRow) : undefined;
  }

  /** Locks the job row; callers hold its instance's lock first. */
  async getForUpdate(id: string): Promise<JobRecord | undefined> {
    const row = await this.db('process_jobs').where({ id }).forUpdate().first(COLUMNS);
    return row ? toRecord(row as JobRow) : undefined;
  }

  /**
   * The oldest due timer whose instance nobody is stepping, with both rows locked. Skipping a
   * busy instance instead of waiting for it means the scheduler never holds a job while it
   * waits for an instance another transaction holds (that order would deadlock with a step).
   */
  async claimDueTimer(now: Date, excludeIds: readonly string[] = []): Promise<JobRecord | undefined> {
    const q = this.db('process_jobs as j')
      .join('process_instances as i', 'i.id', 'j.instance_id')
      .where('j.kind', 'timer')
      .andWhere('j.status', 'ready')
      .andWhere('j.run_at', '<=', now)
      .orderBy('j.run_at')
      .limit(1)
      .forUpdate('j', 'i')
      .skipLocked()
      .select(COLUMNS.map((c) => `j.${c}`));
    if (excludeIds.length > 0) q.whereNotIn('j.id', [...excludeIds]);
    const rows = (await q) as JobRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Leases up to `limit` due service jobs to `nodeId` until `leaseUntil`. The handler runs
   * outside any transaction; if the node dies, the lease runs out and another node retries
   * the call under the same idempotency key.
   */
  async leaseDueServices(now: Date, nodeId: string, leaseUntil: Date, limit: number): Promise<JobRecord[]> {
    if (limit <= 0) return [];
    const due = this.db('process_jobs')
      .select('id')
      .where({ kind: 'service', status: 'ready' })
      .andWhere('run_at', '<=', now)
      .andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', now))
      .orderBy('run_at')
      .limit(limit)
      .forUpdate()
      .skipLocked();
    const rows = (await this.db('process_jobs')
      .whereIn('id', due)
      .update({ locked_by: nodeId, locked_until: leaseUntil })
      .returning(COLUMNS)) as JobRow[];
    return rows.map(toRecord);
  }

  /** After a technical failure: try again at `runAt`, lease released. */
  async reschedule(id: string, update: { runAt: Date; attempts: number; lastError: string }): Promise<void> {
    await this.db('process_jobs').where({ id }).update({
      run_at: update.runAt,
      attempts: update.attempts,
      last_error: update.lastError,
      locked_by: null,
      locked_until: null,
    });
  }

  /** The last retry failed: the job stops until an incident is retried. */
  async markIncident(id: string, update: { attempts: number; lastError: string }): Promise<void> {
    await this.db('process_jobs').where({ id }).update({
      status: 'incident',
      attempts: update.attempts,
      last_error: update.lastError,
      locked_by: null,
      locked_until: null,
    });
  }

  /** An incident was retried: the job runs again from a fresh retry budget. */
  async requeue(id: string, runAt: Date): Promise<boolean> {
    const count = await this.db('process_jobs').where({ id }).update({
      status: 'ready',
      attempts: 0,
      run_at: runAt,
      locked_by: null,
      locked_until: null,
    });
    return count === 1;
  }

  async forInstance(instanceId: string): Promise<JobRecord[]> {
    const rows = (await this.db('process_jobs')
      .where({ instance_id: instanceId })
      .orderBy('run_at')
      .select(COLUMNS)) as JobRow[];
    return rows.map(toRecord);
  }

  /** When the next ready job is due, so an idle scheduler knows how long it may sleep. */
  async nextRunAt(): Promise<Date | undefined> {
    const row = await this.db('process_jobs').where({ status: 'ready' }).min({ at: 'run_at' }).first();
    return (row?.at as Date | null | undefined) ?? undefined;
  }

  async count(filter: { kind?: JobKind; status?: JobStatusValue; dueBy?: Date } = {}): Promise<number> {
    const q = this.db('process_jobs');
    if (filter.kind) q.where({ kind: filter.kind });
    if (filter.status) q.where({ status: filter.status });
    if (filter.dueBy) q.where('run_at', '<=', filter.dueBy);
    const row = await q.count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}
