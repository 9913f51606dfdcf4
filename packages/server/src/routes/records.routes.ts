import { type Request, Router } from 'express';
import { actorOf, requireFormPermission, requireSomeFormPermission } from '../auth/actor.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import type { RecordListParams } from '../registry/record-query.parser.js';
import {
  ACCEPT_LANGUAGE,
  jsonBody,
  jsonRequest,
  localeOf,
  pathParam,
  queryParam,
  queryString,
  type RegistrySchemas,
} from '../registry/registry.http.js';
import type { FormRegistryService } from '../registry/registry.service.js';

export interface RecordsRoutesDeps {
  registry: FormRegistryService;
  schemas: RegistrySchemas;
}

const SHAPE_PARAMS = ['sort', 'formVersion', 'ownerTeamId', 'assigneeId'] as const;
const PAGED_PARAMS = [...SHAPE_PARAMS, 'limit', 'cursor'] as const;

/** The list's query parameters (the registry checks their values against the form). */
function listParamsOf(req: Request, names: readonly (keyof RecordListParams)[]): RecordListParams {
  const params: RecordListParams = {};
  const filter = req.query.filter;
  if (typeof filter === 'string' || (Array.isArray(filter) && filter.every((f) => typeof f === 'string'))) {
    params.filter = filter as string | string[];
  }
  for (const name of names) {
    if (name === 'filter') continue;
    const value = queryString(req, name);
    if (value !== undefined) params[name] = value;
  }
  return params;
}

/** An export beyond this is a job for the reporting database, not a browser download. */
const MAX_EXPORT_ROWS = 50_000;

const KEY = pathParam('key', 'form key (slug)');
const ID = pathParam('id', 'record id (UUIDv7)');

/** Submissions: create, read, update with optimistic concurrency, list with filters and a cursor. */
export function recordsRoutes(openapi: OpenApiDocument, deps: RecordsRoutesDeps): Router {
  const router = Router();
  const { registry, schemas: s } = deps;
  const tags = ['records'];
  const created = { '201': { description: 'stored', schema: s.Record } };

  openapi.operation('post', '/api/forms/:key/records', {
    operationId: 'createRecord',
    summary: 'Submit data: validated against the latest published version (or `formVersion`) and stored',
    tags,
    parameters: [KEY, ACCEPT_LANGUAGE],
    requestBody: jsonRequest({
      type: 'object',
      required: ['data'],
      properties: {
        data: {},
        formVersion: { type: 'integer', description: 'validate against this version instead of the latest' },
        ownerTeamId: { type: ['string', 'null'], description: "default: the caller's first team" },
        assigneeId: { type: ['string', 'null'] },
      },
    }),
    responses: {
      ...created,
      '400': { description: 'the body is not JSON' },
      '404': { description: 'no such form or version, or nothing published yet' },
      '413': { description: 'the body is over the size cap' },
      '422': {
        description:
          'the data is invalid; `errors` lists [{ pointer, keyword, message }] in the caller’s language',
      },
    },
  });
  router.post('/api/forms/:key/records', async (req, res) => {
    const actor = actorOf(req);
    requireFormPermission(actor, req.params.key, 'create');
    const record = await registry.createRecord(req.params.key, jsonBody(req), actor, localeOf(req));
    res.status(201).location(`/api/records/${record.id}`).json(record);
  });

  openapi.operation('get', '/api/forms/:key/records', {
    operationId: 'listRecords',
    summary: 'A form’s records: field filters, sort and cursor pagination',
    tags,
    parameters: [
      KEY,
      {
        name: 'filter',
        in: 'query',
        required: false,
        style: 'form',
        explode: true,
        description:
          '`<pointer>:<op>:<value>`, repeatable (all must hold). ops: eq, gt, gte, lt, lte, contains. ' +
          'Values are read by the field’s type: numbers and decimal strings compare as numbers, date-times as instants. ' +
          'e.g. filter=/principal:gte:1000&filter=/address/city:eq:上海',
        schema: { type: 'array', items: { type: 'string' } },
      },
      queryParam(
        'sort',
        'createdAt, updatedAt or a field pointer; prefix "-" for descending (default -createdAt)',
      ),
      queryParam('limit', '1 to 200, default 50', { type: 'integer' }),
      queryParam('cursor', 'nextCursor of the previous page (same sort)'),
      queryParam('formVersion', 'only records validated against this version', { type: 'integer' }),
      queryParam('ownerTeamId', 'only records owned by this team'),
      queryParam('assigneeId', 'only records assigned to this user'),
    ],
    responses: {
      '200': { description: 'a page of records', schema: s.page(s.Record) },
      '403': { description: 'filtering or sorting on a sensitive field without sensitive.view' },
      '404': { description: 'no such form' },
      '422': { description: 'a filter, sort, limit or cursor that does not fit the form' },
    },
  });
  router.get('/api/forms/:key/records', async (req, res) => {
    const actor = actorOf(req);
    requireFormPermission(actor, req.params.key, 'view');
    res.json(await registry.listRecords(req.params.key, listParamsOf(req, PAGED_PARAMS), actor));
  });

  openapi.operation('get', '/api/forms/:key/records/export.csv', {
    operationId: 'exportRecords',
    summary: 'The filtered records as CSV, sensitive fields masked as in the list; the export is audited',
    tags,
    parameters: [
      KEY,
      {
        name: 'filter',
        in: 'query',
        required: false,
        style: 'form',
        explode: true,
        description: 'as for the list',
        schema: { type: 'array', items: { type: 'string' } },
      },
      queryParam('sort', 'as for the list'),
      queryParam('formVersion', 'only records validated against this version', { type: 'integer' }),
      queryParam('ownerTeamId', 'only records owned by this team'),
      queryParam('assigneeId', 'only records assigned to this user'),
      ACCEPT_LANGUAGE,
    ],
    responses: {
      '200': {
        description: `CSV (UTF-8 with BOM), at most ${MAX_EXPORT_ROWS} rows; x-collectflow-truncated: true when there were more`,
        contentType: 'text/csv',
      },
      '403': { description: 'no view right on the form' },
      '404': { description: 'no such form' },
      '422': { description: 'a filter or sort that does not fit the form' },
    },
  });
  router.get('/api/forms/:key/records/export.csv', async (req, res) => {
    const actor = actorOf(req);
    requireFormPermission(actor, req.params.key, 'view');
    const params = listParamsOf(req, SHAPE_PARAMS);
    const out = await registry.exportRecords(req.params.key, params, actor, localeOf(req), {
      maxRows: MAX_EXPORT_ROWS,
    });
    const day = new Date().toISOString().slice(0, 10);
    res.type('text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${req.params.key}-${day}.csv"`);
    res.setHeader('x-collectflow-truncated', String(out.truncated));
    res.setHeader('cache-control', 'no-store');
    res.send(out.csv);
  });

  openapi.operation('get', '/api/records/:id', {
    operationId: 'getRecord',
    summary: 'One record; sensitive fields are masked without sensitive.view',
    tags,
    parameters: [ID],
    responses: {
      '200': { description: 'the record', schema: s.Record },
      '404': { description: 'no such record' },
    },
  });
  router.get('/api/records/:id', async (req, res) => {
    const actor = actorOf(req);
    requireSomeFormPermission(actor, 'view');
    res.json(await registry.getRecord(req.params.id, actor));
  });

  openapi.operation('put', '/api/records/:id', {
    operationId: 'updateRecord',
    summary: 'Replace a record’s data; `version` must be the version you edited (409 when stale)',
    tags,
    parameters: [ID, ACCEPT_LANGUAGE],
    requestBody: jsonRequest({
      type: 'object',
      required: ['data', 'version'],
      properties: {
        data: {},
        version: { type: 'integer', description: 'the record version you edited' },
        formVersion: { type: 'integer', description: 'move the record to this form version' },
        ownerTeamId: { type: ['string', 'null'] },
        assigneeId: { type: ['string', 'null'] },
      },
    }),
    responses: {
      '200': { description: 'updated; `version` is one higher', schema: s.Record },
      '404': { description: 'no such record' },
      '409': { description: 'someone saved the record first (stale version)' },
      '422': { description: 'the data is invalid' },
    },
  });
  router.put('/api/records/:id', async (req, res) => {
    const actor = actorOf(req);
    requireSomeFormPermission(actor, 'edit');
    res.json(await registry.updateRecord(req.params.id, jsonBody(req), actor, localeOf(req)));
  });

  return router;
}
