import type { Clock } from '@collectflow/engine';
import {
  type CollectflowApp,
  type CollectionPack,
  createApp,
  createCollectionPack,
  type Logger,
  type RuntimeEnv,
  ServiceHandlerRegistry,
} from '@collectflow/server';
import type { Store } from '@collectflow/store';
import type { PreparedDefinitions } from './definitions.loader.js';

export interface PackApp {
  built: CollectflowApp;
  pack: CollectionPack;
  handlers: ServiceHandlerRegistry;
  /** Handler names loaded from the plugin folder. */
  plugins: string[];
}

/**
 * The app with the debt-collection pack in its runtime: the pack's handlers (with the profiles
 * and routing of definitions/), then the plugin folder's, and the pack's outbox sink.
 */
export async function createPackApp(options: {
  store: Store;
  logger: Logger;
  version: string;
  prepared: PreparedDefinitions;
  processEnv: RuntimeEnv;
  webDist?: string;
  corsOrigins?: string[];
  clock?: Clock;
}): Promise<PackApp> {
  const { store, logger, prepared, processEnv } = options;
  const handlers = new ServiceHandlerRegistry();
  const pack = createCollectionPack({
    store,
    logger,
    profiles: prepared.profiles,
    ...(prepared.teams ? { assignmentRules: prepared.teams.assignmentRules } : {}),
  });
  pack.registerHandlers(handlers);
  const plugins = processEnv.pluginsDir ? await handlers.loadPluginFolder(processEnv.pluginsDir) : [];
  const built = createApp({
    store,
    logger,
    version: options.version,
    ...(options.webDist ? { webDist: options.webDist } : {}),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    extraRouters: [pack.router],
    runtimeOptions: {
      ...processEnv.options,
      handlers,
      outboxSink: pack.outboxSink,
      taskGuards: [pack.taskGuard],
      ...(options.clock ? { clock: options.clock } : {}),
    },
  });
  pack.attach(built);
  return { built, pack, handlers, plugins };
}
