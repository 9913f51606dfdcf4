import type { Clock } from '@collectflow/engine';
import type { Store } from '@collectflow/store';
import { backoffDelayMs, type RetryPolicy } from './retry.policy.js';
import type { OutboxSink } from './runtime.ports.js';

/**
 * Hands outbox messages (written in the step's transaction) to the sink. A message is marked
 * dispatched in the transaction that claimed it, so a crash redelivers rather than loses it;
 * its idempotency key lets the receiver drop the duplicate.
 */
export class OutboxDispatcher {
  constructor(private readonly deps: { store: Store; clock: Clock; sink: OutboxSink; retry: RetryPolicy }) {}

  async dispatch(limit = 50): Promise<number> {
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (tx) => {
      const pending = await tx.outbox.claimPending(now, limit);
      let sent = 0;
      for (const message of pending) {
        try {
          await this.deps.sink(message);
          await tx.outbox.markDispatched(message.id, now);
          sent++;
        } catch (error) {
          const attempts = message.attempts + 1;
          await tx.outbox.markFailed(message.id, {
            attempts,
            error: error instanceof Error ? error.message : String(error),
            nextAttemptAt: new Date(now.getTime() + backoffDelayMs(this.deps.retry, attempts)),
          });
        }
      }
      return sent;
    });
  }
}
