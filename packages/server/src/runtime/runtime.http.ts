import type { IncidentRecord, InstanceSummary, TaskRecord } from '@collectflow/store';
import type { Request } from 'express';
import { type Actor, can } from '../auth/actor.js';
import type { JsonSchema, OpenApiDocument } from '../openapi/openapi.document.js';
import { RuntimeError } from './runtime.errors.js';
import type { RuntimeActor } from './runtime.ports.js';

/** Helpers the runtime's routes share: actor mapping, paging, body checks, JSON shapes. */

export function runtimeActor(actor: Actor): RuntimeActor {
  return { userId: actor.userId, groups: actor.groups, admin: can(actor, 'process.admin') };
}

export function requireAnyPermission(actor: Actor, permissions: Parameters<typeof can>[1][]): void {
  if (permissions.some((p) => can(actor, p))) return;
  throw new RuntimeError(
    'runtime.bad_request',
    'forbidden',
    `you need one of the permissions ${permissions.map((p) => `"${p}"`).join(', ')}`,
    { hint: 'ask an administrator for a role that grants it' },
  );
}

export function paging(req: Request, defaults = { limit: 50, max: 200 }): { limit: number; cursor?: string } {
  const rawLimit = req.query.limit;
  let limit = defaults.limit;
  if (rawLimit !== undefined) {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > defaults.max) {
      throw badRequest('/limit', `limit must be an integer from 1 to ${defaults.max}`);
    }
  }
  const cursor =
    typeof req.query.cursor === 'string' && req.query.cursor !== '' ? req.query.cursor : undefined;
  if (cursor !== undefined && !UUID.test(cursor))
    throw badRequest('/cursor', 'cursor must be an id from a previous page');
  return cursor ? { limit, cursor } : { limit };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route ids are UUIDs; anything else would make PostgreSQL raise, so refuse it as not found. */
export function idParam(
  req: Request,
  name: string,
  what: 'task' | 'instance' | 'deployment' | 'incident',
): string {
  const value = String(req.params[name] ?? '');
  if (!UUID.test(value)) {
    const code = `${what}.not_found` as const;
    throw new RuntimeError(code, 'not_found', `no ${what} ${value}`);
  }
  return value;
}

export function stringQuery(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function badRequest(pointer: string, message: string): RuntimeError {
  return new RuntimeError('runtime.bad_request', 'invalid', message, { errors: [{ pointer, message }] });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectBody(req: Request): Record<string, unknown> {
  const body = req.body ?? {};
  if (!isPlainObject(body)) throw badRequest('', 'the request body must be a JSON object');
  return body;
}

export function optionalObject(
  body: Record<string, unknown>,
  key: string,
): Record<string, unknown> | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw badRequest(`/${key}`, `${key} must be a JSON object`);
  return value;
}

export function optionalString(body: Record<string, unknown>, key: string, max = 200): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw badRequest(`/${key}`, `${key} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

export function taskJson(task: TaskRecord) {
  return {
    id: task.id,
    instanceId: task.instanceId,
    elementId: task.elementId,
    name: task.name,
    names: task.names,
    processKey: task.processKey,
    businessKey: task.businessKey,
    formKey: task.formKey,
    formVersion: task.formVersion,
    candidateGroups: task.candidateGroups,
    assignee: task.assignee,
    dueAt: task.dueAt,
    priority: task.priority,
    status: task.status,
    claimedBy: task.claimedBy,
    claimedAt: task.claimedAt,
    completedBy: task.completedBy,
    completedAt: task.completedAt,
    data: task.data,
    createdAt: task.createdAt,
  };
}

export function instanceJson(instance: InstanceSummary) {
  return {
    id: instance.id,
    deploymentId: instance.deploymentId,
    processKey: instance.processKey,
    businessKey: instance.businessKey,
    status: instance.status,
    activeElementIds: instance.activeElementIds,
    failure: instance.failure,
    version: instance.version,
    startedBy: instance.startedBy,
    createdAt: instance.createdAt,
    updatedAt: instance.updatedAt,
    endedAt: instance.endedAt,
  };
}

export function incidentJson(incident: IncidentRecord) {
  return { ...incident };
}

/** Schemas the runtime's routes share in the OpenAPI document. */
export function runtimeSchemas(openapi: OpenApiDocument) {
  const dateTime = { type: 'string', format: 'date-time' };
  const nullableDateTime = { type: ['string', 'null'], format: 'date-time' };
  const Task = openapi.schema('Task', {
    type: 'object',
    required: ['id', 'instanceId', 'elementId', 'formKey', 'candidateGroups', 'status', 'createdAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      instanceId: { type: 'string', format: 'uuid' },
      elementId: { type: 'string', description: 'the BPMN user task id' },
      name: { type: ['string', 'null'] },
      names: {
        type: 'object',
        description: 'the name in other languages by locale, from name@<locale> camunda:properties',
        additionalProperties: { type: 'string' },
      },
      processKey: { type: 'string' },
      businessKey: { type: ['string', 'null'] },
      formKey: { type: 'string' },
      formVersion: { type: ['integer', 'null'], description: 'null: the latest published version' },
      candidateGroups: { type: 'array', items: { type: 'string' } },
      assignee: { type: ['string', 'null'] },
      dueAt: nullableDateTime,
      priority: { type: ['integer', 'null'] },
      status: { enum: ['open', 'completed', 'cancelled'] },
      claimedBy: { type: ['string', 'null'] },
      claimedAt: nullableDateTime,
      completedBy: { type: ['string', 'null'] },
      completedAt: nullableDateTime,
      data: { type: ['object', 'null'] },
      createdAt: dateTime,
    },
  });
  const Instance = openapi.schema('ProcessInstance', {
    type: 'object',
    required: ['id', 'deploymentId', 'processKey', 'status', 'activeElementIds', 'version'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      deploymentId: { type: 'string', format: 'uuid' },
      processKey: { type: 'string' },
      businessKey: { type: ['string', 'null'] },
      status: { enum: ['running', 'completed', 'failed', 'cancelled'] },
      activeElementIds: { type: 'array', items: { type: 'string' } },
      failure: { type: ['object', 'null'] },
      version: { type: 'integer', description: 'bumped by every step' },
      startedBy: { type: ['string', 'null'] },
      createdAt: dateTime,
      updatedAt: dateTime,
      endedAt: nullableDateTime,
    },
  });
  const HistoryEntry = openapi.schema('HistoryEntry', {
    type: 'object',
    required: ['id', 'step', 'at', 'event'],
    properties: {
      id: { type: 'integer' },
      step: { type: 'integer', description: 'the instance version the step produced' },
      at: dateTime,
      event: {
        type: 'string',
        description:
          'activity.start|end|timeout|error, process.start|end|error, instance.start, task.claim|unclaim|complete, timer.fire, message.receive, service.complete|error, job.retry, incident.open|retry|resolve, instance.cancel|migrate',
      },
      elementId: { type: ['string', 'null'] },
      elementType: { type: ['string', 'null'] },
      name: { type: ['string', 'null'] },
      executionId: { type: ['string', 'null'] },
      actor: { type: ['string', 'null'] },
      data: { type: ['object', 'null'] },
    },
  });
  const Incident = openapi.schema('Incident', {
    type: 'object',
    required: ['id', 'instanceId', 'kind', 'message', 'status', 'createdAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      instanceId: { type: 'string', format: 'uuid' },
      jobId: { type: ['string', 'null'], format: 'uuid' },
      elementId: { type: ['string', 'null'] },
      kind: { enum: ['service_failed', 'timer_failed', 'instance_failed'] },
      message: { type: 'string' },
      details: { type: 'object' },
      status: { enum: ['open', 'resolved'] },
      createdAt: dateTime,
      resolvedAt: nullableDateTime,
      resolvedBy: { type: ['string', 'null'] },
      resolution: { type: ['string', 'null'] },
    },
  });
  return { Task, Instance, HistoryEntry, Incident };
}

export const pagingParameters = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
  {
    name: 'cursor',
    in: 'query',
    schema: { type: 'string' },
    description: 'the last id of the previous page',
  },
];

export function pathId(name: string): Record<string, unknown> {
  return { name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
}

export function listOf(items: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['items'],
    properties: { items: { type: 'array', items }, nextCursor: { type: ['string', 'null'] } },
  };
}
