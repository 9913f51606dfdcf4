import { Router } from 'express';
import { actorOf, requireSomeFormPermission } from '../auth/actor.js';
import { invalid, pageParams } from '../collaboration/collab.errors.js';
import { collabSchemas, idPath, pageQuery, query } from '../collaboration/collab.schemas.js';
import type { Collaboration } from '../collaboration/collaboration.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import { jsonBody, jsonRequest, requireAnyPermission } from '../registry/registry.http.js';

/**
 * Comments on records (cases) and tasks with @mentions, edit with history, delete by the
 * author; and the case timeline that shows them with the record's changes and process steps.
 */
export function commentsRoutes(openapi: OpenApiDocument, deps: { collaboration: Collaboration }): Router {
  const router = Router();
  const { comments, timeline } = deps.collaboration;
  const s = collabSchemas(openapi);
  const tags = ['comments'];
  const saved = { description: 'saved; `mentions` says who was notified', schema: s.CommentSaved };
  const badInput = { description: 'bad body (problem+json with `errors`), or an unknown mention' };

  for (const on of ['record', 'task'] as const) {
    const base = on === 'record' ? '/api/records/:id/comments' : '/api/tasks/:id/comments';
    const Subject = on === 'record' ? 'Record' : 'Task';
    const permission = on === 'record' ? 'records.view' : ['tasks.work', 'process.admin'];
    const check = (actor: ReturnType<typeof actorOf>) =>
      on === 'record'
        ? requireSomeFormPermission(actor, 'view')
        : requireAnyPermission(actor, ['tasks.work', 'process.admin']);

    openapi.operation('post', base, {
      operationId: `create${Subject}Comment`,
      summary: `Comment on a ${on}; mentioned users and roles are notified (those who can see the ${on})`,
      tags,
      permission,
      parameters: [idPath('id', `${on} id`)],
      requestBody: jsonRequest(s.CommentInput),
      responses: {
        '201': saved,
        '404': { description: `no such ${on}, or not yours to see` },
        '422': badInput,
      },
    });
    router.post(base, async (req, res) => {
      const actor = actorOf(req);
      check(actor);
      const result = await comments.create(on, req.params.id, jsonBody(req), actor);
      res.status(201).location(`/api/comments/${result.comment.id}`).json(result);
    });

    openapi.operation('get', base, {
      operationId: `list${Subject}Comments`,
      summary: `A ${on}'s comments, newest first`,
      tags,
      permission,
      parameters: [idPath('id', `${on} id`), ...pageQuery],
      responses: {
        '200': { description: 'a page of comments', schema: s.page(s.Comment) },
        '404': { description: `no such ${on}, or not yours to see` },
      },
    });
    router.get(base, async (req, res) => {
      const actor = actorOf(req);
      check(actor);
      res.json(await comments.list(on, req.params.id, actor, pageParams(req.query)));
    });

    openapi.operation('get', `${base.replace('/comments', '')}/mention-candidates`, {
      operationId: `list${Subject}MentionCandidates`,
      summary: `Whom a comment on this ${on} may @mention: users who can see it (matching q) and roles`,
      tags,
      permission,
      parameters: [
        idPath('id', `${on} id`),
        query('q', 'part of a username, name or role'),
        query('limit', '1 to 50, default 20', { type: 'integer', minimum: 1, maximum: 50 }),
      ],
      responses: {
        '200': {
          description: 'the candidates',
          schema: {
            type: 'object',
            properties: {
              users: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    username: { type: 'string' },
                    displayName: { type: 'string' },
                  },
                },
              },
              roles: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { key: { type: 'string' }, name: { type: 'object' } },
                },
              },
            },
          },
        },
        '404': { description: `no such ${on}, or not yours to see` },
        '422': { description: 'a bad limit' },
      },
    });
    router.get(`${base.replace('/comments', '')}/mention-candidates`, async (req, res) => {
      const actor = actorOf(req);
      check(actor);
      const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 64) : '';
      const raw = req.query.limit;
      const limit = raw === undefined ? 20 : Number(raw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
        throw invalid('comments.bad_query', '/limit', 'limit must be an integer from 1 to 50');
      }
      res.json(
        await comments.mentionCandidates(on, (req.params as Record<string, string>).id!, actor, q, limit),
      );
    });
  }

  openapi.operation('get', '/api/comments/:id', {
    operationId: 'getComment',
    summary: 'One comment',
    tags,
    parameters: [idPath()],
    responses: {
      '200': { description: 'the comment', schema: s.Comment },
      '404': { description: 'no such comment' },
    },
  });
  router.get('/api/comments/:id', async (req, res) => {
    res.json(await comments.get(req.params.id, actorOf(req)));
  });

  openapi.operation('patch', '/api/comments/:id', {
    operationId: 'editComment',
    summary:
      'Edit your comment; the previous text is kept in its history; newly mentioned people are notified',
    tags,
    parameters: [idPath()],
    requestBody: jsonRequest(s.CommentInput),
    responses: {
      '200': saved,
      '403': { description: 'not your comment' },
      '404': { description: 'no such comment' },
      '422': badInput,
    },
  });
  router.patch('/api/comments/:id', async (req, res) => {
    res.json(await comments.edit(req.params.id, jsonBody(req), actorOf(req)));
  });

  openapi.operation('delete', '/api/comments/:id', {
    operationId: 'deleteComment',
    summary: 'Delete your comment (its text stays in the history for the audit trail)',
    tags,
    parameters: [idPath()],
    responses: {
      '204': { description: 'deleted' },
      '403': { description: 'not your comment' },
      '404': { description: 'no such comment' },
    },
  });
  router.delete('/api/comments/:id', async (req, res) => {
    await comments.delete(req.params.id, actorOf(req));
    res.status(204).end();
  });

  openapi.operation('get', '/api/comments/:id/history', {
    operationId: 'getCommentHistory',
    summary: 'A comment and its earlier texts, oldest first',
    tags,
    parameters: [idPath()],
    responses: {
      '200': {
        description: 'the comment and its revisions',
        schema: {
          type: 'object',
          properties: {
            current: s.Comment,
            revisions: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  revision: { type: 'integer' },
                  body: { type: 'string' },
                  writtenAt: { type: 'string', format: 'date-time' },
                  replacedAt: { type: 'string', format: 'date-time' },
                  replacedBy: { type: 'string' },
                },
              },
            },
          },
        },
      },
      '404': { description: 'no such comment' },
    },
  });
  router.get('/api/comments/:id/history', async (req, res) => {
    res.json(await comments.history(req.params.id, actorOf(req)));
  });

  openapi.operation('get', '/api/records/:id/timeline', {
    operationId: 'getRecordTimeline',
    summary:
      "A record's timeline, newest first: comments (on it and on its case's tasks), its changes, the case's process steps and attachments",
    tags: ['comments', 'records'],
    permission: 'records.view',
    parameters: [
      idPath('id', 'record id'),
      query('limit', '1 to 200, default 50', { type: 'integer', minimum: 1, maximum: 200 }),
      query('cursor', 'nextCursor of the previous page'),
    ],
    responses: {
      '200': { description: 'a page of the timeline', schema: s.page(s.TimelineItem) },
      '404': { description: 'no such record, or not yours to see' },
      '422': { description: 'a bad limit or cursor' },
    },
  });
  router.get('/api/records/:id/timeline', async (req, res) => {
    const actor = actorOf(req);
    requireSomeFormPermission(actor, 'view');
    const { limit } = pageParams({ limit: req.query.limit });
    const cursor =
      typeof req.query.cursor === 'string' && req.query.cursor !== '' ? req.query.cursor : undefined;
    res.json(await timeline.forRecord(req.params.id, actor, { limit, ...(cursor ? { cursor } : {}) }));
  });

  return router;
}
