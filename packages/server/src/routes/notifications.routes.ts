import { Router } from 'express';
import { actorOf } from '../auth/actor.js';
import { invalid, pageParams } from '../collaboration/collab.errors.js';
import { collabSchemas, idPath, pageQuery, query } from '../collaboration/collab.schemas.js';
import type { Collaboration } from '../collaboration/collaboration.js';
import { NOTIFICATION_KINDS } from '../collaboration/notifier.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import { jsonRequest } from '../registry/registry.http.js';

/** The bell: each user's own notifications, unread count, marking read, preferences. */
export function notificationsRoutes(
  openapi: OpenApiDocument,
  deps: { collaboration: Collaboration },
): Router {
  const router = Router();
  const { notifications } = deps.collaboration;
  const s = collabSchemas(openapi);
  const tags = ['notifications'];
  const Preferences = {
    type: 'object',
    properties: {
      inApp: {
        type: 'object',
        description: 'kind → shown in the app (all on unless turned off)',
        properties: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, { type: 'boolean' }])),
      },
    },
  };

  openapi.operation('get', '/api/notifications', {
    operationId: 'listNotifications',
    summary: 'Your notifications, newest first, with the unread count',
    tags,
    parameters: [
      query('unread', 'true: only unread ones', { type: 'boolean' }),
      query('kind', `only these kinds (comma-separated): ${NOTIFICATION_KINDS.join(', ')}`),
      ...pageQuery,
    ],
    responses: {
      '200': {
        description: 'a page of notifications',
        schema: s.page(s.Notification, { unreadCount: { type: 'integer' } }),
      },
      '422': { description: 'a bad limit, cursor or kind' },
    },
  });
  router.get('/api/notifications', async (req, res) => {
    const actor = actorOf(req);
    const unread = req.query.unread;
    if (unread !== undefined && unread !== 'true' && unread !== 'false') {
      throw invalid('notifications.bad_query', '/unread', 'unread must be true or false');
    }
    const kind =
      typeof req.query.kind === 'string' && req.query.kind !== '' ? req.query.kind.split(',') : undefined;
    res.json(
      await notifications.list(actor, {
        unreadOnly: unread === 'true',
        ...(kind ? { kinds: kind } : {}),
        ...pageParams(req.query),
      }),
    );
  });

  openapi.operation('get', '/api/notifications/unread-count', {
    operationId: 'getUnreadNotificationCount',
    summary: 'How many of your notifications are unread (the bell badge)',
    tags,
    responses: {
      '200': {
        description: 'the count',
        schema: { type: 'object', properties: { count: { type: 'integer' } } },
      },
    },
  });
  router.get('/api/notifications/unread-count', async (req, res) => {
    res.json(await notifications.unreadCount(actorOf(req)));
  });

  openapi.operation('post', '/api/notifications/:id/read', {
    operationId: 'markNotificationRead',
    summary: 'Mark one of your notifications read',
    tags,
    parameters: [idPath()],
    responses: {
      '200': { description: 'the notification', schema: s.Notification },
      '404': { description: 'no such notification of yours' },
    },
  });
  router.post('/api/notifications/:id/read', async (req, res) => {
    res.json(await notifications.markRead(req.params.id, actorOf(req)));
  });

  openapi.operation('post', '/api/notifications/read-all', {
    operationId: 'markAllNotificationsRead',
    summary: 'Mark all your notifications read (up to `upTo`, the newest one you saw, when given)',
    tags,
    requestBody: {
      required: false,
      content: {
        'application/json': {
          schema: { type: 'object', properties: { upTo: { type: 'string', format: 'uuid' } } },
        },
      },
    },
    responses: {
      '200': {
        description: 'how many were marked',
        schema: {
          type: 'object',
          properties: { marked: { type: 'integer' }, unreadCount: { type: 'integer' } },
        },
      },
      '422': { description: 'a bad upTo' },
    },
  });
  router.post('/api/notifications/read-all', async (req, res) => {
    res.json(await notifications.markAllRead(actorOf(req), req.body));
  });

  openapi.operation('get', '/api/notifications/preferences', {
    operationId: 'getNotificationPreferences',
    summary: 'Which kinds of notification you receive in the app',
    tags,
    responses: { '200': { description: 'your preferences', schema: Preferences } },
  });
  router.get('/api/notifications/preferences', async (req, res) => {
    res.json(await notifications.preferences(actorOf(req)));
  });

  openapi.operation('put', '/api/notifications/preferences', {
    operationId: 'setNotificationPreferences',
    summary: 'Turn kinds of notification on or off (kinds left out keep their setting)',
    tags,
    requestBody: jsonRequest(Preferences),
    responses: {
      '200': { description: 'your preferences now', schema: Preferences },
      '422': { description: 'an unknown kind or a value that is not a boolean' },
    },
  });
  router.put('/api/notifications/preferences', async (req, res) => {
    res.json(await notifications.setPreferences(actorOf(req), req.body));
  });

  return router;
}
