import { isDomainError } from '@collectflow/schema';
import type { OutboxRecord } from '@collectflow/store';
import type { ProcessRuntime } from '../runtime/process.runtime.js';
import { PACK_ACTOR_ID } from './pack.actor.js';
import type { PackContext } from './pack.context.js';

/** Asks the host to start soft collection (a) again for the case: (a) has a plain start event. */
export const SOFT_COLLECTION_REQUESTED = 'SoftCollectionRequested';
export const SOFT_COLLECTION_PROCESS = 'soft-collection';

/**
 * Delivers the flows' messages (end and throw events, which the runtime writes to its outbox) to
 * the other flows of the same case: every instance with the case number as business key that
 * waits for the message, or else the processes that start on it (message correlation does both).
 * `SoftCollectionRequested` starts soft collection again. A message nobody waits for is dropped,
 * as the pack's README says.
 *
 * The outbox dispatcher calls the sink outside any transaction, so each delivery is a message
 * correlation (or a start) in its own transaction, and the outbox row is marked dispatched only
 * after it: a node that dies in between leaves the message to be delivered again (at least once).
 * A failure other than "nobody waits" is thrown, and the outbox retries it with backoff.
 */
export class CaseMessageRelay {
  #runtime: ProcessRuntime | undefined;
  #relayed = 0;
  #dropped = 0;

  constructor(private readonly context: PackContext) {}

  attach(runtime: ProcessRuntime): void {
    this.#runtime = runtime;
  }

  /** Messages delivered to (or that started) at least one instance, since this node started. */
  get relayed(): number {
    return this.#relayed;
  }

  get dropped(): number {
    return this.#dropped;
  }

  async deliver(message: OutboxRecord): Promise<void> {
    const runtime = this.#runtime;
    if (!runtime) throw new Error('the collection pack is not attached to a runtime');
    const source = await runtime.instances.get(message.instanceId).catch(() => undefined);
    const businessKey = source?.businessKey;
    if (!businessKey) {
      this.#dropped++;
      this.context.logger.debug({ outboxId: message.id, name: message.name }, 'flow message without a case');
      return;
    }
    const actor = `${PACK_ACTOR_ID}:relay`;
    if (message.name === SOFT_COLLECTION_REQUESTED) {
      await runtime.instances.start(
        { processKey: SOFT_COLLECTION_PROCESS, businessKey, variables: message.payload },
        actor,
      );
      this.#relayed++;
      return;
    }
    try {
      const outcome = await runtime.messages.correlate(
        { name: message.name, businessKey, payload: message.payload, all: true },
        actor,
      );
      this.#relayed++;
      this.context.logger.debug(
        { outboxId: message.id, name: message.name, outcome: outcome.outcome },
        'flow message relayed',
      );
    } catch (error) {
      if (isDomainError(error) && error.code === 'message.no_match') {
        this.#dropped++;
        return;
      }
      throw error;
    }
  }
}
