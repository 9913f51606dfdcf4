import type { Knex } from 'knex';

export interface MessageSubscriptionRecord {
  instanceId: string;
  name: string;
  elementId: string;
  kind: string;
  businessKey: string | null;
  createdAt: Date;
}

export interface BufferedMessageRecord {
  id: string;
  name: string;
  businessKey: string | null;
  instanceId: string | null;
  payload: Record<string, unknown>;
  receivedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

interface SubscriptionRow {
  instance_id: string;
  name: string;
  element_id: string;
  kind: string;
  business_key: string | null;
  created_at: Date;
}

interface BufferedRow {
  id: string;
  name: string;
  business_key: string | null;
  instance_id: string | null;
  payload: Record<string, unknown>;
  received_by: string | null;
  created_at: Date;
  expires_at: Date;
}

function toSubscription(row: SubscriptionRow): MessageSubscriptionRecord {
  return {
    instanceId: row.instance_id,
    name: row.name,
    elementId: row.element_id,
    kind: row.kind,
    businessKey: row.business_key,
    createdAt: row.created_at,
  };
}

function toBuffered(row: BufferedRow): BufferedMessageRecord {
  return {
    id: row.id,
    name: row.name,
    businessKey: row.business_key,
    instanceId: row.instance_id,
    payload: row.payload,
    receivedBy: row.received_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** Who waits for which message (replaced by every step), and messages kept for a TTL until someone does. */
export class MessagesRepo {
  constructor(private readonly db: Knex.Transaction) {}

  /** A step's subscriptions replace the instance's previous ones. Returns the names that are new. */
  async replaceSubscriptions(
    instanceId: string,
    businessKey: string | null,
    subscriptions: readonly { name: string; elementId: string; kind: string }[],
    at: Date,
  ): Promise<string[]> {
    const previous = (await this.db('process_message_subscriptions')
      .where({ instance_id: instanceId })
      .select('name', 'element_id')) as { name: string; element_id: string }[];
    const key = (name: string, elementId: string) => `${name}\u0000${elementId}`;
    const before = new Set(previous.map((p) => key(p.name, p.element_id)));
    const after = new Set(subscriptions.map((s) => key(s.name, s.elementId)));
    const gone = previous.filter((p) => !after.has(key(p.name, p.element_id)));
    const added = subscriptions.filter((s) => !before.has(key(s.name, s.elementId)));
    for (const g of gone) {
      await this.db('process_message_subscriptions')
        .where({ instance_id: instanceId, name: g.name, element_id: g.element_id })
        .delete();
    }
    if (added.length > 0) {
      await this.db('process_message_subscriptions').insert(
        added.map((s) => ({
          instance_id: instanceId,
          name: s.name,
          element_id: s.elementId,
          kind: s.kind,
          business_key: businessKey,
          created_at: at,
        })),
      );
    }
    return [...new Set(added.map((s) => s.name))];
  }

  /** Adds subscriptions to an instance that had none (a new instance, or one that just reached a catch). */
  async addSubscriptions(
    instanceId: string,
    businessKey: string | null,
    subscriptions: readonly { name: string; elementId: string; kind: string }[],
    at: Date,
  ): Promise<void> {
    if (subscriptions.length === 0) return;
    await this.db('process_message_subscriptions')
      .insert(
        subscriptions.map((s) => ({
          instance_id: instanceId,
          name: s.name,
          element_id: s.elementId,
          kind: s.kind,
          business_key: businessKey,
          created_at: at,
        })),
      )
      .onConflict(['instance_id', 'name', 'element_id'])
      .ignore();
  }

  /** Instances waiting for `name`, by business key or instance id, oldest subscription first. */
  async findSubscribers(query: {
    name: string;
    businessKey?: string;
    instanceId?: string;
    limit?: number;
  }): Promise<MessageSubscriptionRecord[]> {
    const q = this.db('process_message_subscriptions')
      .where({ name: query.name })
      .orderBy([{ column: 'created_at' }, { column: 'instance_id' }])
      .limit(query.limit ?? 100);
    if (query.businessKey !== undefined) q.where({ business_key: query.businessKey });
    if (query.instanceId !== undefined) q.where({ instance_id: query.instanceId });
    return ((await q) as SubscriptionRow[]).map(toSubscription);
  }

  async subscriptionsOf(instanceId: string): Promise<MessageSubscriptionRecord[]> {
    const rows = (await this.db('process_message_subscriptions')
      .where({ instance_id: instanceId })
      .orderBy('name')) as SubscriptionRow[];
    return rows.map(toSubscription);
  }

  async buffer(message: BufferedMessageRecord): Promise<void> {
    await this.db('process_buffered_messages').insert({
      id: message.id,
      name: message.name,
      business_key: message.businessKey,
      instance_id: message.instanceId,
      payload: JSON.stringify(message.payload),
      received_by: message.receivedBy,
      created_at: message.createdAt,
      expires_at: message.expiresAt,
    });
  }

  /**
   * Removes and returns the oldest unexpired buffered message for one of `names` addressed to
   * this instance (by id) or its business key. Skips rows another transaction is taking.
   */
  async takeBuffered(query: {
    names: readonly string[];
    instanceId: string;
    businessKey: string | null;
    now: Date;
  }): Promise<BufferedMessageRecord | undefined> {
    if (query.names.length === 0) return undefined;
    const pick = this.db('process_buffered_messages')
      .select('id')
      .whereIn('name', [...query.names])
      .andWhere('expires_at', '>', query.now)
      .andWhere((w) => {
        w.where({ instance_id: query.instanceId });
        if (query.businessKey !== null)
          w.orWhere((b) => b.whereNull('instance_id').andWhere({ business_key: query.businessKey }));
      })
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .limit(1)
      .forUpdate()
      .skipLocked();
    const rows = (await this.db('process_buffered_messages')
      .whereIn('id', pick)
      .delete()
      .returning('*')) as BufferedRow[];
    return rows[0] ? toBuffered(rows[0]) : undefined;
  }

  async deleteExpired(now: Date): Promise<number> {
    // returning: knex-pglite reports a delete's count differently from pg.
    const rows = await this.db('process_buffered_messages')
      .where('expires_at', '<=', now)
      .delete()
      .returning('id');
    return rows.length;
  }

  /**
   * Buffered messages that an instance waits for now (by instance id, or by business key when
   * the message named no instance), oldest first, each with one such instance.
   */
  async deliverable(
    now: Date,
    limit: number,
  ): Promise<{ bufferedId: string; name: string; instanceId: string }[]> {
    const rows = (await this.db('process_buffered_messages as b')
      .join('process_message_subscriptions as s', (on) =>
        on
          .on('s.name', '=', 'b.name')
          .andOn((who) =>
            who
              .on('s.instance_id', '=', 'b.instance_id')
              .orOn((byKey) => byKey.onNull('b.instance_id').andOn('s.business_key', '=', 'b.business_key')),
          ),
      )
      .where('b.expires_at', '>', now)
      .orderBy([{ column: 'b.created_at' }, { column: 'b.id' }, { column: 's.instance_id' }])
      .limit(limit)
      .select('b.id as buffered_id', 'b.name', 's.instance_id')) as {
      buffered_id: string;
      name: string;
      instance_id: string;
    }[];
    const seen = new Set<string>();
    return rows
      .filter((r) => !seen.has(r.buffered_id) && seen.add(r.buffered_id))
      .map((r) => ({ bufferedId: r.buffered_id, name: r.name, instanceId: r.instance_id }));
  }

  async listBuffered(options: { name?: string; limit: number }): Promise<BufferedMessageRecord[]> {
    const q = this.db('process_buffered_messages').orderBy('id').limit(options.limit);
    if (options.name) q.where({ name: options.name });
    return ((await q) as BufferedRow[]).map(toBuffered);
  }
}
