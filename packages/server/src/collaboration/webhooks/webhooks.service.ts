import type { Clock } from '@collectflow/engine';
import { DomainError } from '@collectflow/schema';
import type {
  Store,
  WebhookDeliveryRecord,
  WebhookPatch,
  WebhookPlatform,
  WebhookRecord,
} from '@collectflow/store';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../../auth/actor.js';
import { invalid, isObject, notFound, objectBody, UUID } from '../collab.errors.js';
import { isNotificationKind, NOTIFICATION_KINDS } from '../notifier.js';
import { formatMessage, WEBHOOK_PLATFORMS } from './webhook.formats.js';

export interface WebhookView {
  id: string;
  name: string;
  platform: WebhookPlatform;
  /** The address with its credential part hidden (robot keys sit in the query or the path). */
  urlPreview: string;
  hasSecret: boolean;
  events: string[];
  teamId: string | null;
  locale: string;
  active: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  eventKind: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: Record<string, unknown>;
}

function preview(url: string): string {
  try {
    const u = new URL(url);
    const tail = `${u.pathname}${u.search}`;
    return `${u.origin}/…${tail.length > 4 ? tail.slice(-4) : ''}`;
  } catch {
    return '…';
  }
}

export const webhookView = (w: WebhookRecord): WebhookView => ({
  id: w.id,
  name: w.name,
  platform: w.platform,
  urlPreview: preview(w.url),
  hasSecret: w.secret !== null && w.secret !== '',
  events: w.events,
  teamId: w.teamId,
  locale: w.locale,
  active: w.active,
  createdBy: w.createdBy,
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});

export const deliveryView = (d: WebhookDeliveryRecord): DeliveryView => ({
  id: d.id,
  webhookId: d.webhookId,
  eventKind: d.eventKind,
  status: d.status,
  attempts: d.attempts,
  maxAttempts: d.maxAttempts,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  createdAt: d.createdAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  payload: d.payload,
});

/** Webhooks to team chat, configured by administrators. */
export class WebhooksService {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      maxAttempts: number;
      publicUrl?: string | undefined;
    },
  ) {}

  async list(): Promise<{ items: WebhookView[] }> {
    const hooks = await this.deps.store.transaction((tx) => tx.webhooks.list(), { readOnly: true });
    return { items: hooks.map(webhookView) };
  }

  async get(id: string): Promise<WebhookView> {
    return webhookView(await this.find(id));
  }

  async create(body: unknown, actor: Actor): Promise<WebhookView> {
    const input = parseWebhook(body, false);
    return this.deps.store.transaction(async (tx) => {
      if (input.teamId && !(await tx.teams.get(input.teamId))) throw unknownTeam(input.teamId);
      const created = await tx.webhooks.create({
        id: uuidv7(),
        name: input.name!,
        platform: input.platform!,
        url: input.url!,
        secret: input.secret ?? null,
        events: input.events!,
        teamId: input.teamId ?? null,
        locale: input.locale ?? 'zh-CN',
        active: input.active ?? true,
        createdBy: actor.userId,
        createdAt: this.deps.clock.now(),
      });
      await tx.audit.append({
        actor: actor.userId,
        action: 'webhook.created',
        subjectType: 'webhook',
        subjectId: created.id,
        detail: {
          name: created.name,
          platform: created.platform,
          events: created.events,
          teamId: created.teamId,
        },
      });
      return webhookView(created);
    });
  }

  async update(id: string, body: unknown, actor: Actor): Promise<WebhookView> {
    const patch = parseWebhook(body, true);
    if (!UUID.test(id)) throw notFound('webhooks.not_found', 'webhook', id);
    return this.deps.store.transaction(async (tx) => {
      if (patch.teamId && !(await tx.teams.get(patch.teamId))) throw unknownTeam(patch.teamId);
      const updated = await tx.webhooks.update(id, patch, this.deps.clock.now());
      if (!updated) throw notFound('webhooks.not_found', 'webhook', id);
      await tx.audit.append({
        actor: actor.userId,
        action: 'webhook.updated',
        subjectType: 'webhook',
        subjectId: id,
        // Which fields changed, never the URL or secret themselves.
        detail: { changed: Object.keys(patch).sort() },
      });
      return webhookView(updated);
    });
  }

  async delete(id: string, actor: Actor): Promise<void> {
    if (!UUID.test(id)) throw notFound('webhooks.not_found', 'webhook', id);
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.webhooks.delete(id))) throw notFound('webhooks.not_found', 'webhook', id);
      await tx.audit.append({
        actor: actor.userId,
        action: 'webhook.deleted',
        subjectType: 'webhook',
        subjectId: id,
      });
    });
  }

  /** Queues a test message, whatever the webhook subscribes to. */
  async sendTest(id: string, actor: Actor): Promise<DeliveryView> {
    const hook = await this.find(id);
    const at = this.deps.clock.now();
    const deliveryId = uuidv7();
    const locale = hook.locale === 'en' ? 'en' : 'zh-CN';
    const payload = formatMessage(hook.platform, {
      id: deliveryId,
      kind: 'test',
      title: locale === 'en' ? 'collectflow test message' : 'collectflow 测试消息',
      text:
        locale === 'en'
          ? `Sent by ${actor.displayName} to check the webhook "${hook.name}".`
          : `${actor.displayName} 发送，用于检查 Webhook“${hook.name}”。`,
      link: this.deps.publicUrl ?? null,
      at,
      subject: { type: 'webhook', id: hook.id },
      data: {},
      locale,
    });
    return this.deps.store.transaction(async (tx) => {
      await tx.webhooks.enqueue([
        {
          id: deliveryId,
          webhookId: hook.id,
          eventKind: 'test',
          idempotencyKey: `${hook.id}:test:${deliveryId}`,
          payload,
          maxAttempts: this.deps.maxAttempts,
          createdAt: at,
        },
      ]);
      await tx.audit.append({
        actor: actor.userId,
        action: 'webhook.tested',
        subjectType: 'webhook',
        subjectId: hook.id,
      });
      return deliveryView((await tx.webhooks.getDelivery(deliveryId))!);
    });
  }

  async deliveries(
    id: string,
    page: { limit: number; before?: string },
  ): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    await this.find(id);
    const items = await this.deps.store.transaction((tx) => tx.webhooks.deliveries(id, page), {
      readOnly: true,
    });
    return {
      items: items.map(deliveryView),
      nextCursor: items.length === page.limit ? (items.at(-1)?.id ?? null) : null,
    };
  }

  /** Puts a failed (or still pending) delivery back in the queue with fresh attempts. */
  async retry(id: string, deliveryId: string, actor: Actor): Promise<DeliveryView> {
    if (!UUID.test(id) || !UUID.test(deliveryId))
      throw notFound('webhooks.delivery_not_found', 'delivery', deliveryId);
    return this.deps.store.transaction(async (tx) => {
      const found = await tx.webhooks.getDelivery(deliveryId);
      if (!found || found.webhookId !== id)
        throw notFound('webhooks.delivery_not_found', 'delivery', deliveryId);
      const retried = await tx.webhooks.retry(deliveryId, this.deps.clock.now());
      if (!retried) {
        throw new DomainError(
          'webhooks.already_delivered',
          'conflict',
          `delivery ${deliveryId} was delivered already`,
        );
      }
      await tx.audit.append({
        actor: actor.userId,
        action: 'webhook.delivery_retried',
        subjectType: 'webhook',
        subjectId: id,
        detail: { deliveryId },
      });
      return deliveryView(retried);
    });
  }

  private async find(id: string): Promise<WebhookRecord> {
    const hook = UUID.test(id)
      ? await this.deps.store.transaction((tx) => tx.webhooks.get(id), { readOnly: true })
      : undefined;
    if (!hook) throw notFound('webhooks.not_found', 'webhook', id);
    return hook;
  }
}

function unknownTeam(teamId: string) {
  return invalid('webhooks.unknown_team', '/teamId', `there is no team "${teamId}"`);
}

function parseWebhook(body: unknown, partial: boolean): WebhookPatch {
  const b = objectBody(
    body,
    'an object with "name", "platform", "url", "events" (and optionally "secret", "teamId", "locale", "active")',
  );
  const out: WebhookPatch = {};
  const need = (key: string) => !partial && b[key] === undefined;
  const fail = (key: string, message: string) => invalid('webhooks.invalid', `/${key}`, message);

  if (need('name') || b.name !== undefined) {
    if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 100) {
      throw fail('name', 'name must be a string of 1 to 100 characters');
    }
    out.name = b.name.trim();
  }
  if (need('platform') || b.platform !== undefined) {
    if (!WEBHOOK_PLATFORMS.includes(b.platform as WebhookPlatform)) {
      throw fail('platform', `platform must be one of ${WEBHOOK_PLATFORMS.join(', ')}`);
    }
    out.platform = b.platform as WebhookPlatform;
  }
  if (need('url') || b.url !== undefined) {
    let url: URL | undefined;
    try {
      url = typeof b.url === 'string' && b.url.length <= 2000 ? new URL(b.url) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
      throw fail('url', 'url must be an http(s) address of at most 2000 characters, without user:password@');
    }
    out.url = url.toString();
  }
  if (b.secret !== undefined) {
    if (b.secret !== null && (typeof b.secret !== 'string' || b.secret.length > 500)) {
      throw fail('secret', 'secret must be a string of at most 500 characters, or null');
    }
    out.secret = b.secret === '' ? null : (b.secret as string | null);
  }
  if (need('events') || b.events !== undefined) {
    if (!Array.isArray(b.events) || b.events.length === 0 || !b.events.every((e) => isNotificationKind(e))) {
      throw fail('events', `events must be a non-empty list of: ${NOTIFICATION_KINDS.join(', ')}`);
    }
    out.events = [...new Set(b.events as string[])];
  }
  if (b.teamId !== undefined) {
    if (b.teamId !== null && (typeof b.teamId !== 'string' || b.teamId === '')) {
      throw fail('teamId', 'teamId must be a team id or null');
    }
    out.teamId = b.teamId as string | null;
  }
  if (b.locale !== undefined) {
    if (b.locale !== 'zh-CN' && b.locale !== 'en') throw fail('locale', 'locale must be zh-CN or en');
    out.locale = b.locale;
  }
  if (b.active !== undefined) {
    if (typeof b.active !== 'boolean') throw fail('active', 'active must be true or false');
    out.active = b.active;
  }
  if (partial && Object.keys(out).length === 0 && isObject(b)) {
    throw invalid('webhooks.invalid', '', 'nothing to change');
  }
  return out;
}
