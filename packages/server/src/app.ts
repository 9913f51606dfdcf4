import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runWithAuditContext, type Store } from '@collectflow/store';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { v7 as uuidv7 } from 'uuid';
import { type Authenticate, authenticationMiddleware, requireAuthentication } from './auth/actor.js';
import { AuthService, type AuthServiceOptions } from './auth/auth.service.js';
import { collaborationEnv } from './collaboration/collaboration.env.js';
import {
  type Collaboration,
  type CollaborationOptions,
  createCollaboration,
} from './collaboration/collaboration.js';
import { DashboardsService, type DashboardsServiceOptions } from './dashboards/dashboards.service.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE, problem, toProblem } from './http/problem.js';
import type { Logger } from './logger.js';
import { OpenApiDocument } from './openapi/openapi.document.js';
import { registrySchemas } from './registry/registry.http.js';
import { FormRegistryService, type RegistryOptions } from './registry/registry.service.js';
import { attachmentsRoutes } from './routes/attachments.routes.js';
import { auditRoutes } from './routes/audit.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { commentsRoutes } from './routes/comments.routes.js';
import { dashboardRoutes } from './routes/dashboards.routes.js';
import { deploymentRoutes } from './routes/deployments.routes.js';
import { formsRoutes } from './routes/forms.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { incidentRoutes } from './routes/incidents.routes.js';
import { instanceRoutes } from './routes/instances.routes.js';
import { messageRoutes } from './routes/messages.routes.js';
import { notificationsRoutes } from './routes/notifications.routes.js';
import { openapiRoutes } from './routes/openapi.routes.js';
import { recordsRoutes } from './routes/records.routes.js';
import { targetsRoutes } from './routes/targets.routes.js';
import { taskRoutes } from './routes/tasks.routes.js';
import { userRoutes } from './routes/users.routes.js';
import { webhooksRoutes } from './routes/webhooks.routes.js';
import { groupCatalogFromStore } from './runtime/access.group-catalog.js';
import {
  createProcessRuntime,
  type ProcessRuntime,
  type ProcessRuntimeOptions,
} from './runtime/process.runtime.js';
import { taskFormsFromRegistry } from './runtime/registry.task-forms.js';

export interface AppOptions {
  store: Store;
  logger: Logger;
  version: string;
  /** Built web app (packages/web/dist); served at / when present. */
  webDist?: string;
  /** Largest JSON body accepted; forms and BPMN uploads stay well under it. */
  bodyLimit?: string;
  /** Resolves the caller of each request; by default sessions and API tokens (auth/auth.service.ts). */
  authenticate?: Authenticate;
  /** Session lifetime, login rate limits, clock. */
  auth?: AuthServiceOptions;
  /** Origins allowed to call the API from other sites; CORS is off when empty. */
  corsOrigins?: readonly string[];
  /** Extra routers mounted before the 404 handler (tests, plugins). */
  extraRouters?: Router[];
  /** Form registry options: shared schema documents by URI, size limits, validator cache size. */
  registry?: RegistryOptions;
  /** The process runtime; when absent one is built here on the store and the form registry. */
  runtime?: ProcessRuntime;
  /** Options for the runtime built here: clock, service handlers, scheduler, retries, node id. */
  runtimeOptions?: Partial<Omit<ProcessRuntimeOptions, 'store' | 'logger'>>;
  /** Dashboards: the clock of default periods, the default zone, widgets queried at once. */
  dashboards?: DashboardsServiceOptions;
  /** Comments, notifications, webhooks, attachments, SLAs, targets: clock, limits, storage, scanner. */
  collaboration?: CollaborationOptions;
}

export interface CollectflowApp {
  app: Express;
  openapi: OpenApiDocument;
  /** Forms and records; one validator cache for the routes and the runtime. */
  registry: FormRegistryService;
  /** The caller starts and stops its scheduler (see the CLI's start command). */
  runtime: ProcessRuntime;
  auth: AuthService;
  /** Dashboard definitions and their data. */
  dashboards: DashboardsService;
  /** Team collaboration; the caller starts and stops its worker (SLA sweep, webhook sends). */
  collaboration: Collaboration;
}

export function createApp(options: AppOptions): CollectflowApp {
  const startedAt = Date.now();
  const openapi = new OpenApiDocument({ title: 'collectflow API', version: options.version });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && given.length <= 100 ? given : uuidv7();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Health checks every few seconds would drown the log.
      autoLogging: { ignore: (req) => req.url === '/api/health' },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // antd and rjsf style components at run time (CSS-in-JS).
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
        },
      },
      // Served over plain HTTP on localhost too; HSTS belongs to the TLS proxy in front.
      strictTransportSecurity: false,
    }),
  );
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    app.use('/api', cors({ origin: [...options.corsOrigins], credentials: true }));
  }
  app.use('/api', (req, _res, next) => runWithAuditContext({ sourceIp: req.ip ?? null }, next));
  app.use('/api', express.json({ limit: options.bodyLimit ?? '1mb' }));

  const auth = new AuthService(options.store, options.auth);
  app.use('/api', authenticationMiddleware(options.authenticate ?? ((req) => auth.authenticate(req))));
  app.use('/api', requireAuthentication(['/api/health', '/api/openapi.json', '/api/auth/login']));
  app.use(authRoutes(openapi, { auth, store: options.store }));
  app.use(userRoutes(openapi, { store: options.store }));
  app.use(auditRoutes(openapi, { store: options.store }));

  app.use(healthRoutes(openapi, { store: options.store, startedAt, version: options.version }));
  app.use(openapiRoutes(openapi));
  const registry = new FormRegistryService(options.store, options.registry);
  const registryDocs = registrySchemas(openapi);
  app.use(formsRoutes(openapi, { registry, schemas: registryDocs }));
  app.use(recordsRoutes(openapi, { registry, schemas: registryDocs }));
  const dashboards = new DashboardsService(options.store, { logger: options.logger, ...options.dashboards });
  app.use(dashboardRoutes(openapi, { dashboards }));
  const runtimeForms = taskFormsFromRegistry(registry);
  const runtime =
    options.runtime ??
    createProcessRuntime({
      store: options.store,
      logger: options.logger,
      validator: runtimeForms,
      forms: runtimeForms,
      groups: groupCatalogFromStore(options.store),
      ...options.runtimeOptions,
    });
  app.use(deploymentRoutes(openapi, { runtime }));
  app.use(instanceRoutes(openapi, { runtime }));
  app.use(taskRoutes(openapi, { runtime }));
  app.use(messageRoutes(openapi, { runtime }));
  app.use(incidentRoutes(openapi, { runtime }));
  // Without options (the CLI's pack app), the environment's settings on the runtime's clock.
  const collaboration = createCollaboration(options.store, options.logger, {
    clock: runtime.clock,
    ...(options.collaboration ?? collaborationEnv().options),
  });
  app.use(commentsRoutes(openapi, { collaboration }));
  app.use(notificationsRoutes(openapi, { collaboration }));
  app.use(attachmentsRoutes(openapi, { collaboration }));
  app.use(webhooksRoutes(openapi, { collaboration }));
  app.use(targetsRoutes(openapi, { collaboration }));
  for (const router of options.extraRouters ?? []) app.use(router);

  app.use('/api', (req, _res, next) => {
    next(new HttpProblem(problem(404, 'route.not_found', `no API route ${req.method} ${req.originalUrl}`)));
  });

  if (options.webDist && existsSync(join(options.webDist, 'index.html'))) {
    const indexHtml = join(options.webDist, 'index.html');
    app.use(express.static(options.webDist, { index: false, maxAge: '1h' }));
    // Client-side routes: any other GET that accepts HTML gets the app shell.
    app.get('/{*path}', (req, res, next) => {
      if (!req.accepts('html')) return next();
      res.setHeader('cache-control', 'no-cache');
      res.sendFile(indexHtml);
    });
  }

  app.use((req, _res, next) => {
    next(new HttpProblem(problem(404, 'route.not_found', `nothing at ${req.method} ${req.originalUrl}`)));
  });

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const { problem: body, unexpected } = toProblem(error);
    if (unexpected) req.log.error({ err: error }, 'unexpected error');
    if (res.headersSent) return;
    res
      .status(body.status)
      .type(PROBLEM_CONTENT_TYPE)
      .json({ ...body, instance: req.originalUrl });
  };
  app.use(onError);

  return { app, openapi, registry, runtime, auth, collaboration, dashboards };
}
