import type { Store } from '@collectflow/store';
import { Router } from 'express';
import { HttpProblem, problem } from '../http/problem.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';

export interface HealthDeps {
  store: Store;
  startedAt: number;
  version: string;
}

export function healthRoutes(openapi: OpenApiDocument, deps: HealthDeps): Router {
  const router = Router();
  const Health = openapi.schema('Health', {
    type: 'object',
    required: ['status', 'backend', 'migrationVersion', 'uptimeSeconds', 'version'],
    properties: {
      status: { const: 'ok' },
      backend: { enum: ['pglite', 'postgres'] },
      migrationVersion: { type: ['string', 'null'], description: 'newest applied migration' },
      pendingMigrations: { type: 'integer' },
      uptimeSeconds: { type: 'number' },
      version: { type: 'string' },
    },
  });
  openapi.operation('get', '/api/health', {
    operationId: 'getHealth',
    summary: 'Liveness and database status',
    tags: ['system'],
    security: false,
    responses: {
      '200': { description: 'the server and its database answer', schema: Health },
      '503': { description: 'the database does not answer' },
    },
  });

  router.get('/api/health', async (_req, res) => {
    // migrationStatus also proves the database answers.
    const migrations = await deps.store.migrationStatus().catch((cause: unknown) => {
      throw new HttpProblem(
        problem(
          503,
          'health.database_unavailable',
          `the database does not answer: ${(cause as Error).message}`,
        ),
      );
    });
    res.json({
      status: 'ok',
      backend: deps.store.backend,
      migrationVersion: migrations.version,
      pendingMigrations: migrations.pending.length,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 100) / 10,
      version: deps.version,
    });
  });
  return router;
}
