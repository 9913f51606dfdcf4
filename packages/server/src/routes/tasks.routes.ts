import { localeFromAcceptLanguage } from '@collectflow/schema';
import { Router } from 'express';
import { actorOf, requirePermission } from '../auth/actor.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import type { ProcessRuntime } from '../runtime/process.runtime.js';
import {
  badRequest,
  idParam,
  instanceJson,
  listOf,
  objectBody,
  optionalObject,
  paging,
  pagingParameters,
  pathId,
  runtimeActor,
  runtimeSchemas,
  stringQuery,
  taskJson,
  UUID,
} from '../runtime/runtime.http.js';

const STATUSES = ['open', 'completed', 'cancelled'] as const;

export function taskRoutes(openapi: OpenApiDocument, deps: { runtime: ProcessRuntime }): Router {
  const router = Router();
  const { tasks } = deps.runtime;
  const { Task, Instance } = runtimeSchemas(openapi);

  openapi.operation('get', '/api/tasks', {
    operationId: 'listTasks',
    summary:
      'The inbox: tasks offered to one of your groups, assigned to you or claimed by you, oldest first',
    tags: ['tasks'],
    parameters: [
      { name: 'status', in: 'query', schema: { enum: [...STATUSES], default: 'open' } },
      {
        name: 'mine',
        in: 'query',
        schema: { type: 'boolean' },
        description: 'only tasks claimed by or assigned to you',
      },
      {
        name: 'scope',
        in: 'query',
        schema: { enum: ['visible', 'all'], default: 'visible' },
        description: 'all: every task (process admins)',
      },
      { name: 'processKey', in: 'query', schema: { type: 'string' } },
      { name: 'businessKey', in: 'query', schema: { type: 'string' } },
      { name: 'instanceId', in: 'query', schema: { type: 'string', format: 'uuid' } },
      ...pagingParameters,
    ],
    responses: {
      '200': { description: 'a page of tasks', schema: listOf(Task) },
      '403': { description: 'scope=all without process.admin' },
    },
  });
  router.get('/api/tasks', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'tasks.work');
    const who = runtimeActor(actor);
    const page = paging(req);
    const status = stringQuery(req, 'status') ?? 'open';
    if (!(STATUSES as readonly string[]).includes(status)) {
      throw badRequest('/status', `status must be one of ${STATUSES.join(', ')}`);
    }
    const scope = stringQuery(req, 'scope') ?? 'visible';
    if (scope !== 'visible' && scope !== 'all') throw badRequest('/scope', 'scope must be visible or all');
    if (scope === 'all') requirePermission(actor, 'process.admin');
    const instanceId = stringQuery(req, 'instanceId');
    if (instanceId !== undefined && !UUID.test(instanceId))
      throw badRequest('/instanceId', 'instanceId must be a UUID');
    const processKey = stringQuery(req, 'processKey');
    const businessKey = stringQuery(req, 'businessKey');
    const mine = req.query.mine === 'true' || req.query.mine === '1';
    const items = await tasks.list({
      ...page,
      status: status as (typeof STATUSES)[number],
      ...(scope === 'visible' ? { visibleTo: { userId: who.userId, groups: who.groups } } : {}),
      ...(mine ? { assignedTo: who.userId } : {}),
      ...(processKey ? { processKey } : {}),
      ...(businessKey ? { businessKey } : {}),
      ...(instanceId ? { instanceId } : {}),
    });
    res.json({
      items: items.map(taskJson),
      nextCursor: items.length === page.limit ? (items.at(-1)?.id ?? null) : null,
    });
  });

  openapi.operation('get', '/api/tasks/:id', {
    operationId: 'getTask',
    summary: 'A task (its form key and version say which form to render)',
    tags: ['tasks'],
    parameters: [pathId('id')],
    responses: {
      '200': { description: 'the task', schema: Task },
      '403': { description: 'not offered to you' },
      '404': { description: 'no such task' },
    },
  });
  router.get('/api/tasks/:id', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'tasks.work');
    res.json(taskJson(await tasks.get(idParam(req, 'id', 'task'), runtimeActor(actor))));
  });

  for (const action of ['claim', 'unclaim'] as const) {
    openapi.operation('post', `/api/tasks/:id/${action}`, {
      operationId: `${action}Task`,
      summary:
        action === 'claim'
          ? 'Take a task so that others do not work on it'
          : 'Give a claimed task back to its groups',
      tags: ['tasks'],
      parameters: [pathId('id')],
      responses: {
        '200': { description: 'the task', schema: Task },
        '403': { description: 'not offered to you / not claimed by you' },
        '404': { description: 'no such task' },
        '409': { description: 'the task is closed, or claimed by someone else' },
      },
    });
    router.post(`/api/tasks/:id/${action}`, async (req, res) => {
      const actor = actorOf(req);
      requirePermission(actor, 'tasks.work');
      const id = idParam(req, 'id', 'task');
      const task =
        action === 'claim'
          ? await tasks.claim(id, runtimeActor(actor))
          : await tasks.unclaim(id, runtimeActor(actor));
      res.json(taskJson(task));
    });
  }

  openapi.operation('post', '/api/tasks/:id/complete', {
    operationId: 'completeTask',
    summary: 'Complete a task with form data: validated against its form, then the flow moves on',
    tags: ['tasks'],
    parameters: [pathId('id')],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { type: 'object', properties: { data: { type: 'object', description: 'the form data' } } },
        },
      },
    },
    responses: {
      '200': {
        description: 'completed; the instance ran to its next wait state',
        schema: {
          type: 'object',
          properties: {
            task: Task,
            instance: Instance,
            nextTaskIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
          },
        },
      },
      '403': { description: 'not offered to you' },
      '404': { description: 'no such task' },
      '409': { description: 'already completed or cancelled (exactly one of concurrent completions wins)' },
      '422': {
        description: 'the data does not match the form; `errors` has the fields; the task stays open',
      },
    },
  });
  router.post('/api/tasks/:id/complete', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'tasks.work');
    const body = objectBody(req);
    const data = optionalObject(body, 'data') ?? {};
    const locale = localeFromAcceptLanguage(req.headers['accept-language']);
    const done = await tasks.complete(idParam(req, 'id', 'task'), runtimeActor(actor), data, locale);
    res.json({
      task: taskJson(done.task),
      instance: instanceJson(done.instance),
      nextTaskIds: done.nextTaskIds,
    });
  });
  return router;
}
