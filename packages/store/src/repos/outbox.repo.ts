import type { Knex } from 'knex';

export interface OutboxInput {
  id: string;
  instanceId: string;
  kind: string;
  name: string;
  elementId: string | null;
  /** Unique: a consumer that sees it twice knows it is the same message. */
  idempotencyKey: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface OutboxRecord extends OutboxInput {
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  dispatchedAt: Date | null;
}

interface OutboxRow {
  id: string;
  instance_id: string;
  kind: string;
  name: string;
  element_id: string | null;
  idempotency_key: string;
  payload: Record<string, unknown>;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  next_attempt_at: Date;
  dispatched_at: Date | null;
}

function toRecord(row: OutboxRow): OutboxRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    kind: row.kind,
    name: row.name,
    elementId: row.element_id,
    idempotencyKey: row.idempotency_key,
    payload: row.payload,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    dispatchedAt: row.dispatched_at,
  };
}

/** Messages to the outside world, written in the step's transaction and dispatched after it. */
export class OutboxRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async append(messages: readonly OutboxInput[]): Promise<void> {
    if (messages.length === 0) return;
    await this.db('process_outbox')
      .insert(
        messages.map((m) => ({
          id: m.id,
          instance_id: m.instanceId,
          kind: m.kind,
          name: m.name,
          element_id: m.elementId,
          idempotency_key: m.idempotencyKey,
          payload: JSON.stringify(m.payload),
          created_at: m.createdAt,
          next_attempt_at: m.createdAt,
        })),
      )
      .onConflict('idempotency_key')
      .ignore();
  }

  /**
   * Leases up to `limit` undelivered messages that are due: moves their next attempt to `until`
   * and returns them, so the caller sends them outside any transaction and other nodes skip them
   * meanwhile. A node that dies before marking one dispatched leaves it due again at `until`.
   */
  async lease(now: Date, until: Date, limit: number): Promise<OutboxRecord[]> {
    const rows = (await this.db('process_outbox')
      .whereNull('dispatched_at')
      .andWhere('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()) as OutboxRow[];
    if (rows.length === 0) return [];
    await this.db('process_outbox')
      .whereIn(
        'id',
        rows.map((r) => r.id),
      )
      .update({ next_attempt_at: until });
    return rows.map(toRecord);
  }

  async markDispatched(id: string, at: Date): Promise<void> {
    await this.db('process_outbox').where({ id }).update({ dispatched_at: at });
  }

  async markFailed(
    id: string,
    update: { attempts: number; error: string; nextAttemptAt: Date },
  ): Promise<void> {
    await this.db('process_outbox').where({ id }).update({
      attempts: update.attempts,
      last_error: update.error,
      next_attempt_at: update.nextAttemptAt,
    });
  }

  async forInstance(instanceId: string): Promise<OutboxRecord[]> {
    const rows = (await this.db('process_outbox')
      .where({ instance_id: instanceId })
      .orderBy('created_at')) as OutboxRow[];
    return rows.map(toRecord);
  }

  async countPending(): Promise<number> {
    const row = await this.db('process_outbox').whereNull('dispatched_at').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}
