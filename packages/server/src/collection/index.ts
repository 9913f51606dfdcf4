// The debt-collection pack wired into the runtime: handlers, outbox sink and case relay.
export { CaseFactsReader } from './case-facts.reader.js';
export { CaseMessageRelay, SOFT_COLLECTION_REQUESTED } from './case-message.relay.js';
export { type OutboundSender, recordingSender } from './collection.outbox-sink.js';
export {
  type CollectionPack,
  type CollectionPackOptions,
  createCollectionPack,
  DEFAULT_STRATEGY,
  type SettleResult,
} from './collection.pack.js';
export { OUTBOUND_KINDS, type OutboundKind, type OutboundOutcome } from './outbound.service-handlers.js';
export { PACK_ACTOR_ID, packActor, packRuntimeActor } from './pack.actor.js';
export type { StrategyExperiment } from './pack.context.js';
