import type { Knex } from 'knex';

export type WebhookPlatform = 'generic' | 'wecom' | 'dingtalk' | 'feishu' | 'slack' | 'teams';

export interface WebhookRecord {
  id: string;
  name: string;
  platform: WebhookPlatform;
  url: string;
  secret: string | null;
  events: string[];
  teamId: string | null;
  locale: string;
  active: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewWebhook = Omit<WebhookRecord, 'updatedAt'>;
export type WebhookPatch = Partial<
  Pick<WebhookRecord, 'name' | 'platform' | 'url' | 'secret' | 'events' | 'teamId' | 'locale' | 'active'>
>;

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveryInput {
  id: string;
  webhookId: string;
  eventKind: string;
  idempotencyKey: string;
  payload: Record<string, unknown>;
  maxAttempts: number;
  createdAt: Date;
}

export interface WebhookDeliveryRecord extends WebhookDeliveryInput {
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
}

interface WebhookRow {
  id: string;
  name: string;
  platform: WebhookPlatform;
  url: string;
  secret: string | null;
  events: string[];
  team_id: string | null;
  locale: string;
  active: boolean;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_kind: string;
  idempotency_key: string;
  payload: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date;
  locked_until: Date | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const toWebhook = (r: WebhookRow): WebhookRecord => ({
  id: r.id,
  name: r.name,
  platform: r.platform,
  url: r.url,
  secret: r.secret,
  events: r.events,
  teamId: r.team_id,
  locale: r.locale,
  active: r.active,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toDelivery = (r: DeliveryRow): WebhookDeliveryRecord => ({
  id: r.id,
  webhookId: r.webhook_id,
  eventKind: r.event_kind,
  idempotencyKey: r.idempotency_key,
  payload: r.payload,
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  nextAttemptAt: r.next_attempt_at,
  lockedUntil: r.locked_until,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/** Outgoing webhooks an administrator configured, and their delivery outbox. */
export class WebhooksRepo {
  constructor(private readonly db: Knex.Transaction) {}

  async create(webhook: NewWebhook): Promise<WebhookRecord> {
    const rows = (await this.db('webhooks')
      .insert({
        id: webhook.id,
        name: webhook.name,
        platform: webhook.platform,
        url: webhook.url,
        secret: webhook.secret,
        events: JSON.stringify(webhook.events),
        team_id: webhook.teamId,
        locale: webhook.locale,
        active: webhook.active,
        created_by: webhook.createdBy,
        created_at: webhook.createdAt,
        updated_at: webhook.createdAt,
      })
      .returning('*')) as WebhookRow[];
    return toWebhook(rows[0]!);
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    const row = (await this.db('webhooks').where({ id }).first()) as WebhookRow | undefined;
    return row ? toWebhook(row) : undefined;
  }

  async list(): Promise<WebhookRecord[]> {
    return ((await this.db('webhooks').orderBy('id')) as WebhookRow[]).map(toWebhook);
  }

  async update(id: string, patch: WebhookPatch, at: Date): Promise<WebhookRecord | undefined> {
    const columns: Record<string, unknown> = { updated_at: at };
    if (patch.name !== undefined) columns.name = patch.name;
    if (patch.platform !== undefined) columns.platform = patch.platform;
    if (patch.url !== undefined) columns.url = patch.url;
    if (patch.secret !== undefined) columns.secret = patch.secret;
    if (patch.events !== undefined) columns.events = JSON.stringify(patch.events);
    if (patch.teamId !== undefined) columns.team_id = patch.teamId;
    if (patch.locale !== undefined) columns.locale = patch.locale;
    if (patch.active !== undefined) columns.active = patch.active;
    const rows = (await this.db('webhooks').where({ id }).update(columns).returning('*')) as WebhookRow[];
    return rows[0] ? toWebhook(rows[0]) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db('webhooks').where({ id }).delete()) > 0;
  }

  /** Active webhooks subscribed to `kind`, for every team or for `teamId`. */
  async subscribedTo(kind: string, teamId: string | null): Promise<WebhookRecord[]> {
    const q = this.db('webhooks')
      .where({ active: true })
      .whereRaw('events @> ?::jsonb', [JSON.stringify([kind])])
      .orderBy('id');
    q.where((w) => {
      w.whereNull('team_id');
      if (teamId) w.orWhere({ team_id: teamId });
    });
    return ((await q) as WebhookRow[]).map(toWebhook);
  }

  /** Enqueues deliveries; one with an idempotency key seen before is dropped. */
  async enqueue(deliveries: readonly WebhookDeliveryInput[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    const rows = await this.db('webhook_deliveries')
      .insert(
        deliveries.map((d) => ({
          id: d.id,
          webhook_id: d.webhookId,
          event_kind: d.eventKind,
          idempotency_key: d.idempotencyKey,
          payload: JSON.stringify(d.payload),
          status: 'pending',
          max_attempts: d.maxAttempts,
          next_attempt_at: d.createdAt,
          created_at: d.createdAt,
        })),
      )
      .onConflict('idempotency_key')
      .ignore()
      .returning('id');
    return rows.length;
  }

  /**
   * Leases up to `limit` due deliveries until `leaseUntil` and returns them: the sends happen
   * outside this transaction, and another node skips what is leased.
   */
  async lease(now: Date, leaseUntil: Date, limit: number): Promise<WebhookDeliveryRecord[]> {
    const due = (await this.db('webhook_deliveries')
      .where({ status: 'pending' })
      .andWhere('next_attempt_at', '<=', now)
      .andWhere((w) => w.whereNull('locked_until').orWhere('locked_until', '<=', now))
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .select('id')) as { id: string }[];
    if (due.length === 0) return [];
    const rows = (await this.db('webhook_deliveries')
      .whereIn(
        'id',
        due.map((d) => d.id),
      )
      .update({ locked_until: leaseUntil })
      .returning('*')) as DeliveryRow[];
    return rows.map(toDelivery).sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
  }

  async markDelivered(id: string, result: { at: Date; attempts: number; status: number }): Promise<void> {
    await this.db('webhook_deliveries').where({ id }).update({
      status: 'delivered',
      attempts: result.attempts,
      last_status: result.status,
      last_error: null,
      delivered_at: result.at,
      locked_until: null,
    });
  }

  /** A failed attempt: retried at `nextAttemptAt`, or failed for good when that is null. */
  async markAttemptFailed(
    id: string,
    result: { attempts: number; status: number | null; error: string; nextAttemptAt: Date | null },
  ): Promise<void> {
    await this.db('webhook_deliveries')
      .where({ id })
      .update({
        attempts: result.attempts,
        last_status: result.status,
        last_error: result.error.slice(0, 2000),
        locked_until: null,
        ...(result.nextAttemptAt ? { next_attempt_at: result.nextAttemptAt } : { status: 'failed' }),
      });
  }

  async getDelivery(id: string): Promise<WebhookDeliveryRecord | undefined> {
    const row = (await this.db('webhook_deliveries').where({ id }).first()) as DeliveryRow | undefined;
    return row ? toDelivery(row) : undefined;
  }

  /** Newest first. */
  async deliveries(
    webhookId: string,
    options: { limit: number; before?: string },
  ): Promise<WebhookDeliveryRecord[]> {
    const q = this.db('webhook_deliveries')
      .where({ webhook_id: webhookId })
      .orderBy('id', 'desc')
      .limit(options.limit);
    if (options.before) q.where('id', '<', options.before);
    return ((await q) as DeliveryRow[]).map(toDelivery);
  }

  /** Puts a failed delivery back in the queue with fresh attempts (an admin's "retry"). */
  async retry(id: string, at: Date): Promise<WebhookDeliveryRecord | undefined> {
    const rows = (await this.db('webhook_deliveries')
      .where({ id })
      .whereNot({ status: 'delivered' })
      .update({ status: 'pending', attempts: 0, next_attempt_at: at, locked_until: null })
      .returning('*')) as DeliveryRow[];
    return rows[0] ? toDelivery(rows[0]) : undefined;
  }
}
