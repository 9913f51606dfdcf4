import { type Request, Router } from 'express';
import { actorOf, requirePermission } from '../auth/actor.js';
import { dashboardDefinitionJsonSchema } from '../dashboards/dashboard-definition.schema.js';
import type { DashboardsService, RawParams } from '../dashboards/dashboards.service.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import { ACCEPT_LANGUAGE, jsonBody, localeOf } from '../registry/registry.http.js';

export interface DashboardRoutesDeps {
  dashboards: DashboardsService;
}

/** The query string as plain strings (repeated names as lists); anything nested is dropped. */
function params(req: Request): RawParams {
  const out: RawParams = {};
  for (const [name, value] of Object.entries(req.query)) {
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[name] = value as string[];
  }
  return out;
}

function versionOf(req: Request): number | undefined {
  const raw = req.query.version;
  return typeof raw === 'string' && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : undefined;
}

/** Dashboards: stored definitions, their versions, their data, drill-down, and the editor's preview. */
export function dashboardRoutes(openapi: OpenApiDocument, deps: DashboardRoutesDeps): Router {
  const router = Router();
  const { dashboards } = deps;
  const tags = ['dashboards'];
  const Localized = {
    type: 'object',
    required: ['zh-CN', 'en'],
    properties: { 'zh-CN': { type: 'string' }, en: { type: 'string' } },
  };
  const Definition = openapi.schema('DashboardDefinition', dashboardDefinitionJsonSchema);
  const Dashboard = openapi.schema('Dashboard', {
    type: 'object',
    properties: {
      key: { type: 'string' },
      version: { type: 'integer' },
      title: Localized,
      definition: Definition,
      builtin: { type: 'boolean', description: 'seeded from definitions/dashboards and not edited since' },
      savedAt: { type: 'string', format: 'date-time' },
      savedBy: { type: 'string' },
    },
  });
  const Column = {
    type: 'object',
    required: ['id', 'role', 'type'],
    properties: {
      id: { type: 'string', description: 'the dimension or measure id of the query' },
      role: { enum: ['dimension', 'measure'] },
      type: {
        enum: ['string', 'decimal', 'integer', 'boolean', 'date', 'date-time'],
        description: 'decimal values are exact strings ("1234.50", ratios to 6 places); integers are numbers',
      },
      label: Localized,
      format: { enum: ['number', 'integer', 'percent', 'money', 'duration'] },
      bucket: { enum: ['day', 'week', 'month'] },
    },
  };
  const Filters = {
    type: 'object',
    properties: {
      timeZone: { type: 'string' },
      period: { type: ['object', 'null'], properties: { from: { type: 'string' }, to: { type: 'string' } } },
      previousPeriod: {
        type: ['object', 'null'],
        properties: { from: { type: 'string' }, to: { type: 'string' } },
      },
      values: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    },
  };
  const WidgetData = openapi.schema('DashboardWidgetData', {
    type: 'object',
    required: ['id', 'type'],
    properties: {
      id: { type: 'string' },
      type: { type: 'string' },
      columns: { type: 'array', items: Column },
      rows: { type: 'array', items: { type: 'array', description: 'one value per column, in column order' } },
      truncated: { type: 'boolean' },
      kpi: {
        type: 'object',
        properties: {
          value: {},
          previous: {},
          change: { type: ['string', 'null'] },
          changeRatio: { type: ['string', 'null'] },
          target: { type: ['string', 'null'] },
          attainment: { type: ['string', 'null'] },
        },
      },
      drillable: { type: 'boolean' },
      error: { $ref: '#/components/schemas/Problem' },
    },
  });
  const keyParam = { name: 'key', in: 'path', required: true, schema: { type: 'string' } };
  const versionParam = {
    name: 'version',
    in: 'query',
    required: false,
    schema: { type: 'integer' },
    description: 'a saved version; the latest when absent',
  };
  const filterParams = [
    {
      name: 'from',
      in: 'query',
      required: false,
      schema: { type: 'string', format: 'date' },
      description: 'first day of the period (the dashboard’s dateRange filter)',
    },
    {
      name: 'to',
      in: 'query',
      required: false,
      schema: { type: 'string', format: 'date' },
      description: 'last day of the period, inclusive',
    },
    {
      name: 'tz',
      in: 'query',
      required: false,
      schema: { type: 'string' },
      description: 'IANA zone overriding the dashboard’s',
    },
    {
      name: '<filter id>',
      in: 'query',
      required: false,
      schema: { type: 'array', items: { type: 'string' } },
      description:
        'value(s) of the dashboard’s team, collector, bucket or currency filters, by filter id (repeatable)',
    },
  ];

  openapi.operation('get', '/api/dashboards', {
    operationId: 'listDashboards',
    summary: 'Dashboards, by key',
    tags,
    permission: 'dashboards.view',
    parameters: [
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer' },
        description: '1 to 200, default 100',
      },
      {
        name: 'cursor',
        in: 'query',
        required: false,
        schema: { type: 'string' },
        description: 'the last key of the previous page',
      },
    ],
    responses: {
      '200': {
        description: 'dashboards',
        schema: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              key: { type: 'string' },
              title: Localized,
              latestVersion: { type: 'integer' },
              updatedAt: { type: 'string', format: 'date-time' },
              updatedBy: { type: 'string' },
            },
          },
        },
      },
    },
  });
  router.get('/api/dashboards', async (req, res) => {
    requirePermission(actorOf(req), 'dashboards.view');
    const limitText = typeof req.query.limit === 'string' ? req.query.limit : '100';
    const limit = /^\d{1,3}$/.test(limitText) ? Math.min(200, Math.max(1, Number(limitText))) : 100;
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    res.json(await dashboards.list({ limit, ...(cursor ? { cursor } : {}) }));
  });

  openapi.operation('post', '/api/dashboards/query', {
    operationId: 'queryDashboardData',
    summary: 'Run one widget query (the editor’s live preview) with chosen filter values',
    tags,
    permission: 'dashboards.edit',
    parameters: [ACCEPT_LANGUAGE],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['query'],
            properties: {
              query: { $ref: '#/components/schemas/DashboardDefinition/$defs/query' },
              filters: { type: 'array', description: 'the dashboard’s filter definitions the query follows' },
              values: {
                type: 'object',
                description: 'filter values: from, to (YYYY-MM-DD) and by filter id',
                additionalProperties: {
                  oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
                },
              },
              timeZone: { type: 'string' },
              kpi: {
                type: 'object',
                required: ['value'],
                additionalProperties: false,
                description:
                  'read the query as one number, as a KPI widget does; with compare, the answer’s kpi also has the previous period’s value and the change',
                properties: {
                  value: { type: 'string', description: 'the id of the measure shown' },
                  compare: { const: 'previousPeriod' },
                },
              },
            },
          },
        },
      },
    },
    responses: {
      '200': {
        description: 'the rows; with kpi, also kpi.value (and previous, change, changeRatio with compare)',
        schema: WidgetData,
      },
      '403': { description: 'a form the caller may not view, or a sensitive field without sensitive.view' },
      '422': {
        description:
          'the query does not fit its JSON Schema or the forms (unknown field, unknown measure, limit over 10,000, a kpi.value that is not one of its measures...)',
      },
    },
  });
  router.post('/api/dashboards/query', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'dashboards.edit');
    res.json(await dashboards.query(jsonBody(req), actor, localeOf(req)));
  });

  openapi.operation('get', '/api/dashboards/:key', {
    operationId: 'getDashboard',
    summary: 'A dashboard’s definition (the latest version, or ?version=)',
    tags,
    permission: 'dashboards.view',
    parameters: [keyParam, versionParam],
    responses: {
      '200': { description: 'the dashboard', schema: Dashboard },
      '404': { description: 'no such dashboard or version' },
    },
  });
  router.get('/api/dashboards/:key', async (req, res) => {
    requirePermission(actorOf(req), 'dashboards.view');
    res.json(await dashboards.get(req.params.key, versionOf(req)));
  });

  openapi.operation('put', '/api/dashboards/:key', {
    operationId: 'saveDashboard',
    summary: 'Save a new version of a dashboard (creates it at version 1)',
    tags,
    permission: 'dashboards.edit',
    parameters: [keyParam, ACCEPT_LANGUAGE],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['definition'],
            properties: {
              definition: Definition,
              baseVersion: {
                type: ['integer', 'null'],
                description:
                  'the version you edited (null: a new dashboard); a save over a newer version is a 409',
              },
            },
          },
        },
      },
    },
    responses: {
      '200': { description: 'saved as the next version', schema: Dashboard },
      '201': { description: 'created at version 1', schema: Dashboard },
      '409': { description: 'someone saved a newer version meanwhile' },
      '422': { description: 'the definition fails its JSON Schema, or its queries do not fit the forms' },
    },
  });
  router.put('/api/dashboards/:key', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'dashboards.edit');
    const { dashboard, created } = await dashboards.save(req.params.key, jsonBody(req), actor, localeOf(req));
    res.status(created ? 201 : 200).json(dashboard);
  });

  openapi.operation('get', '/api/dashboards/:key/versions', {
    operationId: 'listDashboardVersions',
    summary: 'A dashboard’s saved versions, newest first',
    tags,
    permission: 'dashboards.view',
    parameters: [
      keyParam,
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } },
      {
        name: 'before',
        in: 'query',
        required: false,
        schema: { type: 'integer' },
        description: 'versions older than this one',
      },
    ],
    responses: {
      '200': {
        description: 'versions',
        schema: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              version: { type: 'integer' },
              builtin: { type: 'boolean' },
              savedAt: { type: 'string', format: 'date-time' },
              savedBy: { type: 'string' },
            },
          },
        },
      },
      '404': { description: 'no such dashboard' },
    },
  });
  router.get('/api/dashboards/:key/versions', async (req, res) => {
    requirePermission(actorOf(req), 'dashboards.view');
    const limitText = typeof req.query.limit === 'string' ? req.query.limit : '50';
    const limit = /^\d{1,3}$/.test(limitText) ? Math.min(200, Math.max(1, Number(limitText))) : 50;
    const before =
      typeof req.query.before === 'string' && /^\d{1,9}$/.test(req.query.before)
        ? Number(req.query.before)
        : undefined;
    res.json(
      await dashboards.versions(req.params.key, { limit, ...(before !== undefined ? { before } : {}) }),
    );
  });

  openapi.operation('get', '/api/dashboards/:key/data', {
    operationId: 'getDashboardData',
    summary: 'Every widget’s data with the dashboard filters applied (a failing widget carries its problem)',
    tags,
    permission: 'dashboards.view',
    parameters: [keyParam, versionParam, ...filterParams, ACCEPT_LANGUAGE],
    responses: {
      '200': {
        description: 'the widgets’ data',
        schema: {
          type: 'object',
          properties: {
            key: { type: 'string' },
            version: { type: 'integer' },
            filters: Filters,
            generatedAt: { type: 'string', format: 'date-time' },
            widgets: { type: 'array', items: WidgetData },
          },
        },
      },
      '404': { description: 'no such dashboard or version' },
      '422': { description: 'a filter value that does not fit (a bad date, an unknown bucket...)' },
    },
  });
  router.get('/api/dashboards/:key/data', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'dashboards.view');
    res.json(await dashboards.data(req.params.key, params(req), actor, versionOf(req), localeOf(req)));
  });

  openapi.operation('get', '/api/dashboards/:key/widgets/:widgetId/records', {
    operationId: 'getDashboardWidgetRecords',
    summary: 'Drill-down: the records behind one data point of a widget, newest first',
    tags,
    permission: 'dashboards.view',
    parameters: [
      ACCEPT_LANGUAGE,
      keyParam,
      { name: 'widgetId', in: 'path', required: true, schema: { type: 'string' } },
      versionParam,
      ...filterParams,
      {
        name: 'at.<dimension id>',
        in: 'query',
        required: false,
        schema: { type: 'string' },
        description:
          'the data point: a value per dimension (a date bucket’s first day; empty for the empty group)',
      },
      {
        name: 'measure',
        in: 'query',
        required: false,
        schema: { type: 'string' },
        description: 'only the rows this measure counts (a ratio: its denominator’s)',
      },
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer' },
        description: '1 to 200, default 50',
      },
      {
        name: 'cursor',
        in: 'query',
        required: false,
        schema: { type: 'string' },
        description: 'nextCursor of the previous page',
      },
    ],
    responses: {
      '200': {
        description: 'a page of records (sensitive fields masked without sensitive.view)',
        schema: {
          type: 'object',
          properties: {
            widgetId: { type: 'string' },
            form: { type: 'string' },
            query: {
              type: 'object',
              description: 'the rows as a declarative query (dataset, lookups, filters with values)',
            },
            recordsFilter: {
              type: ['array', 'null'],
              items: { type: 'string' },
              description:
                '`filter` parameters of GET /api/forms/{form}/records saying the same, when they can',
            },
            columns: {
              type: ['array', 'null'],
              items: { type: 'string' },
              description: 'the fields (/pointer) the widget’s definition wants the list to show, in order',
            },
            items: { type: 'array', items: { $ref: '#/components/schemas/Record' } },
            nextCursor: { type: ['string', 'null'] },
          },
        },
      },
      '404': { description: 'no such dashboard or widget' },
      '422': { description: 'the widget does not list records (process data), or a bad parameter' },
    },
  });
  router.get('/api/dashboards/:key/widgets/:widgetId/records', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'dashboards.view');
    res.json(await dashboards.drill(req.params.key, req.params.widgetId, params(req), actor, localeOf(req)));
  });

  return router;
}
