import { Router } from 'express';
import {
  actorOf,
  requirePermission,
  requireProcessPermission,
  requireSomeProcessPermission,
} from '../auth/actor.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import type { ProcessRuntime } from '../runtime/process.runtime.js';
import {
  badRequest,
  idParam,
  incidentJson,
  isPlainObject,
  listOf,
  objectBody,
  optionalObject,
  paging,
  pagingParameters,
  pathId,
  runtimeSchemas,
  stringQuery,
  UUID,
} from '../runtime/runtime.http.js';

export function incidentRoutes(openapi: OpenApiDocument, deps: { runtime: ProcessRuntime }): Router {
  const router = Router();
  const { incidents } = deps.runtime;
  const { Incident } = runtimeSchemas(openapi);

  openapi.operation('get', '/api/incidents', {
    operationId: 'listIncidents',
    summary: 'Incidents (service calls out of retries, failing timers, failed instances), newest first',
    tags: ['processes'],
    parameters: [
      { name: 'status', in: 'query', schema: { enum: ['open', 'resolved'] } },
      { name: 'instanceId', in: 'query', schema: { type: 'string', format: 'uuid' } },
      ...pagingParameters,
    ],
    responses: { '200': { description: 'a page of incidents', schema: listOf(Incident) } },
  });
  router.get('/api/incidents', async (req, res) => {
    requirePermission(actorOf(req), 'process.admin');
    const page = paging(req);
    const status = stringQuery(req, 'status');
    if (status !== undefined && status !== 'open' && status !== 'resolved') {
      throw badRequest('/status', 'status must be open or resolved');
    }
    const instanceId = stringQuery(req, 'instanceId');
    if (instanceId !== undefined && !UUID.test(instanceId))
      throw badRequest('/instanceId', 'instanceId must be a UUID');
    const items = await incidents.list({
      ...page,
      ...(status ? { status } : {}),
      ...(instanceId ? { instanceId } : {}),
    });
    res.json({
      items: items.map(incidentJson),
      nextCursor: items.length === page.limit ? (items.at(-1)?.id ?? null) : null,
    });
  });

  openapi.operation('get', '/api/incidents/:id', {
    operationId: 'getIncident',
    summary: 'An incident',
    tags: ['processes'],
    parameters: [pathId('id')],
    responses: {
      '200': { description: 'the incident', schema: Incident },
      '404': { description: 'no such incident' },
    },
  });
  router.get('/api/incidents/:id', async (req, res) => {
    requirePermission(actorOf(req), 'process.admin');
    res.json(incidentJson(await incidents.get(idParam(req, 'id', 'incident'))));
  });

  openapi.operation('post', '/api/incidents/:id/retry', {
    operationId: 'retryIncident',
    summary: 'Run the failed job again with a fresh retry budget',
    tags: ['processes'],
    parameters: [pathId('id')],
    responses: {
      '200': { description: 'resolved as retried; the job is due now', schema: Incident },
      '404': { description: 'no such incident' },
      '409': { description: 'already resolved, or nothing to retry (a failed instance)' },
    },
  });
  router.post('/api/incidents/:id/retry', async (req, res) => {
    const actor = actorOf(req);
    requireSomeProcessPermission(actor, 'administer');
    const authorize = (processKey: string) => requireProcessPermission(actor, processKey, 'administer');
    res.json(
      incidentJson(await incidents.retry(idParam(req, 'id', 'incident'), actor.userId, { authorize })),
    );
  });

  openapi.operation('post', '/api/incidents/:id/resolve', {
    operationId: 'resolveIncident',
    summary: 'Resolve by hand: complete the failed service call with output, or fail it with a BPMN error',
    tags: ['processes'],
    parameters: [pathId('id')],
    requestBody: {
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              output: { type: 'object' },
              error: {
                type: 'object',
                required: ['code'],
                properties: { code: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    responses: {
      '200': { description: 'resolved', schema: Incident },
      '404': { description: 'no such incident' },
      '409': { description: 'already resolved, or a failed timer (retry it instead)' },
    },
  });
  router.post('/api/incidents/:id/resolve', async (req, res) => {
    const actor = actorOf(req);
    requireSomeProcessPermission(actor, 'administer');
    const body = objectBody(req);
    const output = optionalObject(body, 'output');
    const error = body.error;
    if (
      error !== undefined &&
      (!isPlainObject(error) || typeof error.code !== 'string' || error.code === '')
    ) {
      throw badRequest('/error', 'error must be an object with a code');
    }
    const resolved = await incidents.resolve(
      idParam(req, 'id', 'incident'),
      actor.userId,
      {
        ...(output ? { output } : {}),
        ...(error
          ? {
              error: {
                code: (error as { code: string }).code,
                ...(typeof (error as { message?: unknown }).message === 'string'
                  ? { message: (error as { message: string }).message }
                  : {}),
              },
            }
          : {}),
      },
      { authorize: (key) => requireProcessPermission(actor, key, 'administer') },
    );
    res.json(incidentJson(resolved));
  });
  return router;
}
