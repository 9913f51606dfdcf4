import { Router } from 'express';
import { actorOf, requirePermission } from '../auth/actor.js';
import { pageParams } from '../collaboration/collab.errors.js';
import { collabSchemas, idPath, pageQuery } from '../collaboration/collab.schemas.js';
import type { Collaboration } from '../collaboration/collaboration.js';
import { NOTIFICATION_KINDS } from '../collaboration/notifier.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import { jsonBody, jsonRequest } from '../registry/registry.http.js';

/** Outgoing webhooks to team chat (WeCom, DingTalk, Feishu, Slack, Teams, or plain JSON), for administrators. */
export function webhooksRoutes(openapi: OpenApiDocument, deps: { collaboration: Collaboration }): Router {
  const router = Router();
  const { webhooks } = deps.collaboration;
  const s = collabSchemas(openapi);
  const tags = ['webhooks'];
  const permission = 'users.admin';
  const input = (partial: boolean) => ({
    type: 'object',
    ...(partial ? {} : { required: ['name', 'platform', 'url', 'events'] }),
    properties: {
      name: { type: 'string', maxLength: 100 },
      platform: { enum: ['generic', 'wecom', 'dingtalk', 'feishu', 'slack', 'teams'] },
      url: { type: 'string', format: 'uri', description: "the robot's or channel's webhook address" },
      secret: {
        type: ['string', 'null'],
        description:
          'signs every request (x-collectflow-signature); DingTalk and Feishu robots also get their own signature with it',
      },
      events: { type: 'array', items: { enum: [...NOTIFICATION_KINDS] }, minItems: 1 },
      teamId: { type: ['string', 'null'], description: "only events of this team's cases" },
      locale: { enum: ['zh-CN', 'en'], default: 'zh-CN' },
      active: { type: 'boolean', default: true },
    },
  });
  const notFound = { description: 'no such webhook' };

  openapi.operation('get', '/api/webhooks', {
    operationId: 'listWebhooks',
    summary: 'The configured webhooks (addresses and secrets are never shown back)',
    tags,
    permission,
    responses: {
      '200': {
        description: 'the webhooks',
        schema: { type: 'object', properties: { items: { type: 'array', items: s.Webhook } } },
      },
    },
  });
  router.get('/api/webhooks', async (req, res) => {
    requirePermission(actorOf(req), permission);
    res.json(await webhooks.list());
  });

  openapi.operation('post', '/api/webhooks', {
    operationId: 'createWebhook',
    summary: 'Add a webhook',
    tags,
    permission,
    requestBody: jsonRequest(input(false)),
    responses: { '201': { description: 'created', schema: s.Webhook }, '422': { description: 'bad input' } },
  });
  router.post('/api/webhooks', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, permission);
    const created = await webhooks.create(jsonBody(req), actor);
    res.status(201).location(`/api/webhooks/${created.id}`).json(created);
  });

  openapi.operation('get', '/api/webhooks/:id', {
    operationId: 'getWebhook',
    summary: 'One webhook',
    tags,
    permission,
    parameters: [idPath()],
    responses: { '200': { description: 'the webhook', schema: s.Webhook }, '404': notFound },
  });
  router.get('/api/webhooks/:id', async (req, res) => {
    requirePermission(actorOf(req), permission);
    res.json(await webhooks.get(req.params.id));
  });

  openapi.operation('patch', '/api/webhooks/:id', {
    operationId: 'updateWebhook',
    summary: 'Change a webhook (fields left out stay)',
    tags,
    permission,
    parameters: [idPath()],
    requestBody: jsonRequest(input(true)),
    responses: {
      '200': { description: 'changed', schema: s.Webhook },
      '404': notFound,
      '422': { description: 'bad input' },
    },
  });
  router.patch('/api/webhooks/:id', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, permission);
    res.json(await webhooks.update(req.params.id, jsonBody(req), actor));
  });

  openapi.operation('delete', '/api/webhooks/:id', {
    operationId: 'deleteWebhook',
    summary: 'Remove a webhook and its queued deliveries',
    tags,
    permission,
    parameters: [idPath()],
    responses: { '204': { description: 'removed' }, '404': notFound },
  });
  router.delete('/api/webhooks/:id', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, permission);
    await webhooks.delete(req.params.id, actor);
    res.status(204).end();
  });

  openapi.operation('post', '/api/webhooks/:id/test', {
    operationId: 'testWebhook',
    summary: 'Queue a test message to the webhook (sent by the next worker pass)',
    tags,
    permission,
    parameters: [idPath()],
    responses: { '202': { description: 'queued', schema: s.WebhookDelivery }, '404': notFound },
  });
  router.post('/api/webhooks/:id/test', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, permission);
    res.status(202).json(await webhooks.sendTest(req.params.id, actor));
  });

  openapi.operation('get', '/api/webhooks/:id/deliveries', {
    operationId: 'listWebhookDeliveries',
    summary: "A webhook's deliveries, newest first: status, attempts, next attempt, last error",
    tags,
    permission,
    parameters: [idPath(), ...pageQuery],
    responses: {
      '200': { description: 'a page of deliveries', schema: s.page(s.WebhookDelivery) },
      '404': notFound,
    },
  });
  router.get('/api/webhooks/:id/deliveries', async (req, res) => {
    requirePermission(actorOf(req), permission);
    res.json(await webhooks.deliveries(req.params.id, pageParams(req.query)));
  });

  openapi.operation('post', '/api/webhooks/:id/deliveries/:deliveryId/retry', {
    operationId: 'retryWebhookDelivery',
    summary: 'Send a failed delivery again (its attempts start over)',
    tags,
    permission,
    parameters: [idPath(), idPath('deliveryId', 'delivery id')],
    responses: {
      '200': { description: 'queued again', schema: s.WebhookDelivery },
      '404': { description: 'no such delivery' },
      '409': { description: 'it was delivered already' },
    },
  });
  router.post('/api/webhooks/:id/deliveries/:deliveryId/retry', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, permission);
    res.json(await webhooks.retry(req.params.id, req.params.deliveryId, actor));
  });

  return router;
}
