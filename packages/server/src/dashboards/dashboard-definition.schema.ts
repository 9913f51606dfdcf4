/**
 * JSON Schema (2020-12) of a dashboard definition and of the declarative query inside each widget
 * (also the body of the editor's ad-hoc query). Structure only: that fields exist in their form,
 * that ids referenced are defined and that the caller may see them is checked afterwards.
 */

export const DASHBOARD_KEY_PATTERN = '^[a-z][a-z0-9-]{1,62}$';
const ID = { type: 'string', pattern: '^[a-z][a-zA-Z0-9_-]{0,62}$' } as const;
// '/pointer', '@column', optionally after '<lookup id>:'.
const FIELD = {
  type: 'string',
  pattern: '^(?:[a-z][a-zA-Z0-9_-]{0,62}:)?(?:/[^\\u0000]{1,500}|@[a-zA-Z][a-zA-Z0-9]{0,40})$',
} as const;
const TEXT = { type: 'string', minLength: 1, maxLength: 200 } as const;
const LONG_TEXT = { type: 'string', maxLength: 2000 } as const;
const localized = (text: object) => ({
  type: 'object',
  required: ['zh-CN', 'en'],
  properties: { 'zh-CN': text, en: text },
  additionalProperties: false,
});
const NUMBER_TEXT = { type: 'string', pattern: '^-?[0-9]{1,28}(\\.[0-9]{1,12})?$' } as const;
const NUMBER_OR_TEXT = { oneOf: [{ type: 'number' }, NUMBER_TEXT] } as const;
const SCALAR = {
  oneOf: [{ type: 'string', maxLength: 500 }, { type: 'number' }, { type: 'boolean' }],
} as const;

export const QUERY_LIMIT_MAX = 10_000;
export const QUERY_LIMIT_DEFAULT = 1_000;

const $defs = {
  localized: localized(TEXT),
  localizedLong: localized(LONG_TEXT),
  field: FIELD,
  dataset: {
    oneOf: [
      {
        type: 'object',
        required: ['form'],
        properties: { form: { type: 'string', pattern: DASHBOARD_KEY_PATTERN } },
        additionalProperties: false,
      },
      {
        type: 'object',
        required: ['process'],
        properties: { process: { enum: ['tasks', 'instances', 'history'] } },
        additionalProperties: false,
      },
    ],
  },
  lookup: {
    type: 'object',
    required: ['id', 'form', 'from', 'to'],
    properties: {
      id: ID,
      form: { type: 'string', pattern: DASHBOARD_KEY_PATTERN },
      from: FIELD,
      to: { type: 'string', pattern: '^/[^\\u0000]{1,500}$' },
    },
    additionalProperties: false,
  },
  dimension: {
    type: 'object',
    required: ['id', 'field'],
    properties: {
      id: ID,
      field: FIELD,
      bucket: { enum: ['day', 'week', 'month'] },
      label: { $ref: '#/$defs/localized' },
    },
    additionalProperties: false,
  },
  dateParam: {
    type: 'object',
    required: ['$param'],
    properties: {
      $param: { enum: ['from', 'to'] },
      days: { type: 'integer', minimum: -3660, maximum: 3660 },
    },
    additionalProperties: false,
  },
  filter: {
    oneOf: [
      {
        type: 'object',
        required: ['field', 'op', 'value'],
        properties: {
          field: FIELD,
          op: { enum: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains'] },
          value: { oneOf: [...SCALAR.oneOf, { $ref: '#/$defs/dateParam' }] },
        },
        additionalProperties: false,
      },
      {
        type: 'object',
        required: ['field', 'op', 'values'],
        properties: {
          field: FIELD,
          op: { enum: ['in', 'notIn'] },
          values: { type: 'array', minItems: 1, maxItems: 1000, items: SCALAR },
        },
        additionalProperties: false,
      },
      {
        type: 'object',
        required: ['field', 'op'],
        properties: { field: FIELD, op: { enum: ['isNull', 'notNull'] } },
        additionalProperties: false,
      },
      {
        type: 'object',
        required: ['or'],
        properties: { or: { type: 'array', minItems: 1, maxItems: 50, items: { $ref: '#/$defs/filter' } } },
        additionalProperties: false,
      },
      {
        type: 'object',
        required: ['and'],
        properties: { and: { type: 'array', minItems: 1, maxItems: 50, items: { $ref: '#/$defs/filter' } } },
        additionalProperties: false,
      },
    ],
  },
  filters: { type: 'array', maxItems: 50, items: { $ref: '#/$defs/filter' } },
  measure: {
    type: 'object',
    required: ['id', 'op'],
    properties: {
      id: ID,
      label: { $ref: '#/$defs/localized' },
      format: { enum: ['number', 'integer', 'percent', 'money', 'duration'] },
      op: { enum: ['count', 'sum', 'avg', 'min', 'max', 'countDistinct', 'sumProduct', 'ratio'] },
      field: FIELD,
      fields: { type: 'array', minItems: 2, maxItems: 2, items: FIELD },
      divideBy: NUMBER_OR_TEXT,
      numerator: ID,
      denominator: ID,
      filters: { $ref: '#/$defs/filters' },
    },
    additionalProperties: false,
    allOf: [
      {
        if: { properties: { op: { enum: ['sum', 'avg', 'min', 'max', 'countDistinct'] } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: {
          required: ['field'],
          properties: { fields: false, divideBy: false, numerator: false, denominator: false },
        },
      },
      {
        if: { properties: { op: { const: 'count' } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: {
          properties: { field: false, fields: false, divideBy: false, numerator: false, denominator: false },
        },
      },
      {
        if: { properties: { op: { const: 'sumProduct' } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: { required: ['fields'], properties: { field: false, numerator: false, denominator: false } },
      },
      {
        if: { properties: { op: { const: 'ratio' } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: {
          required: ['numerator', 'denominator'],
          properties: { field: false, fields: false, divideBy: false, filters: false },
        },
      },
    ],
  },
  part: {
    type: 'object',
    required: ['dataset', 'measures'],
    properties: {
      dataset: { $ref: '#/$defs/dataset' },
      lookups: { type: 'array', maxItems: 3, items: { $ref: '#/$defs/lookup' } },
      dimensions: { type: 'array', maxItems: 3, items: { $ref: '#/$defs/dimension' } },
      measures: { type: 'array', minItems: 1, maxItems: 30, items: { $ref: '#/$defs/measure' } },
      filters: { $ref: '#/$defs/filters' },
      follow: { type: 'object', maxProperties: 20, propertyNames: ID, additionalProperties: FIELD },
    },
  },
  query: {
    allOf: [{ $ref: '#/$defs/part' }],
    type: 'object',
    properties: {
      dataset: true,
      lookups: true,
      dimensions: true,
      measures: true,
      filters: true,
      follow: true,
      combine: {
        type: 'array',
        maxItems: 3,
        items: {
          allOf: [{ $ref: '#/$defs/part' }],
          properties: {
            dataset: true,
            lookups: true,
            dimensions: true,
            measures: true,
            filters: true,
            follow: true,
          },
          additionalProperties: false,
        },
      },
      sort: {
        type: 'array',
        maxItems: 6,
        items: {
          type: 'object',
          required: ['by'],
          properties: { by: ID, direction: { enum: ['asc', 'desc'] } },
          additionalProperties: false,
        },
      },
      limit: { type: 'integer', minimum: 1, maximum: QUERY_LIMIT_MAX },
    },
    additionalProperties: false,
  },
  widget: {
    type: 'object',
    required: ['id', 'type', 'title', 'layout', 'query'],
    properties: {
      id: ID,
      type: { enum: ['kpi', 'bar', 'line', 'pie', 'donut', 'funnel', 'gauge', 'table', 'pivot'] },
      title: { $ref: '#/$defs/localized' },
      description: { $ref: '#/$defs/localizedLong' },
      formula: { $ref: '#/$defs/localizedLong' },
      layout: {
        type: 'object',
        required: ['x', 'y', 'w', 'h'],
        properties: {
          x: { type: 'integer', minimum: 0, maximum: 47 },
          y: { type: 'integer', minimum: 0, maximum: 1000 },
          w: { type: 'integer', minimum: 1, maximum: 48 },
          h: { type: 'integer', minimum: 1, maximum: 50 },
        },
        additionalProperties: false,
      },
      query: { $ref: '#/$defs/query' },
      show: { type: 'array', minItems: 1, maxItems: 30, items: ID, uniqueItems: true },
      value: ID,
      target: {
        oneOf: [
          {
            type: 'object',
            required: ['value'],
            properties: { value: NUMBER_OR_TEXT },
            additionalProperties: false,
          },
          { type: 'object', required: ['measure'], properties: { measure: ID }, additionalProperties: false },
        ],
      },
      compare: { const: 'previousPeriod' },
      gauge: {
        type: 'object',
        properties: { min: NUMBER_OR_TEXT, max: NUMBER_OR_TEXT },
        additionalProperties: false,
      },
      chart: {
        type: 'object',
        properties: {
          stacked: { type: 'boolean' },
          horizontal: { type: 'boolean' },
          smooth: { type: 'boolean' },
          area: { type: 'boolean' },
        },
        additionalProperties: false,
      },
      pivot: {
        type: 'object',
        required: ['rows', 'columns', 'value'],
        properties: {
          rows: { type: 'array', minItems: 1, maxItems: 2, items: ID },
          columns: { type: 'array', minItems: 1, maxItems: 2, items: ID },
          value: ID,
        },
        additionalProperties: false,
      },
      drill: {
        oneOf: [
          { type: 'boolean' },
          {
            type: 'object',
            properties: {
              columns: {
                type: 'array',
                maxItems: 20,
                items: { type: 'string', pattern: '^/[^\\u0000]{1,500}$' },
              },
            },
            additionalProperties: false,
          },
        ],
      },
    },
    additionalProperties: false,
  },
  dashboardFilter: {
    oneOf: [
      {
        type: 'object',
        required: ['id', 'type', 'label'],
        properties: {
          id: ID,
          type: { const: 'dateRange' },
          label: { $ref: '#/$defs/localized' },
          default: {
            enum: [
              'today',
              'last7Days',
              'last30Days',
              'thisWeek',
              'thisMonth',
              'lastMonth',
              'thisQuarter',
              'thisYear',
              'last12Months',
            ],
          },
        },
        additionalProperties: false,
      },
      {
        type: 'object',
        required: ['id', 'type', 'label'],
        properties: {
          id: ID,
          type: { enum: ['team', 'collector', 'bucket', 'currency'] },
          label: { $ref: '#/$defs/localized' },
          default: { type: 'string', minLength: 1, maxLength: 100 },
          options: {
            type: 'array',
            maxItems: 100,
            uniqueItems: true,
            items: { type: 'string', minLength: 1, maxLength: 100 },
          },
        },
        additionalProperties: false,
      },
    ],
  },
} as const;

export const dashboardDefinitionJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://collectflow.dev/schemas/dashboard-definition.json',
  title: 'collectflow dashboard definition',
  type: 'object',
  required: ['key', 'title', 'widgets'],
  properties: {
    key: { type: 'string', pattern: DASHBOARD_KEY_PATTERN },
    title: { $ref: '#/$defs/localized' },
    description: { $ref: '#/$defs/localizedLong' },
    timeZone: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_+/-]{0,63}$' },
    refreshSeconds: { type: 'integer', minimum: 15, maximum: 86_400 },
    grid: {
      type: 'object',
      required: ['columns', 'rowHeight'],
      properties: {
        columns: { type: 'integer', minimum: 1, maximum: 48 },
        rowHeight: { type: 'integer', minimum: 20, maximum: 400 },
      },
      additionalProperties: false,
    },
    filters: { type: 'array', maxItems: 10, items: { $ref: '#/$defs/dashboardFilter' } },
    widgets: { type: 'array', minItems: 1, maxItems: 60, items: { $ref: '#/$defs/widget' } },
  },
  additionalProperties: false,
  $defs,
} as const;

/** The ad-hoc query body of POST /api/dashboards/query: one widget's query and the filter values to apply. */
export const adHocQueryJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://collectflow.dev/schemas/dashboard-query.json',
  type: 'object',
  required: ['query'],
  properties: {
    query: { $ref: '#/$defs/query' },
    filters: { type: 'array', maxItems: 10, items: { $ref: '#/$defs/dashboardFilter' } },
    values: {
      type: 'object',
      maxProperties: 20,
      additionalProperties: {
        oneOf: [
          { type: 'string', maxLength: 100 },
          { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 100 } },
        ],
      },
    },
    timeZone: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_+/-]{0,63}$' },
    kpi: {
      type: 'object',
      description:
        'read the query as one number, as a KPI widget does: `value` is the measure shown; with compare, also its change against the previous period',
      required: ['value'],
      properties: {
        value: ID,
        compare: { const: 'previousPeriod' },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
  $defs,
} as const;
