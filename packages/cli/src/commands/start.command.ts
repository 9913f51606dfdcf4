import type { Clock } from '@collectflow/engine';
import {
  type Collaboration,
  type CollectionPack,
  collaborationEnv,
  createLogger,
  ensureAdmin,
  ensureBuiltinRoles,
  type FormRegistryService,
  type Logger,
  listen,
  type ProcessRuntime,
  type RunningServer,
  runtimeEnv,
} from '@collectflow/server';
import { openStore, type Store } from '@collectflow/store';
import { loadDashboards } from '../definitions/dashboards.loader.js';
import { loadDefinitions, prepareDefinitions, roleNames } from '../definitions/definitions.loader.js';
import { type DemoLoad, demoSettingsFromEnv, demoWanted, loadDemo } from '../definitions/demo.loader.js';
import { createPackApp } from '../definitions/pack.app.js';
import type { RuntimeConfig } from '../runtime.config.js';

/** What tests and embedders may set beyond the environment. */
export interface StartOptions {
  /** The runtime's clock (tests move a fake one instead of waiting); the system clock by default. */
  clock?: Clock;
  /** Run the scheduler; COLLECTFLOW_SCHEDULER decides when absent. */
  scheduler?: boolean;
  /** The environment for the runtime and demo settings (COLLECTFLOW_SCHEDULER, _PLUGINS_DIR, _DEMO, …); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export interface StartedServer {
  url: string;
  store: Store;
  server: RunningServer;
  logger: Logger;
  /** The process runtime; its scheduler runs unless COLLECTFLOW_SCHEDULER=off. */
  runtime: ProcessRuntime;
  /** The form registry the routes and the runtime share. */
  registry: FormRegistryService;
  /** The debt-collection pack: its relay and `settle()` (run everything due, relays included). */
  pack: CollectionPack;
  /** Graceful stop: in-flight requests and the scheduler's in-flight step finish, then the database closes. */
  stop(): Promise<void>;
}

export async function start(
  config: RuntimeConfig,
  logger: Logger = createLogger(),
  options: StartOptions = {},
): Promise<StartedServer> {
  const store = await openStore(config.store, {
    onLockCompromised: (error) => {
      // Another process took our data directory: carrying on would lose writes.
      logger.fatal({ err: error }, 'lost the lock on the data directory; stopping');
      process.exit(1);
    },
  });
  let server: RunningServer | undefined;
  let runtime: ProcessRuntime | undefined;
  let app: { registry: FormRegistryService; pack: CollectionPack } | undefined;
  const processEnv = runtimeEnv(options.env ?? process.env);
  const collabEnv = collaborationEnv(options.env ?? process.env);
  let collaboration: Collaboration | undefined;
  try {
    const migrations = await store.migrate();
    // Every definition file is read and checked before anything of it is written.
    const prepared = await prepareDefinitions(config.definitionsDir);
    await ensureBuiltinRoles(store, await roleNames(config.definitionsDir));
    const admin = await ensureAdmin(store, config.admin);
    const { built, pack, plugins } = await createPackApp({
      store,
      logger,
      version: config.version,
      prepared,
      processEnv,
      webDist: config.webDist,
      corsOrigins: config.corsOrigins,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    if (plugins.length > 0)
      logger.info({ handlers: plugins, dir: processEnv.pluginsDir }, 'service handler plugins loaded');
    const definitions = await loadDefinitions(store, prepared, {
      registry: built.registry,
      runtime: built.runtime,
      logger,
    });
    await loadDashboards(built.dashboards, config.definitionsDir, logger);
    logger.info(
      {
        backend: store.backend,
        migration: migrations.version,
        definitions: { files: definitions.files, changed: definitions.changed, hash: definitions.hash },
        published: definitions.published.map((p) => `${p.key}@${p.published}`),
        deployed: definitions.deployed.map((d) => `${d.processKey}@${d.deployed}`),
      },
      `database ready: ${store.description}`,
    );
    const demoSettings = demoSettingsFromEnv(options.env ?? process.env, store.backend);
    let demo: DemoLoad | undefined;
    if (demoSettings.enabled && demoSettings.cases > 0 && (await demoWanted(store))) {
      demo = await loadDemo({
        store,
        logger,
        version: config.version,
        prepared,
        seed: { cases: demoSettings.cases, seed: demoSettings.seed },
        password: demoSettings.password,
        now: built.runtime.clock.now(),
        ...(processEnv.pluginsDir ? { pluginsDir: processEnv.pluginsDir } : {}),
      });
      logger.info(
        { cases: demo.report.cases, records: demo.report.records, instances: demo.report.instances },
        'demo data loaded (COLLECTFLOW_DEMO=off starts without it)',
      );
    }
    if (admin?.generatedPassword) {
      // Shown once: only a hash is stored. The admin must change it at first login.
      process.stdout.write(
        `\ncollectflow: created the administrator "${admin.username}" with the one-time password: ${admin.generatedPassword}\n` +
          '             log in and change it (or set COLLECTFLOW_ADMIN_PASSWORD before the first start)\n\n',
      );
    }
    if (demo && demo.users.length > 0 && demo.password) {
      process.stdout.write(
        `collectflow: loaded ${demo.report.cases} demo cases; demo logins (password "${demo.password}"):\n` +
          demo.users
            .map(
              (u) =>
                `             ${u.username.padEnd(12)} ${u.roles.join(', ')}${u.team ? ` (${u.team})` : ''}\n`,
            )
            .join('') +
          '             demo only: set COLLECTFLOW_DEMO=off before the first start of a real installation\n\n',
      );
    }
    runtime = built.runtime;
    app = { registry: built.registry, pack };
    server = await listen(built.app, config.port, config.host);
    const schedulerEnabled = options.scheduler ?? processEnv.schedulerEnabled;
    if (schedulerEnabled) runtime.scheduler.start();
    // SLA reminders and escalations, assignment/promise/incident notices, webhook sends.
    collaboration = built.collaboration;
    if (collabEnv.workerEnabled) collaboration.worker.start();
    logger.info(
      { node: runtime.nodeId, scheduler: schedulerEnabled, handlers: runtime.handlers.names() },
      'process runtime ready',
    );
  } catch (error) {
    await runtime?.scheduler.stop().catch(() => undefined);
    await collaboration?.worker.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
  const running = server;
  const processes = runtime;
  const parts = app;
  const collab = collaboration;
  let stopping: Promise<void> | undefined;
  return {
    url: running.url,
    store,
    server: running,
    logger,
    runtime: processes,
    registry: parts.registry,
    pack: parts.pack,
    stop: () => {
      stopping ??= (async () => {
        // Both finish what they are doing: requests in flight, and the step the scheduler is on.
        await Promise.all([running.close(), processes.scheduler.stop(), collab?.worker.stop()]);
        await store.close();
      })();
      return stopping;
    },
  };
}
