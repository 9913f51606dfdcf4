import type { Knex } from 'knex';

export interface HistoryInput {
  instanceId: string;
  /** The instance version the step produced (or, for claims, the version it saw). */
  step: number;
  at: Date;
  event: string;
  elementId: string | null;
  elementType: string | null;
  name: string | null;
  executionId: string | null;
  actor: string | null;
  data: Record<string, unknown> | null;
}

export interface HistoryRecord extends HistoryInput {
  id: number;
}

interface HistoryRow {
  id: number;
  instance_id: string;
  step: number;
  at: Date;
  event: string;
  element_id: string | null;
  element_type: string | null;
  name: string | null;
  execution_id: string | null;
  actor: string | null;
  data: Record<string, unknown> | null;
}

function toRecord(row: HistoryRow): HistoryRecord {
  return {
    id: Number(row.id),
    instanceId: row.instance_id,
    step: row.step,
    at: row.at,
    event: row.event,
    elementId: row.element_id,
    elementType: row.element_type,
    name: row.name,
    executionId: row.execution_id,
    actor: row.actor,
    data: row.data,
  };
}

/** Every activity start and end, claim, completion, timer, message and incident, in order. */
export class HistoryRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async append(entries: readonly HistoryInput[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db('process_history').insert(
      entries.map((e) => ({
        instance_id: e.instanceId,
        step: e.step,
        at: e.at,
        event: e.event,
        element_id: e.elementId,
        element_type: e.elementType,
        name: e.name,
        execution_id: e.executionId,
        actor: e.actor,
        data: e.data === null ? null : JSON.stringify(e.data),
      })),
    );
  }

  /** Oldest first; `after` is the id of the last entry of the previous page. */
  async forInstance(
    instanceId: string,
    options: { limit: number; after?: number },
  ): Promise<HistoryRecord[]> {
    const q = this.db('process_history')
      .where({ instance_id: instanceId })
      .orderBy('id')
      .limit(options.limit);
    if (options.after !== undefined) q.where('id', '>', options.after);
    return ((await q) as HistoryRow[]).map(toRecord);
  }

  async count(filter: { instanceId?: string; event?: string } = {}): Promise<number> {
    const q = this.db('process_history');
    if (filter.instanceId) q.where({ instance_id: filter.instanceId });
    if (filter.event) q.where({ event: filter.event });
    const row = await q.count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}
