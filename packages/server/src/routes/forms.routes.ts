import { DomainError } from '@collectflow/schema';
import { Router } from 'express';
import { actorOf, requirePermission } from '../auth/actor.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import {
  ACCEPT_LANGUAGE,
  dataOf,
  jsonBody,
  jsonRequest,
  limitParam,
  localeOf,
  pathParam,
  queryParam,
  queryString,
  type RegistrySchemas,
  requireAnyPermission,
  versionParam,
} from '../registry/registry.http.js';
import type { FormRegistryService } from '../registry/registry.service.js';

export interface FormsRoutesDeps {
  registry: FormRegistryService;
  schemas: RegistrySchemas;
}

/** Who may read form definitions: designers, and everyone who fills in or reads records. */
const READ_FORMS = ['forms.design', 'records.view', 'records.create', 'records.edit', 'tasks.work'] as const;

const KEY = pathParam('key', 'form key (slug)');
const VERSION = pathParam('version', 'a version number or "latest"');

/** Forms, drafts, publishing, versions, diffs and generated types. */
export function formsRoutes(openapi: OpenApiDocument, deps: FormsRoutesDeps): Router {
  const router = Router();
  const { registry, schemas: s } = deps;
  const tags = ['forms'];

  openapi.operation('get', '/api/forms', {
    operationId: 'listForms',
    summary: 'Forms by key, a page at a time',
    tags,
    parameters: [
      queryParam('limit', '1 to 200, default 50', { type: 'integer' }),
      queryParam('cursor', 'nextCursor of the previous page'),
    ],
    responses: { '200': { description: 'a page of forms', schema: s.page(s.FormSummary) } },
  });
  router.get('/api/forms', async (req, res) => {
    requireAnyPermission(actorOf(req), READ_FORMS);
    const limit = limitParam(req);
    const cursor = queryString(req, 'cursor');
    const items = await registry.listForms({ limit, ...(cursor !== undefined ? { cursor } : {}) });
    res.json({ items, nextCursor: items.length === limit ? (items.at(-1)?.key ?? null) : null });
  });

  openapi.operation('post', '/api/forms', {
    operationId: 'createForm',
    summary: 'Create a form; its definition becomes the first draft',
    tags,
    parameters: [ACCEPT_LANGUAGE],
    requestBody: jsonRequest(s.FormDefinitionInput),
    responses: {
      '201': {
        description: 'created; `problems` holds the warnings of the checks',
        schema: {
          type: 'object',
          properties: { form: s.FormSummary, draft: s.FormDraft, problems: s.Problems },
        },
      },
      '400': { description: 'the body is not JSON' },
      '409': { description: 'a form with this key exists' },
      '413': { description: 'the body or the schema is over the size cap' },
      '422': { description: 'the definition has problems; `errors` lists them with pointers' },
    },
  });
  router.post('/api/forms', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'forms.design');
    const created = await registry.createForm(jsonBody(req), actor, localeOf(req));
    res.status(201).location(`/api/forms/${created.form.key}`).json(created);
  });

  openapi.operation('post', '/api/form-checks', {
    operationId: 'checkFormDefinition',
    summary: 'Check a definition without saving it (meta-schema, strict mode, formats, refs, patterns, size)',
    tags,
    parameters: [ACCEPT_LANGUAGE],
    requestBody: jsonRequest(s.FormDefinitionInput),
    responses: {
      '200': {
        description: 'every problem found; `valid` is false when one is an error',
        schema: { type: 'object', properties: { valid: { type: 'boolean' }, problems: s.Problems } },
      },
    },
  });
  router.post('/api/form-checks', async (req, res) => {
    requirePermission(actorOf(req), 'forms.design');
    const problems = await registry.check(jsonBody(req), localeOf(req));
    res.json({ valid: !problems.some((p) => p.severity === 'error'), problems });
  });

  openapi.operation('get', '/api/forms/:key', {
    operationId: 'getForm',
    summary: 'A form: title, latest published version, draft revision',
    tags,
    parameters: [KEY],
    responses: {
      '200': { description: 'the form', schema: s.FormSummary },
      '404': { description: 'no such form' },
    },
  });
  router.get('/api/forms/:key', async (req, res) => {
    requireAnyPermission(actorOf(req), READ_FORMS);
    res.json(await registry.getForm(req.params.key));
  });

  openapi.operation('get', '/api/forms/:key/draft', {
    operationId: 'getFormDraft',
    summary: 'The draft being edited',
    tags,
    parameters: [KEY],
    responses: {
      '200': { description: 'the draft', schema: s.FormDraft },
      '404': { description: 'no such form' },
    },
  });
  router.get('/api/forms/:key/draft', async (req, res) => {
    requirePermission(actorOf(req), 'forms.design');
    res.json(await registry.getDraft(req.params.key));
  });

  openapi.operation('put', '/api/forms/:key/draft', {
    operationId: 'saveFormDraft',
    summary: 'Replace the draft (checked like a publish; send `revision` to guard against lost updates)',
    tags,
    parameters: [KEY, ACCEPT_LANGUAGE],
    requestBody: jsonRequest(s.FormDefinitionInput),
    responses: {
      '200': {
        description: 'saved; `problems` holds the warnings',
        schema: { type: 'object', properties: { draft: s.FormDraft, problems: s.Problems } },
      },
      '404': { description: 'no such form' },
      '409': { description: 'the draft changed since `revision`' },
      '413': { description: 'over the size cap' },
      '422': { description: 'the definition has problems' },
    },
  });
  router.put('/api/forms/:key/draft', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'forms.design');
    res.json(await registry.saveDraft(req.params.key, jsonBody(req), actor, localeOf(req)));
  });

  openapi.operation('post', '/api/forms/:key/draft/validate', {
    operationId: 'validateAgainstFormDraft',
    summary: 'Validate data against the draft without storing it (designer preview)',
    tags,
    parameters: [KEY, ACCEPT_LANGUAGE],
    requestBody: jsonRequest({ type: 'object', required: ['data'], properties: { data: {} } }),
    responses: {
      '200': { description: 'the outcome, valid or not', schema: s.DataValidation },
      '404': { description: 'no such form' },
    },
  });
  router.post('/api/forms/:key/draft/validate', async (req, res) => {
    requirePermission(actorOf(req), 'forms.design');
    res.json(await registry.validateDraft(req.params.key, dataOf(jsonBody(req)), localeOf(req)));
  });

  openapi.operation('post', '/api/forms/:key/publish', {
    operationId: 'publishForm',
    summary: 'Publish the draft as the next immutable version, with its compatibility report',
    tags,
    parameters: [KEY, ACCEPT_LANGUAGE],
    requestBody: jsonRequest({
      type: 'object',
      properties: {
        acceptBreaking: {
          type: 'boolean',
          description: 'publish although the report lists breaking changes',
        },
        draftRevision: { type: 'integer', description: 'the draft revision you reviewed' },
      },
    }),
    responses: {
      '201': {
        description: 'published',
        schema: {
          type: 'object',
          properties: {
            version: s.FormVersion,
            compatibility: { oneOf: [s.CompatibilityReport, { type: 'null' }] },
            problems: s.Problems,
          },
        },
      },
      '404': { description: 'no such form' },
      '409': {
        description:
          'breaking changes without acceptBreaking (`errors` lists them), nothing changed, or the draft moved',
      },
      '422': { description: 'the draft has problems' },
    },
  });
  router.post('/api/forms/:key/publish', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'forms.design');
    const body: unknown = req.body ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new DomainError('request.invalid_body', 'invalid', 'the request body must be an object');
    }
    const { acceptBreaking, draftRevision } = body as { acceptBreaking?: unknown; draftRevision?: unknown };
    if (acceptBreaking !== undefined && typeof acceptBreaking !== 'boolean') {
      throw new DomainError('request.invalid_body', 'invalid', '"acceptBreaking" must be true or false');
    }
    if (draftRevision !== undefined && !(Number.isInteger(draftRevision) && (draftRevision as number) > 0)) {
      throw new DomainError('request.invalid_body', 'invalid', '"draftRevision" must be a positive integer');
    }
    const result = await registry.publish(
      req.params.key,
      {
        ...(acceptBreaking !== undefined ? { acceptBreaking } : {}),
        ...(draftRevision !== undefined ? { draftRevision: draftRevision as number } : {}),
      },
      actor,
      localeOf(req),
    );
    res.status(201).location(`/api/forms/${req.params.key}/versions/${result.version.version}`).json(result);
  });

  openapi.operation('get', '/api/forms/:key/versions', {
    operationId: 'listFormVersions',
    summary: 'Published versions, newest first (without their schemas)',
    tags,
    parameters: [
      KEY,
      queryParam('limit', '1 to 200, default 50', { type: 'integer' }),
      queryParam('cursor', 'nextCursor of the previous page'),
    ],
    responses: {
      '200': { description: 'a page of versions', schema: s.page(s.FormVersionSummary) },
      '404': { description: 'no such form' },
    },
  });
  router.get('/api/forms/:key/versions', async (req, res) => {
    requireAnyPermission(actorOf(req), READ_FORMS);
    const limit = limitParam(req);
    const cursor = queryString(req, 'cursor');
    const before = cursor === undefined ? undefined : versionParam(cursor);
    if (before === 'latest')
      throw new DomainError('request.bad_query', 'invalid', 'cursor must be a version number');
    const items = await registry.listVersions(req.params.key, {
      limit,
      ...(before !== undefined ? { before } : {}),
    });
    const last = items.at(-1);
    res.json({
      items,
      nextCursor: items.length === limit && last && last.version > 1 ? String(last.version) : null,
    });
  });

  openapi.operation('get', '/api/forms/:key/versions/:version', {
    operationId: 'getFormVersion',
    summary: 'One published version: schema, UI schema, metadata (immutable, cacheable)',
    tags,
    parameters: [KEY, VERSION],
    responses: {
      '200': { description: 'the version', schema: s.FormVersion },
      '404': { description: 'no such form or version' },
    },
  });
  router.get('/api/forms/:key/versions/:version', async (req, res) => {
    requireAnyPermission(actorOf(req), READ_FORMS);
    const selector = versionParam(req.params.version);
    const version = await registry.getVersion(req.params.key, selector);
    // A numbered version never changes; "latest" moves with every publish.
    if (selector !== 'latest') res.setHeader('cache-control', 'private, max-age=31536000, immutable');
    res.json(version);
  });

  openapi.operation('get', '/api/forms/:key/versions/:version/types.ts', {
    operationId: 'getFormVersionTypes',
    summary: 'TypeScript declarations of the version’s data (json-schema-to-typescript)',
    tags,
    parameters: [KEY, VERSION],
    responses: {
      '200': { description: 'a .ts module', contentType: 'text/plain', schema: { type: 'string' } },
      '404': { description: 'no such form or version' },
    },
  });
  router.get('/api/forms/:key/versions/:version/types.ts', async (req, res) => {
    requireAnyPermission(actorOf(req), READ_FORMS);
    const { version, source } = await registry.typesFor(req.params.key, versionParam(req.params.version));
    res
      .type('text/plain; charset=utf-8')
      .setHeader('content-disposition', `inline; filename="${req.params.key}.v${version}.types.ts"`);
    res.send(source);
  });

  openapi.operation('post', '/api/forms/:key/versions/:version/validate', {
    operationId: 'validateFormData',
    summary: 'Validate data and evaluate computed fields without storing anything (live form checks)',
    tags,
    parameters: [KEY, VERSION, ACCEPT_LANGUAGE],
    requestBody: jsonRequest({ type: 'object', required: ['data'], properties: { data: {} } }),
    responses: {
      '200': { description: 'the outcome, valid or not', schema: s.DataValidation },
      '404': { description: 'no such form or version' },
    },
  });
  router.post('/api/forms/:key/versions/:version/validate', async (req, res) => {
    requireAnyPermission(actorOf(req), READ_FORMS);
    const data = dataOf(jsonBody(req));
    res.json(await registry.validate(req.params.key, versionParam(req.params.version), data, localeOf(req)));
  });

  openapi.operation('get', '/api/forms/:key/diff', {
    operationId: 'compareFormVersions',
    summary: 'Compatibility report between two versions (breaking and additive changes)',
    tags,
    parameters: [
      KEY,
      ACCEPT_LANGUAGE,
      queryParam('from', 'a version number, "latest" (default) or "draft"'),
      queryParam('to', 'a version number, "latest" or "draft" (default)'),
    ],
    responses: {
      '200': { description: 'the report', schema: s.CompatibilityReport },
      '404': { description: 'no such form, version or draft' },
    },
  });
  router.get('/api/forms/:key/diff', async (req, res) => {
    requireAnyPermission(actorOf(req), READ_FORMS);
    const side = (name: string, fallback: string) => {
      const value = queryString(req, name) ?? fallback;
      return value === 'draft' ? 'draft' : versionParam(value);
    };
    res.json(await registry.diff(req.params.key, side('from', 'latest'), side('to', 'draft'), localeOf(req)));
  });

  return router;
}
