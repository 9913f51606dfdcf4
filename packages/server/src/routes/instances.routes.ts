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

const STATUSES = ['running', 'completed', 'failed'] as const;

export function instanceRoutes(openapi: OpenApiDocument, deps: { runtime: ProcessRuntime }): Router {
  const router = Router();
  const { instances } = deps.runtime;
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
      { name: 'businessKey', in: 'query', schema: { type: 'string' } },
      { name: 'status', in: 'query', schema: { enum: [...STATUSES] } },
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
    const items = await instances.list({
      ...page,
      ...(processKey ? { processKey } : {}),
      ...(businessKey ? { businessKey } : {}),
      ...(status ? { status: status as (typeof STATUSES)[number] } : {}),
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
  return router;
}
