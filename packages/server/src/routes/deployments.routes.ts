import express, { Router } from 'express';
import { actorOf, requireProcessPermission, requireSomeProcessPermission } from '../auth/actor.js';
import { HttpProblem, problem } from '../http/problem.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import { DeploymentRejected } from '../runtime/deployment.service.js';
import type { ProcessRuntime } from '../runtime/process.runtime.js';
import {
  idParam,
  listOf,
  paging,
  pagingParameters,
  pathId,
  requireAnyPermission,
  stringQuery,
} from '../runtime/runtime.http.js';

const XML_TYPES = [
  'application/xml',
  'text/xml',
  'application/bpmn+xml',
  'application/octet-stream',
  'text/plain',
];

export function deploymentRoutes(openapi: OpenApiDocument, deps: { runtime: ProcessRuntime }): Router {
  const router = Router();
  const { deployments } = deps.runtime;
  const LintProblem = openapi.schema('LintProblem', {
    type: 'object',
    required: ['elementId', 'code', 'message', 'severity'],
    properties: {
      elementId: { type: ['string', 'null'] },
      code: {
        type: 'string',
        description: 'bpmn.malformed_xml, bpmn.unsupported_element, bpmn.unknown_form, …',
      },
      message: { type: 'string' },
      severity: { enum: ['error', 'warning'] },
    },
  });
  const Deployment = openapi.schema('Deployment', {
    type: 'object',
    required: ['id', 'processKey', 'version', 'deployedAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      processKey: { type: 'string' },
      version: { type: 'integer' },
      name: { type: ['string', 'null'] },
      sourceSha256: { type: 'string' },
      messageStarts: { type: 'array', items: { type: 'string' } },
      problems: { type: 'array', items: LintProblem, description: 'lint warnings' },
      deployedBy: { type: 'string' },
      deployedAt: { type: 'string', format: 'date-time' },
    },
  });

  openapi.operation('post', '/api/deployments', {
    operationId: 'deployProcess',
    summary: 'Upload a BPMN 2.0 file (Camunda Modeler / bpmn.io); lint it and deploy the next version',
    tags: ['processes'],
    parameters: [
      {
        name: 'dryRun',
        in: 'query',
        schema: { type: 'boolean' },
        description: 'lint only; store nothing',
      },
    ],
    requestBody: {
      required: true,
      description: 'the BPMN XML as sent; the XML declaration names its encoding (UTF-8, ISO-8859-1, …)',
      content: Object.fromEntries(
        XML_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
      ),
    },
    responses: {
      '201': {
        description: 'deployed as a new version',
        schema: { type: 'object', properties: { deployment: Deployment, unchanged: { const: false } } },
      },
      '200': {
        description: 'dry run passed, or the bytes equal the latest version (unchanged: true)',
        schema: {
          type: 'object',
          properties: {
            deployment: { oneOf: [Deployment, { type: 'null' }] },
            unchanged: { type: 'boolean' },
          },
        },
      },
      '413': { description: 'the file is larger than the limit (5 MB)' },
      '415': { description: 'not sent as XML' },
      '422': {
        description: 'malformed XML, DTD/entities, or lint errors; `problems` lists them with element ids',
      },
    },
  });
  router.post(
    '/api/deployments',
    express.raw({ type: XML_TYPES, limit: deployments.maxBytes }),
    async (req, res) => {
      const actor = actorOf(req);
      requireSomeProcessPermission(actor, 'deploy');
      if (!Buffer.isBuffer(req.body)) {
        throw new HttpProblem(
          problem(415, 'deployment.not_xml', 'send the BPMN file as the request body', {
            hint: `use content-type ${XML_TYPES[0]}`,
          }),
        );
      }
      const dryRun = req.query.dryRun === 'true' || req.query.dryRun === '1';
      try {
        const outcome = await deployments.deploy(req.body, actor.userId, {
          dryRun,
          authorize: (processKey) => requireProcessPermission(actor, processKey, 'deploy'),
        });
        res.status(outcome.deployment && !outcome.unchanged ? 201 : 200).json({
          deployment: outcome.deployment,
          unchanged: outcome.unchanged,
          problems: outcome.problems,
        });
      } catch (error) {
        if (error instanceof DeploymentRejected) {
          const status = error.kind === 'too_large' ? 413 : 422;
          const body = {
            ...problem(status, error.code, error.message, {
              errors: error.errors ?? [],
              ...(error.hint ? { hint: error.hint } : {}),
            }),
            problems: error.problems,
          };
          throw new HttpProblem(body);
        }
        throw error;
      }
    },
  );

  openapi.operation('get', '/api/deployments', {
    operationId: 'listDeployments',
    summary: 'Deployed process versions, newest first',
    tags: ['processes'],
    parameters: [{ name: 'processKey', in: 'query', schema: { type: 'string' } }, ...pagingParameters],
    responses: { '200': { description: 'a page of deployments', schema: listOf(Deployment) } },
  });
  router.get('/api/deployments', async (req, res) => {
    requireAnyPermission(actorOf(req), ['process.deploy', 'process.admin', 'process.start']);
    const page = paging(req);
    const processKey = stringQuery(req, 'processKey');
    const items = await deployments.list({ ...page, ...(processKey ? { processKey } : {}) });
    res.json({ items, nextCursor: items.length === page.limit ? (items.at(-1)?.id ?? null) : null });
  });

  openapi.operation('get', '/api/deployments/:id', {
    operationId: 'getDeployment',
    summary: 'A deployment with its metadata (user tasks, timers, messages, service tasks)',
    tags: ['processes'],
    parameters: [pathId('id')],
    responses: {
      '200': {
        description: 'the deployment',
        schema: { type: 'object', properties: { deployment: Deployment, metadata: { type: 'object' } } },
      },
      '404': { description: 'no such deployment' },
    },
  });
  router.get('/api/deployments/:id', async (req, res) => {
    requireAnyPermission(actorOf(req), ['process.deploy', 'process.admin', 'process.start']);
    const { deployment, definition } = await deployments.get(idParam(req, 'id', 'deployment'));
    res.json({ deployment, metadata: (definition as { metadata?: unknown }).metadata ?? null });
  });

  openapi.operation('get', '/api/deployments/:id/statistics', {
    operationId: 'getDeploymentStatistics',
    summary: 'Per element id of a version: running instances active on it and open incidents on it',
    tags: ['processes'],
    parameters: [pathId('id')],
    responses: {
      '200': {
        description: 'counts per element id (elements with neither are left out)',
        schema: {
          type: 'object',
          properties: {
            deploymentId: { type: 'string', format: 'uuid' },
            processKey: { type: 'string' },
            version: { type: 'integer' },
            elements: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                properties: { active: { type: 'integer' }, incidents: { type: 'integer' } },
              },
            },
            totals: {
              type: 'object',
              properties: { running: { type: 'integer' }, incidents: { type: 'integer' } },
            },
          },
        },
      },
      '404': { description: 'no such deployment' },
    },
  });
  router.get('/api/deployments/:id/statistics', async (req, res) => {
    requireAnyPermission(actorOf(req), ['process.deploy', 'process.admin', 'process.start']);
    res.json(await deps.runtime.admin.statistics(idParam(req, 'id', 'deployment')));
  });

  openapi.operation('get', '/api/deployments/:id/source', {
    operationId: 'getDeploymentSource',
    summary: 'The BPMN file exactly as uploaded (for drawing the diagram)',
    tags: ['processes'],
    parameters: [pathId('id')],
    responses: {
      '200': { description: 'the BPMN XML', contentType: 'application/xml', schema: { type: 'string' } },
      '404': { description: 'no such deployment' },
    },
  });
  router.get('/api/deployments/:id/source', async (req, res) => {
    requireAnyPermission(actorOf(req), ['process.deploy', 'process.admin', 'process.start', 'tasks.work']);
    const source = await deployments.source(idParam(req, 'id', 'deployment'));
    res.type('application/xml').send(source);
  });
  return router;
}
