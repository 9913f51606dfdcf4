/**
 * The OpenAPI 3.1 document served at /api/openapi.json. Each routes file adds its operations
 * next to its handlers, so the document cannot drift from the routes that exist.
 */
export type JsonSchema = Record<string, unknown>;

export interface OperationDoc {
  operationId: string;
  summary: string;
  tags: string[];
  /** false for the few routes that need no login (health, openapi, login). */
  security?: boolean;
  /**
   * The permission the route requires (any one of a list). Rendered as `x-permission`; the
   * authorisation-matrix test holds every route to it.
   */
  permission?: string | readonly string[];
  parameters?: Record<string, unknown>[];
  requestBody?: Record<string, unknown>;
  responses: Record<string, { description: string; schema?: JsonSchema; contentType?: string }>;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export class OpenApiDocument {
  private readonly paths = new Map<string, Partial<Record<Method, OperationDoc>>>();
  private readonly schemas: Record<string, JsonSchema> = {};

  constructor(private readonly info: { title: string; version: string }) {
    this.schema('Problem', {
      type: 'object',
      required: ['type', 'title', 'status', 'detail', 'code'],
      properties: {
        type: { type: 'string', format: 'uri' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { type: 'string', description: 'stable machine-readable error code' },
        hint: { type: 'string' },
        errors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['pointer', 'message'],
            properties: {
              pointer: { type: 'string' },
              keyword: { type: 'string' },
              code: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
      },
    });
  }

  schema(name: string, schema: JsonSchema): { $ref: string } {
    this.schemas[name] = schema;
    return { $ref: `#/components/schemas/${name}` };
  }

  /** `path` uses Express syntax (`/api/tasks/:id`); it is stored in OpenAPI syntax. */
  operation(method: Method, path: string, doc: OperationDoc): void {
    const openapiPath = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const entry = this.paths.get(openapiPath) ?? {};
    if (entry[method]) throw new Error(`duplicate OpenAPI operation ${method.toUpperCase()} ${openapiPath}`);
    entry[method] = doc;
    this.paths.set(openapiPath, entry);
  }

  /** Every documented route, for tests that call them all. */
  routes(): { method: Method; path: string; doc: OperationDoc }[] {
    const out: { method: Method; path: string; doc: OperationDoc }[] = [];
    for (const [path, ops] of this.paths) {
      for (const [method, doc] of Object.entries(ops) as [Method, OperationDoc][])
        out.push({ method, path, doc });
    }
    return out;
  }

  toJSON(): Record<string, unknown> {
    const paths: Record<string, unknown> = {};
    for (const [path, ops] of [...this.paths].sort(([a], [b]) => a.localeCompare(b))) {
      const rendered: Record<string, unknown> = {};
      for (const [method, doc] of Object.entries(ops) as [Method, OperationDoc][]) {
        const responses: Record<string, unknown> = {};
        for (const [status, r] of Object.entries(doc.responses)) {
          const contentType =
            r.contentType ?? (Number(status) >= 400 ? 'application/problem+json' : 'application/json');
          const schema =
            r.schema ?? (Number(status) >= 400 ? { $ref: '#/components/schemas/Problem' } : undefined);
          responses[status] = {
            description: r.description,
            ...(schema ? { content: { [contentType]: { schema } } } : {}),
          };
        }
        rendered[method] = {
          operationId: doc.operationId,
          summary: doc.summary,
          tags: doc.tags,
          ...(doc.security === false ? { security: [] } : {}),
          ...(doc.permission ? { 'x-permission': [doc.permission].flat() } : {}),
          ...(doc.parameters ? { parameters: doc.parameters } : {}),
          ...(doc.requestBody ? { requestBody: doc.requestBody } : {}),
          responses,
        };
      }
      paths[path] = rendered;
    }
    return {
      openapi: '3.1.0',
      info: {
        ...this.info,
        description: 'collectflow: low-code forms and workflows for debt-collection teams',
      },
      servers: [{ url: '/' }],
      paths,
      components: {
        schemas: this.schemas,
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'cf_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    };
  }
}
