import { Router } from 'express';
import { actorOf, requireProcessPermission, requireSomeProcessPermission } from '../auth/actor.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import type { ProcessRuntime } from '../runtime/process.runtime.js';
import { badRequest, objectBody, optionalObject, optionalString, UUID } from '../runtime/runtime.http.js';

/** A week: buffered messages are for races and short delays, not a queue. */
const MAX_BUFFER_TTL_SECONDS = 7 * 24 * 3600;

export function messageRoutes(openapi: OpenApiDocument, deps: { runtime: ProcessRuntime }): Router {
  const router = Router();
  const { messages } = deps.runtime;

  openapi.operation('post', '/api/messages', {
    operationId: 'correlateMessage',
    summary: 'Deliver a message (e.g. PaymentReceived for case 123) to the instance waiting for it',
    tags: ['processes'],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string', description: 'the bpmn:Message name' },
              businessKey: { type: 'string' },
              instanceId: { type: 'string', format: 'uuid' },
              payload: { type: 'object', description: 'merged into the process variables' },
              all: { type: 'boolean', description: 'deliver to every matching instance' },
              bufferTtlSeconds: {
                type: 'integer',
                minimum: 1,
                maximum: MAX_BUFFER_TTL_SECONDS,
                description: 'keep an unmatched message this long for an instance that starts waiting for it',
              },
            },
          },
        },
      },
    },
    responses: {
      '200': {
        description: 'delivered (or started instances with that message start event)',
        schema: {
          type: 'object',
          properties: {
            outcome: { const: 'correlated' },
            instanceIds: { type: 'array', items: { type: 'string' } },
            startedInstanceIds: { type: 'array', items: { type: 'string' } },
          },
        },
      },
      '202': {
        description: 'nobody waits yet; buffered until expiresAt',
        schema: {
          type: 'object',
          properties: {
            outcome: { const: 'buffered' },
            bufferedId: { type: 'string' },
            expiresAt: { type: 'string', format: 'date-time' },
          },
        },
      },
      '404': { description: 'no instance waits for it and no process starts on it (code message.no_match)' },
      '409': { description: 'several instances wait and all was not set (code message.ambiguous)' },
      '422': { description: 'invalid body' },
    },
  });
  router.post('/api/messages', async (req, res) => {
    const actor = actorOf(req);
    requireSomeProcessPermission(actor, 'start');
    const body = objectBody(req);
    const name = optionalString(body, 'name');
    if (name === undefined) throw badRequest('/name', 'name is required');
    const businessKey = optionalString(body, 'businessKey');
    const instanceId = optionalString(body, 'instanceId', 36);
    if (instanceId !== undefined && !UUID.test(instanceId))
      throw badRequest('/instanceId', 'instanceId must be a UUID');
    if (businessKey === undefined && instanceId === undefined) {
      throw badRequest('', 'name the receiver: businessKey or instanceId');
    }
    const payload = optionalObject(body, 'payload');
    const ttl = body.bufferTtlSeconds;
    if (
      ttl !== undefined &&
      (!Number.isInteger(ttl) || (ttl as number) < 1 || (ttl as number) > MAX_BUFFER_TTL_SECONDS)
    ) {
      throw badRequest(
        '/bufferTtlSeconds',
        `bufferTtlSeconds must be an integer from 1 to ${MAX_BUFFER_TTL_SECONDS}`,
      );
    }
    if (body.all !== undefined && typeof body.all !== 'boolean')
      throw badRequest('/all', 'all must be a boolean');
    const outcome = await messages.correlate(
      {
        name,
        ...(businessKey !== undefined ? { businessKey } : {}),
        ...(instanceId !== undefined ? { instanceId } : {}),
        ...(payload ? { payload } : {}),
        ...(body.all === true ? { all: true } : {}),
        ...(ttl !== undefined ? { bufferTtlSeconds: ttl as number } : {}),
      },
      actor.userId,
      { authorize: (key) => requireProcessPermission(actor, key, 'start') },
    );
    res.status(outcome.outcome === 'buffered' ? 202 : 200).json(outcome);
  });
  return router;
}
