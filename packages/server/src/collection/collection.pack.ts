import {
  type AssignmentRule,
  BUILT_IN_PROFILES,
  DEMO_ASSIGNMENT_RULES,
  DEMO_STRATEGY_ARMS,
  type JurisdictionProfile,
  SERVICE_TOPICS,
} from '@collectflow/collection';
import { systemClock } from '@collectflow/engine';
import type { Store } from '@collectflow/store';
import type { Router } from 'express';
import type { Logger } from '../logger.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import type { FormRegistryService } from '../registry/registry.service.js';
import type { ProcessRuntime } from '../runtime/process.runtime.js';
import type { OutboxSink, TaskGuard } from '../runtime/runtime.ports.js';
import type { DrainResult } from '../runtime/scheduler.js';
import type { ServiceHandlerRegistry } from '../runtime/service-handler.registry.js';
import { CaseFactsReader } from './case-facts.reader.js';
import { CaseMessageRelay } from './case-message.relay.js';
import { collectionOutboxSink, type OutboundSender } from './collection.outbox-sink.js';
import { computeHandler } from './compute.service-handlers.js';
import { contactTaskGuard } from './contact.guard.js';
import { contactCheckRoutes, documentContactChecks } from './contact-check.routes.js';
import {
  internalNotificationHandler,
  type OutboundKind,
  outboundHandler,
} from './outbound.service-handlers.js';
import type { PackContext, StrategyExperiment } from './pack.context.js';

/** The experiment new cases are put in unless configured otherwise: 3 against 5 grace days. */
export const DEFAULT_STRATEGY: StrategyExperiment = { seed: 'grace-test', arms: DEMO_STRATEGY_ARMS };

export interface CollectionPackOptions {
  store: Store;
  logger: Logger;
  /** Jurisdiction profiles by code (definitions/compliance/*.json); the built-in CN and US by default. */
  profiles?: Readonly<Record<string, JurisdictionProfile>>;
  /** Routing for case.assign (definitions/teams.json); the demo's teams by default. */
  assignmentRules?: readonly AssignmentRule[];
  strategy?: StrategyExperiment;
  /** Real senders by outbox kind; without one a message is recorded and marked sent. */
  senders?: Partial<Record<OutboundKind, OutboundSender>>;
}

export interface SettleResult extends DrainResult {
  /** Flow messages delivered to another flow of the same case. */
  relayed: number;
}

/**
 * The debt-collection pack in the running product: the service handlers of every topic the
 * pack's flows use, and the outbox sink that sends messages and relays flow messages between the
 * flows of one case. Made before the app (handlers and sink are runtime options), attached after.
 */
export interface CollectionPack {
  /** Registers a handler for each topic of SERVICE_TOPICS; returns their names. */
  registerHandlers(registry: ServiceHandlerRegistry): string[];
  readonly outboxSink: OutboxSink;
  /** The contact rules on contact tasks (claim and completion); a runtime option like the sink. */
  readonly taskGuard: TaskGuard;
  /** POST /api/collection/contact-checks; mount it with createApp's extraRouters. */
  readonly router: Router;
  /** Binds the pack to the app's runtime and registry (and documents its route in the app's OpenAPI). */
  attach(app: { runtime: ProcessRuntime; registry: FormRegistryService; openapi?: OpenApiDocument }): void;
  /** Runs everything due by the runtime's clock, relays included, until nothing is left (tests, seeding). */
  settle(): Promise<SettleResult>;
  readonly relay: CaseMessageRelay;
  readonly facts: CaseFactsReader;
}

export function createCollectionPack(options: CollectionPackOptions): CollectionPack {
  let runtime: ProcessRuntime | undefined;
  let registry: FormRegistryService | undefined;
  const now = () => (runtime?.clock ?? systemClock).now();
  const registryOf = () => {
    if (!registry) throw new Error('the collection pack is not attached to the form registry');
    return registry;
  };
  const facts = new CaseFactsReader(registryOf, now);
  const context: PackContext = {
    store: options.store,
    logger: options.logger,
    now,
    registry: registryOf,
    facts,
    profiles: options.profiles ?? BUILT_IN_PROFILES,
    assignmentRules: options.assignmentRules ?? DEMO_ASSIGNMENT_RULES,
    strategy: options.strategy ?? DEFAULT_STRATEGY,
  };
  const relay = new CaseMessageRelay(context);
  const outboxSink = collectionOutboxSink(context, relay, options.senders ?? {});

  return {
    relay,
    facts,
    outboxSink,
    taskGuard: contactTaskGuard(context),
    router: contactCheckRoutes(context),
    registerHandlers(handlers) {
      for (const topic of SERVICE_TOPICS) {
        const handler =
          topic.kind === 'compute'
            ? computeHandler(context, topic.topic)
            : topic.kind === 'outbound'
              ? outboundHandler(context, topic.topic)
              : internalNotificationHandler(context, topic.topic);
        handlers.register(topic.topic, handler);
      }
      return SERVICE_TOPICS.map((t) => t.topic);
    },
    attach(app) {
      runtime = app.runtime;
      registry = app.registry;
      relay.attach(app.runtime);
      if (app.openapi) documentContactChecks(app.openapi);
    },
    async settle() {
      if (!runtime) throw new Error('the collection pack is not attached to a runtime');
      const total: SettleResult = { timers: 0, services: 0, outbox: 0, buffered: 0, relayed: 0 };
      for (;;) {
        const before = relay.relayed;
        const done = await runtime.scheduler.runDue();
        total.timers += done.timers;
        total.services += done.services;
        total.outbox += done.outbox;
        total.buffered += done.buffered;
        total.relayed += relay.relayed - before;
        if (done.timers + done.services + done.outbox + done.buffered === 0 && relay.relayed === before) {
          return total;
        }
      }
    },
  };
}
