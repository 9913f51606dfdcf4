import type { Knex } from 'knex';

export type IncidentStatusValue = 'open' | 'resolved';

export interface IncidentInput {
  id: string;
  instanceId: string;
  jobId: string | null;
  elementId: string | null;
  /** service_failed, timer_failed, instance_failed. */
  kind: string;
  message: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

export interface IncidentRecord extends IncidentInput {
  status: IncidentStatusValue;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
}

interface IncidentRow {
  id: string;
  instance_id: string;
  job_id: string | null;
  element_id: string | null;
  kind: string;
  message: string;
  details: Record<string, unknown>;
  status: IncidentStatusValue;
  created_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
}

function toRecord(row: IncidentRow): IncidentRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    jobId: row.job_id,
    elementId: row.element_id,
    kind: row.kind,
    message: row.message,
    details: row.details,
    status: row.status,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
  };
}

/** What needs a person: a service call out of retries, a timer that keeps failing, a failed instance. */
export class IncidentsRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async open(incident: IncidentInput): Promise<void> {
    await this.db('process_incidents').insert({
      id: incident.id,
      instance_id: incident.instanceId,
      job_id: incident.jobId,
      element_id: incident.elementId,
      kind: incident.kind,
      message: incident.message,
      details: JSON.stringify(incident.details),
      status: 'open',
      created_at: incident.createdAt,
    });
  }

  async get(id: string): Promise<IncidentRecord | undefined> {
    const row = await this.db('process_incidents').where({ id }).first();
    return row ? toRecord(row as IncidentRow) : undefined;
  }

  async getForUpdate(id: string): Promise<IncidentRecord | undefined> {
    const row = await this.db('process_incidents').where({ id }).forUpdate().first();
    return row ? toRecord(row as IncidentRow) : undefined;
  }

  /** Newest first; `cursor` is the id of the last incident of the previous page. */
  async list(options: {
    status?: IncidentStatusValue;
    instanceId?: string;
    limit: number;
    cursor?: string;
  }): Promise<IncidentRecord[]> {
    const q = this.db('process_incidents').orderBy('id', 'desc').limit(options.limit);
    if (options.status) q.where({ status: options.status });
    if (options.instanceId) q.where({ instance_id: options.instanceId });
    if (options.cursor) q.where('id', '<', options.cursor);
    return ((await q) as IncidentRow[]).map(toRecord);
  }

  async resolve(id: string, update: { by: string; at: Date; resolution: string }): Promise<boolean> {
    const count = await this.db('process_incidents').where({ id, status: 'open' }).update({
      status: 'resolved',
      resolved_by: update.by,
      resolved_at: update.at,
      resolution: update.resolution,
    });
    return count === 1;
  }

  /** Closes the open incidents of jobs the flow no longer needs (e.g. a boundary timer moved on). */
  async resolveForJobs(
    jobIds: readonly string[],
    update: { by: string; at: Date; resolution: string },
  ): Promise<void> {
    if (jobIds.length === 0) return;
    await this.db('process_incidents')
      .whereIn('job_id', [...jobIds])
      .andWhere({ status: 'open' })
      .update({
        status: 'resolved',
        resolved_by: update.by,
        resolved_at: update.at,
        resolution: update.resolution,
      });
  }

  /** Open incidents of a deployment's instances per element id (null: not tied to an element). */
  async openByElement(deploymentId: string): Promise<Record<string, number>> {
    const rows = (await this.db('process_incidents as c')
      .join('process_instances as i', 'i.id', 'c.instance_id')
      .where({ 'i.deployment_id': deploymentId, 'c.status': 'open' })
      .whereNotNull('c.element_id')
      .groupBy('c.element_id')
      .select('c.element_id')
      .count({ n: '*' })) as { element_id: string; n: number | string }[];
    return Object.fromEntries(rows.map((r) => [r.element_id, Number(r.n)]));
  }

  async count(filter: { status?: IncidentStatusValue } = {}): Promise<number> {
    const q = this.db('process_incidents');
    if (filter.status) q.where({ status: filter.status });
    const row = await q.count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}
