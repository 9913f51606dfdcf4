import { DomainError, type Locale, localeFromAcceptLanguage } from '@collectflow/schema';
import type { Request } from 'express';
import { type Actor, can, type Permission } from '../auth/actor.js';
import { HttpProblem, problem } from '../http/problem.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import type { VersionSelector } from './registry.service.js';

/** Request helpers and OpenAPI pieces shared by the forms and records routes. */

export function localeOf(req: Request): Locale {
  return localeFromAcceptLanguage(req.headers['accept-language']);
}

/** Throws a 403 problem unless the actor holds one of `permissions`. */
export function requireAnyPermission(actor: Actor, permissions: readonly Permission[]): void {
  if (permissions.some((p) => can(actor, p))) return;
  throw new DomainError(
    'auth.forbidden',
    'forbidden',
    `you lack one of the permissions ${permissions.join(', ')}`,
    {
      hint: 'ask an administrator for a role that grants it',
    },
  );
}

/** The parsed JSON body; a 415 when the client sent something that is not JSON at all. */
export function jsonBody(req: Request): unknown {
  if (req.body === undefined) {
    throw new HttpProblem(
      problem(415, 'request.unsupported_media_type', 'the request body must be JSON', {
        hint: 'send Content-Type: application/json',
      }),
    );
  }
  return req.body;
}

/** `data` of a `{ data }` body; any JSON value may be data, but it must be there. */
export function dataOf(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Object.hasOwn(body, 'data')) {
    throw new DomainError(
      'request.invalid_body',
      'invalid',
      'the request body must be an object with "data"',
      {
        errors: [{ pointer: '/data', message: 'required' }],
      },
    );
  }
  return (body as { data: unknown }).data;
}

export function versionParam(value: string | undefined): VersionSelector {
  if (value === 'latest') return 'latest';
  if (value !== undefined && /^[1-9]\d{0,8}$/.test(value)) return Number(value);
  throw new DomainError('request.bad_version', 'invalid', `"${value}" is not a form version`, {
    hint: 'use a version number (1, 2, ...) or "latest"',
  });
}

/** One string query parameter; a repeated one is refused rather than silently picking one. */
export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new DomainError('request.bad_query', 'invalid', `query parameter "${name}" may appear only once`);
}

export function limitParam(req: Request, fallback = 50, max = 200): number {
  const raw = queryString(req, 'limit');
  const limit = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new DomainError('request.bad_query', 'invalid', `limit must be an integer from 1 to ${max}`);
  }
  return limit;
}

/** Component schemas of the registry API, registered once per document. */
export function registrySchemas(openapi: OpenApiDocument) {
  const LocalizedText = openapi.schema('LocalizedText', {
    type: 'object',
    required: ['zh-CN', 'en'],
    properties: { 'zh-CN': { type: 'string' }, en: { type: 'string' } },
  });
  const FormMetadata = openapi.schema('FormMetadata', {
    type: 'object',
    properties: {
      sensitive: { type: 'array', items: { type: 'string' }, description: 'data pointers of personal data' },
      indexed: { type: 'array', items: { type: 'string' } },
      computed: {
        type: 'array',
        items: {
          type: 'object',
          required: ['pointer', 'expression', 'type'],
          properties: {
            pointer: { type: 'string' },
            expression: { type: 'string', examples: ['principal + interest + fees - paid'] },
            type: { enum: ['number', 'money', 'string', 'boolean'] },
            scale: { type: 'integer' },
          },
        },
      },
    },
  });
  const FormDefinitionInput = openapi.schema('FormDefinitionInput', {
    type: 'object',
    required: ['title', 'schema'],
    properties: {
      key: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$', description: 'required on create' },
      title: LocalizedText,
      schema: { type: 'object', description: 'JSON Schema, draft 2020-12 (default) or draft-07' },
      uiSchema: { type: 'object', description: '@rjsf UI schema' },
      metadata: FormMetadata,
      revision: { type: 'integer', description: 'on draft save: the draft revision you edited' },
    },
  });
  const DefinitionProblem = openapi.schema('DefinitionProblem', {
    type: 'object',
    required: ['pointer', 'code', 'message', 'severity'],
    properties: {
      pointer: { type: 'string', description: 'JSON pointer into the definition' },
      code: { type: 'string' },
      message: { type: 'string' },
      severity: { enum: ['error', 'warning'] },
    },
  });
  const Problems = { type: 'array', items: DefinitionProblem };
  const FormSummary = openapi.schema('FormSummary', {
    type: 'object',
    required: ['key', 'title', 'latestVersion', 'draftRevision'],
    properties: {
      key: { type: 'string' },
      title: LocalizedText,
      latestVersion: { type: ['integer', 'null'] },
      draftRevision: { type: 'integer' },
      createdAt: { type: 'string', format: 'date-time' },
      createdBy: { type: 'string' },
      updatedAt: { type: 'string', format: 'date-time' },
      updatedBy: { type: 'string' },
    },
  });
  const FormDraft = openapi.schema('FormDraft', {
    type: 'object',
    required: ['key', 'revision', 'title', 'schema', 'uiSchema', 'metadata'],
    properties: {
      key: { type: 'string' },
      revision: { type: 'integer' },
      title: LocalizedText,
      schema: { type: 'object' },
      uiSchema: { type: 'object' },
      metadata: FormMetadata,
      updatedAt: { type: 'string', format: 'date-time' },
      updatedBy: { type: 'string' },
    },
  });
  const Change = {
    type: 'object',
    required: ['pointer', 'code', 'message'],
    properties: { pointer: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
  };
  const CompatibilityReport = openapi.schema('CompatibilityReport', {
    type: 'object',
    required: ['compatible', 'breaking', 'additive'],
    properties: {
      compatible: { type: 'boolean' },
      breaking: { type: 'array', items: Change },
      additive: { type: 'array', items: Change },
      from: { type: ['integer', 'string'] },
      to: { type: ['integer', 'string'] },
    },
  });
  const versionSummaryProperties = {
    key: { type: 'string' },
    version: { type: 'integer' },
    title: LocalizedText,
    compatibility: { oneOf: [CompatibilityReport, { type: 'null' }] },
    acceptedBreaking: { type: 'boolean' },
    publishedAt: { type: 'string', format: 'date-time' },
    publishedBy: { type: 'string' },
  };
  const FormVersionSummary = openapi.schema('FormVersionSummary', {
    type: 'object',
    required: ['key', 'version', 'title', 'publishedAt'],
    properties: versionSummaryProperties,
  });
  const FormVersion = openapi.schema('FormVersion', {
    type: 'object',
    required: ['key', 'version', 'title', 'schema', 'uiSchema', 'metadata'],
    properties: {
      ...versionSummaryProperties,
      schema: { type: 'object' },
      uiSchema: { type: 'object' },
      metadata: FormMetadata,
    },
  });
  const ValidationError = {
    type: 'object',
    required: ['pointer', 'keyword', 'message'],
    properties: { pointer: { type: 'string' }, keyword: { type: 'string' }, message: { type: 'string' } },
  };
  const DataValidation = openapi.schema('DataValidation', {
    type: 'object',
    required: ['valid', 'errors', 'formVersion', 'data', 'computed'],
    properties: {
      valid: { type: 'boolean' },
      errors: { type: 'array', items: ValidationError },
      formVersion: { type: 'integer', description: 'the version (or draft revision) validated against' },
      data: { description: 'the data with computed fields written by the server' },
      computed: { type: 'object', description: 'pointer → computed value' },
    },
  });
  const RecordDoc = openapi.schema('Record', {
    type: 'object',
    required: ['id', 'formKey', 'formVersion', 'version', 'data', 'computed', 'masked'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      formKey: { type: 'string' },
      formVersion: { type: 'integer', description: 'the form version the data was validated against' },
      version: { type: 'integer', description: 'optimistic concurrency: send it back on update' },
      data: {},
      computed: { type: 'object' },
      ownerTeamId: { type: ['string', 'null'] },
      assigneeId: { type: ['string', 'null'] },
      createdAt: { type: 'string', format: 'date-time' },
      createdBy: { type: 'string' },
      updatedAt: { type: 'string', format: 'date-time' },
      updatedBy: { type: 'string' },
      masked: { type: 'array', items: { type: 'string' }, description: 'pointers masked for this caller' },
    },
  });
  const page = (items: unknown) => ({
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items }, nextCursor: { type: ['string', 'null'] } },
  });
  return {
    FormDefinitionInput,
    Problems,
    FormSummary,
    FormDraft,
    CompatibilityReport,
    FormVersionSummary,
    FormVersion,
    DataValidation,
    Record: RecordDoc,
    page,
  };
}

export type RegistrySchemas = ReturnType<typeof registrySchemas>;

export const jsonRequest = (schema: unknown, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { 'application/json': { schema } },
});

export const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

export const queryParam = (name: string, description: string, schema: unknown = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

export const ACCEPT_LANGUAGE = {
  name: 'accept-language',
  in: 'header',
  required: false,
  description: 'zh-CN or en: the language of validation messages',
  schema: { type: 'string' },
};
