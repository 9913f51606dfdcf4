/**
 * The JSON Schema of a FormDefinition itself, so the server can validate request bodies with the
 * same factory. `schema` is only required to be an object here; its content is checked by
 * checkDefinition, which reports far more precise problems than a meta-schema would.
 */
export const FORM_KEY_PATTERN = '^[a-z][a-z0-9-]{1,62}$';

const dataPointer = { type: 'string', pattern: '^(/.*)?$', maxLength: 1024 } as const;

export const formDefinitionJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'collectflow:form-definition',
  title: 'FormDefinition',
  type: 'object',
  additionalProperties: false,
  required: ['key', 'title', 'schema', 'uiSchema', 'metadata'],
  properties: {
    key: { type: 'string', pattern: FORM_KEY_PATTERN },
    title: {
      type: 'object',
      additionalProperties: false,
      required: ['zh-CN', 'en'],
      properties: {
        'zh-CN': { type: 'string', minLength: 1, maxLength: 200 },
        en: { type: 'string', minLength: 1, maxLength: 200 },
      },
    },
    schema: { type: 'object' },
    uiSchema: { type: 'object' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['sensitive', 'indexed', 'computed'],
      properties: {
        sensitive: { type: 'array', items: dataPointer, uniqueItems: true },
        indexed: { type: 'array', items: dataPointer, uniqueItems: true },
        computed: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['pointer', 'expression', 'type'],
            properties: {
              pointer: dataPointer,
              expression: { type: 'string', minLength: 1, maxLength: 2000 },
              type: { enum: ['number', 'money', 'string', 'boolean'] },
              scale: { type: 'integer', minimum: 0, maximum: 10 },
            },
          },
        },
      },
    },
  },
} as const;
