import { Router } from 'express';
import { actorOf, requireProcessPermission, requireSomeProcessPermission } from '../auth/actor.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import type { ProcessRuntime } from '../runtime/process.runtime.js';
import {
  badRequest,
  idParam,
  incidentJson,
  instanceJson,
  listOf,
  objectBody,
  optionalObject,
  optionalString,
  paging,
  pagingParameters,
  pathId,
  requireAnyPermission,
  runtimeSchemas,
  stringQuery,
  taskJson,
  UUID,
} from '../runtime/runtime.http.js';

const STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO date (midnight UTC) or date-time with a zone, from the query; undefined when absent. */
function instantQuery(req: Parameters<typeof stringQuery>[0], name: string): Date | undefined {
  const value = stringQuery(req, name);
  if (value === undefined) return undefined;
  const at = ISO_INSTANT.test(value) ? new Date(value) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    throw badRequest(
      `/${name}`,
      `${name} must be an ISO date or date-time with a zone, e.g. 2026-03-01T00:00:00Z`,
    );
  }
  return at;
}

export function instanceRoutes(openapi: OpenApiDocument, deps: { runtime: ProcessRuntime }): Router {
  const router = Router();
  const { instances, admin } = deps.runtime;
  const { Instance, HistoryEntry, Task, Incident } = runtimeSchemas(openapi);

  openapi.operation('post', '/api/instances', {
    operationId: 'startInstance',
    summary: 'Start a process instance (latest version unless a version or deployment is named)',
    tags: ['processes'],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              processKey: { type: 'string' },
              version: { type: 'integer' },
              deploymentId: { type: 'string', format: 'uuid' },
              businessKey: { type: 'string', description: 'e.g. the case number; messages correlate on it' },
              variables: { type: 'object' },
            },
          },
        },
      },
    },
    responses: {
      '201': {
        description: 'started and run to its first wait state',
        schema: {
          type: 'object',
          properties: {
            instance: Instance,
            variables: { type: 'object' },
            taskIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
          },
        },
      },
      '404': { description: 'the process is not deployed' },
      '422': { description: 'invalid body' },
    },
  });
  router.post('/api/instances', async (req, res) => {
    const actor = actorOf(req);
    requireSomeProcessPermission(actor, 'start');
    const body = objectBody(req);
    const deploymentId = optionalString(body, 'deploymentId', 36);
    if (deploymentId !== undefined && !UUID.test(deploymentId)) {
      throw badRequest('/deploymentId', 'deploymentId must be a UUID');
    }
    const version = body.version;
    if (version !== undefined && (!Number.isInteger(version) || (version as number) < 1)) {
      throw badRequest('/version', 'version must be a positive integer');
    }
    const processKey = optionalString(body, 'processKey');
    const businessKey = optionalString(body, 'businessKey');
    const variables = optionalObject(body, 'variables');
    const started = await instances.start(
      {
        ...(processKey !== undefined ? { processKey } : {}),
        ...(version !== undefined ? { version: version as number } : {}),
        ...(deploymentId !== undefined ? { deploymentId } : {}),
        businessKey: businessKey ?? null,
        variables: variables ?? {},
      },
      actor.userId,
      { authorize: (key) => requireProcessPermission(actor, key, 'start') },
    );
    res.status(201).json({ ...started, instance: instanceJson(started.instance) });
  });

  openapi.operation('get', '/api/instances', {
    operationId: 'listInstances',
    summary: 'Process instances, newest first',
    tags: ['processes'],
    parameters: [
      { name: 'processKey', in: 'query', schema: { type: 'string' } },
      {
        name: 'version',
        in: 'query',
        schema: { type: 'integer', minimum: 1 },
        description: 'with processKey',
      },
      { name: 'businessKey', in: 'query', schema: { type: 'string' } },
      { name: 'status', in: 'query', schema: { enum: [...STATUSES] } },
      {
        name: 'startedFrom',
        in: 'query',
        schema: { type: 'string', format: 'date-time' },
        description: 'started at or after',
      },
      {
        name: 'startedBefore',
        in: 'query',
        schema: { type: 'string', format: 'date-time' },
        description: 'started before',
      },
      ...pagingParameters,
    ],
    responses: { '200': { description: 'a page of instances', schema: listOf(Instance) } },
  });
  router.get('/api/instances', async (req, res) => {
    requireAnyPermission(actorOf(req), ['process.admin', 'process.start']);
    const page = paging(req);
    const status = stringQuery(req, 'status');
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
      throw badRequest('/status', `status must be one of ${STATUSES.join(', ')}`);
    }
    const processKey = stringQuery(req, 'processKey');
    const businessKey = stringQuery(req, 'businessKey');
    const versionText = stringQuery(req, 'version');
    const version = versionText === undefined ? undefined : Number(versionText);
    if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
      throw badRequest('/version', 'version must be a positive integer');
    }
    if (version !== undefined && !processKey)
      throw badRequest('/processKey', 'a version filter needs the processKey');
    const startedFrom = instantQuery(req, 'startedFrom');
    const startedBefore = instantQuery(req, 'startedBefore');
    const items = await instances.list({
      ...page,
      ...(processKey ? { processKey } : {}),
      ...(version !== undefined ? { version } : {}),
      ...(businessKey ? { businessKey } : {}),
      ...(status ? { status: status as (typeof STATUSES)[number] } : {}),
      ...(startedFrom ? { startedFrom } : {}),
      ...(startedBefore ? { startedBefore } : {}),
    });
    res.json({
      items: items.map(instanceJson),
      nextCursor: items.length === page.limit ? (items.at(-1)?.id ?? null) : null,
    });
  });

  openapi.operation('get', '/api/instances/:id', {
    operationId: 'getInstance',
    summary:
      'An instance with its active element ids (to draw on the diagram), tasks, timers, incidents and history',
    tags: ['processes'],
    parameters: [
      pathId('id'),
      {
        name: 'historyLimit',
        in: 'query',
        schema: { type: 'integer', minimum: 1, maximum: 1000, default: 500 },
      },
    ],
    responses: {
      '200': {
        description: 'the instance',
        schema: {
          type: 'object',
          properties: {
            instance: Instance,
            activeElementIds: { type: 'array', items: { type: 'string' } },
            deployment: { type: 'object' },
            variables: { type: 'object' },
            tasks: { type: 'array', items: Task },
            jobs: { type: 'array', items: { type: 'object' } },
            subscriptions: { type: 'array', items: { type: 'object' } },
            incidents: { type: 'array', items: Incident },
            history: { type: 'array', items: HistoryEntry },
            historyNext: { type: ['integer', 'null'] },
          },
        },
      },
      '404': { description: 'no such instance' },
    },
  });
  router.get('/api/instances/:id', async (req, res) => {
    requireAnyPermission(actorOf(req), ['process.admin', 'process.start', 'tasks.work']);
    const historyLimit = req.query.historyLimit === undefined ? 500 : Number(req.query.historyLimit);
    if (!Number.isInteger(historyLimit) || historyLimit < 1 || historyLimit > 1000) {
      throw badRequest('/historyLimit', 'historyLimit must be an integer from 1 to 1000');
    }
    const view = await instances.view(idParam(req, 'id', 'instance'), { historyLimit });
    res.json({
      ...view,
      instance: instanceJson(view.instance),
      activeElementIds: view.instance.activeElementIds,
      tasks: view.tasks.map(taskJson),
      jobs: view.jobs.map((j) => ({
        id: j.id,
        kind: j.kind,
        elementId: j.elementId,
        runAt: j.runAt,
        status: j.status,
        attempts: j.attempts,
        maxAttempts: j.maxAttempts,
        lastError: j.lastError,
      })),
      incidents: view.incidents.map(incidentJson),
    });
  });

  openapi.operation('get', '/api/instances/:id/history', {
    operationId: 'getInstanceHistory',
    summary: 'An instance history page, oldest first',
    tags: ['processes'],
    parameters: [
      pathId('id'),
      {
        name: 'after',
        in: 'query',
        schema: { type: 'integer' },
        description: 'the last id of the previous page',
      },
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 500 } },
    ],
    responses: {
      '200': { description: 'history entries', schema: listOf(HistoryEntry) },
      '404': { description: 'no such instance' },
    },
  });
  router.get('/api/instances/:id/history', async (req, res) => {
    requireAnyPermission(actorOf(req), ['process.admin', 'process.start', 'tasks.work']);
    const limit = req.query.limit === undefined ? 500 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw badRequest('/limit', 'limit must be 1 to 1000');
    const after = req.query.after === undefined ? undefined : Number(req.query.after);
    if (after !== undefined && !Number.isSafeInteger(after))
      throw badRequest('/after', 'after must be an integer');
    const items = await instances.history(idParam(req, 'id', 'instance'), {
      limit,
      ...(after !== undefined ? { after } : {}),
    });
    res.json({ items, nextCursor: items.length === limit ? String(items.at(-1)?.id) : null });
  });

  openapi.operation('post', '/api/instances/:id/cancel', {
    operationId: 'cancelInstance',
    summary: 'Cancel a running instance: its open tasks are cancelled, its timers and jobs deleted',
    tags: ['processes'],
    parameters: [pathId('id')],
    requestBody: {
      content: {
        'application/json': {
          schema: { type: 'object', properties: { reason: { type: 'string', maxLength: 500 } } },
        },
      },
    },
    responses: {
      '200': {
        description: 'cancelled',
        schema: {
          type: 'object',
          properties: {
            instance: Instance,
            cancelledTaskIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
            deletedJobIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
          },
        },
      },
      '403': { description: 'no administer right on this process' },
      '404': { description: 'no such instance' },
      '409': { description: 'the instance is not running (instance.not_running)' },
    },
  });
  router.post('/api/instances/:id/cancel', async (req, res) => {
    const actor = actorOf(req);
    requireSomeProcessPermission(actor, 'administer');
    const id = idParam(req, 'id', 'instance');
    const body = objectBody(req);
    const reason = optionalString(body, 'reason', 500);
    const cancelled = await admin.cancel(id, actor.userId, {
      ...(reason !== undefined ? { reason } : {}),
      authorize: (key) => requireProcessPermission(actor, key, 'administer'),
    });
    res.json({ ...cancelled, instance: instanceJson(cancelled.instance) });
  });

  openapi.operation('post', '/api/migrations', {
    operationId: 'migrateInstances',
    summary:
      'Move running instances of a version to a newer version of the same process (dryRun: report only)',
    tags: ['processes'],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['processKey', 'fromVersion', 'toVersion'],
            properties: {
              processKey: { type: 'string' },
              fromVersion: { type: 'integer', minimum: 1 },
              toVersion: { type: 'integer', minimum: 2 },
              instanceIds: { type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 500 },
              dryRun: { type: 'boolean', default: false },
            },
          },
        },
      },
    },
    responses: {
      '200': {
        description:
          'the report: per instance whether its active elements exist in the new version, with reasons; `migrated` lists the moved ones',
        schema: { type: 'object' },
      },
      '403': { description: 'no administer right on this process' },
      '404': { description: 'no such version or instance' },
      '422': { description: 'invalid body, or toVersion not newer than fromVersion' },
    },
  });
  router.post('/api/migrations', async (req, res) => {
    const actor = actorOf(req);
    requireSomeProcessPermission(actor, 'administer');
    const body = objectBody(req);
    const processKey = optionalString(body, 'processKey');
    if (!processKey) throw badRequest('/processKey', 'processKey is required');
    const version = (key: 'fromVersion' | 'toVersion') => {
      const value = body[key];
      if (!Number.isInteger(value) || (value as number) < 1)
        throw badRequest(`/${key}`, `${key} must be a positive integer`);
      return value as number;
    };
    const fromVersion = version('fromVersion');
    const toVersion = version('toVersion');
    let instanceIds: string[] | undefined;
    if (body.instanceIds !== undefined) {
      if (
        !Array.isArray(body.instanceIds) ||
        body.instanceIds.length > 500 ||
        !body.instanceIds.every((id) => typeof id === 'string' && UUID.test(id))
      ) {
        throw badRequest('/instanceIds', 'instanceIds must be an array of at most 500 instance UUIDs');
      }
      instanceIds = body.instanceIds as string[];
    }
    if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean') {
      throw badRequest('/dryRun', 'dryRun must be a boolean');
    }
    const input = { processKey, fromVersion, toVersion, ...(instanceIds ? { instanceIds } : {}) };
    const authorize = (key: string) => requireProcessPermission(actor, key, 'administer');
    res.json(
      body.dryRun === true
        ? await admin.planMigration(input, { authorize })
        : await admin.migrate(input, actor.userId, { authorize }),
    );
  });
  return router;
}
