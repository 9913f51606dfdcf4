import type { Clock } from '@collectflow/engine';
import type { Store } from '@collectflow/store';
import { backoffDelayMs, type RetryPolicy } from './retry.policy.js';
import type { OutboxSink } from './runtime.ports.js';

/** How long a leased message is this node's to send before another node may take it over. */
export const OUTBOX_LEASE_MS = 5 * 60_000;

/**
 * Hands outbox messages (written in the step's transaction) to the sink. Messages are leased in
 * a short transaction and sent outside any, so that a sink may run steps of its own (the
 * collection pack relays flow messages to the case's other flows through message correlation,
 * which has its own transaction); each is marked dispatched only after the sink returned. A crash
 * in between redelivers rather than loses the message once its lease runs out; its idempotency
 * key lets the receiver drop the duplicate.
 */
export class OutboxDispatcher {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      sink: OutboxSink;
      retry: RetryPolicy;
      leaseMs?: number;
    },
  ) {}

  async dispatch(limit = 50): Promise<number> {
    const { store, clock, sink, retry } = this.deps;
    const now = clock.now();
    const until = new Date(now.getTime() + (this.deps.leaseMs ?? OUTBOX_LEASE_MS));
    const leased = await store.transaction((tx) => tx.outbox.lease(now, until, limit));
    let sent = 0;
    for (const message of leased) {
      try {
        await sink(message);
      } catch (error) {
        const attempts = message.attempts + 1;
        await store.transaction((tx) =>
          tx.outbox.markFailed(message.id, {
            attempts,
            error: error instanceof Error ? error.message : String(error),
            nextAttemptAt: new Date(clock.now().getTime() + backoffDelayMs(retry, attempts)),
          }),
        );
        continue;
      }
      await store.transaction((tx) => tx.outbox.markDispatched(message.id, clock.now()));
      sent++;
    }
    return sent;
  }
}
