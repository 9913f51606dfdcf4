import type { Clock } from '@collectflow/engine';
import type { Store, WebhookDeliveryRecord, WebhookRecord } from '@collectflow/store';
import type { Logger } from '../../logger.js';
import { signedRequest } from './webhook.signing.js';

export interface WebhookRetryPolicy {
  /** Attempts in all, the first included; after the last failure the delivery is failed. */
  maxAttempts: number;
  /** Wait after the first failure; it doubles after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per request. */
  timeoutMs: number;
  /** Beyond the batch's worst case (every send timing out), how long a node holds leased deliveries. */
  leaseMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  timeoutMs: 10_000,
  leaseMs: 60_000,
};

/** The wait before attempt `failedAttempts + 1`: base · 2^(failedAttempts − 1), capped. */
export function backoffDelay(policy: WebhookRetryPolicy, failedAttempts: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
}

export interface DispatchResult {
  delivered: number;
  retrying: number;
  failed: number;
}

/** Chat robots answer 200 with an error code in the body (a bad signature, a rate limit). */
function platformError(webhook: WebhookRecord, body: string): string | undefined {
  if (!['wecom', 'dingtalk', 'feishu'].includes(webhook.platform)) return undefined;
  try {
    const parsed = JSON.parse(body) as { errcode?: unknown; code?: unknown; errmsg?: unknown; msg?: unknown };
    const code = parsed.errcode ?? parsed.code;
    if (code !== undefined && code !== 0)
      return `platform error ${String(code)}: ${String(parsed.errmsg ?? parsed.msg ?? '')}`;
  } catch {
    // Not JSON: the status decides.
  }
  return undefined;
}

/**
 * Sends due webhook deliveries: leases a batch (so the HTTP calls happen outside any
 * transaction and other nodes skip them), sends each, and records the outcome: delivered, or
 * retried later with exponential backoff, or failed after the last attempt.
 */
export class WebhookDispatcher {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      logger: Logger;
      policy: WebhookRetryPolicy;
      fetch?: typeof fetch;
    },
  ) {}

  async dispatchDue(limit = 20): Promise<DispatchResult> {
    const { store, clock, policy } = this.deps;
    const now = clock.now();
    const leased = await store.transaction(async (tx) => {
      // Sends are one after another: the lease covers the whole batch timing out, and then some.
      const leaseUntil = new Date(now.getTime() + limit * policy.timeoutMs + policy.leaseMs);
      const deliveries = await tx.webhooks.lease(now, leaseUntil, limit);
      const hooks = new Map<string, WebhookRecord>();
      for (const d of deliveries) {
        if (!hooks.has(d.webhookId)) {
          const hook = await tx.webhooks.get(d.webhookId);
          if (hook) hooks.set(hook.id, hook);
        }
      }
      return deliveries.flatMap((d) => {
        const hook = hooks.get(d.webhookId);
        return hook ? [{ delivery: d, hook }] : [];
      });
    });
    const result: DispatchResult = { delivered: 0, retrying: 0, failed: 0 };
    for (const { delivery, hook } of leased) {
      const outcome = await this.send(hook, delivery);
      result[outcome] += 1;
    }
    return result;
  }

  private async send(
    hook: WebhookRecord,
    delivery: WebhookDeliveryRecord,
  ): Promise<'delivered' | 'retrying' | 'failed'> {
    const { store, clock, policy, logger } = this.deps;
    const sentAt = clock.now();
    const attempts = delivery.attempts + 1;
    let status: number | null = null;
    let error: string | undefined;
    if (!hook.active) {
      error = 'the webhook is inactive';
    } else {
      try {
        const request = signedRequest(hook, delivery, sentAt);
        const response = await (this.deps.fetch ?? fetch)(request.url, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(policy.timeoutMs),
        });
        status = response.status;
        const text = (await response.text()).slice(0, 4000);
        if (!response.ok) error = `HTTP ${response.status}: ${text.slice(0, 500)}`;
        else error = platformError(hook, text);
      } catch (cause) {
        error = (cause as Error).message || String(cause);
      }
    }
    const doneAt = clock.now();
    if (error === undefined) {
      await store.transaction((tx) =>
        tx.webhooks.markDelivered(delivery.id, { at: doneAt, attempts, status: status ?? 0 }),
      );
      return 'delivered';
    }
    const last = attempts >= delivery.maxAttempts || !hook.active;
    const nextAttemptAt = last ? null : new Date(doneAt.getTime() + backoffDelay(policy, attempts));
    await store.transaction((tx) =>
      tx.webhooks.markAttemptFailed(delivery.id, { attempts, status, error: error!, nextAttemptAt }),
    );
    logger.warn(
      { webhook: hook.id, delivery: delivery.id, attempts, status, final: last },
      last ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry',
    );
    return last ? 'failed' : 'retrying';
  }
}
