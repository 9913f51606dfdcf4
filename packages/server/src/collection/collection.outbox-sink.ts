import { checkContactHours, type InconvenientTime } from '@collectflow/collection';
import type { OutboxRecord } from '@collectflow/store';
import type { Logger } from '../logger.js';
import type { OutboxSink } from '../runtime/runtime.ports.js';
import type { CaseMessageRelay } from './case-message.relay.js';
import { OUTBOUND_KINDS, type OutboundKind } from './outbound.service-handlers.js';
import { type PackContext, profileFor } from './pack.context.js';

/**
 * Delivers one outbound message (SMS gateway, mail server, print-and-post service). Throwing
 * means "try again later": the outbox keeps it and retries with backoff under the same
 * idempotency key, which a real provider should use to drop duplicates.
 */
export type OutboundSender = (message: OutboxRecord) => Promise<void>;

/**
 * The default: the outbox row is the record of what was sent, and the dispatcher marks it sent.
 * Nothing leaves the building until a real sender is configured.
 */
export function recordingSender(logger: Logger): OutboundSender {
  return async (message) => {
    logger.info(
      { outboxId: message.id, kind: message.kind, topic: message.name, instanceId: message.instanceId },
      'outbound message recorded as sent (no sender configured)',
    );
  };
}

const isOutbound = (kind: string): kind is OutboundKind =>
  (OUTBOUND_KINDS as readonly string[]).includes(kind);

/**
 * The runtime's outbox sink for the pack: flow messages go to the case relay, outbound messages to
 * their sender. A message reaching the debtor is checked against the contact hours once more at
 * the moment it leaves (a retry after a provider outage must not land at 23:00).
 */
export function collectionOutboxSink(
  context: PackContext,
  relay: CaseMessageRelay,
  senders: Partial<Record<OutboundKind, OutboundSender>>,
): OutboxSink {
  const fallback = recordingSender(context.logger);
  return async (message) => {
    if (message.kind === 'message') {
      // Delivered now: the dispatcher calls the sink outside any transaction and marks the
      // message dispatched only once this returns, so a crash in between redelivers it.
      await relay.deliver(message);
      return;
    }
    if (!isOutbound(message.kind)) {
      context.logger.info(
        { outboxId: message.id, kind: message.kind, name: message.name },
        'outbox message of a kind the pack does not send',
      );
      return;
    }
    if (message.kind === 'sms' || message.kind === 'email') {
      const payload = message.payload as {
        jurisdiction?: string;
        timeZone?: string;
        inconvenientTimes?: InconvenientTime[];
      };
      const decision = checkContactHours(
        {
          at: context.now(),
          timeZone: payload.timeZone ?? null,
          inconvenientTimes: payload.inconvenientTimes ?? [],
        },
        profileFor(context, payload.jurisdiction),
      );
      if (decision.outcome !== 'allowed') {
        throw new Error(
          `not sent: ${decision.code}${decision.outcome === 'deferred' ? ` until ${decision.until}` : ''}`,
        );
      }
    }
    await (senders[message.kind] ?? fallback)(message);
  };
}
