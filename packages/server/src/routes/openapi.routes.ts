import { Router } from 'express';
import type { OpenApiDocument } from '../openapi/openapi.document.js';

export function openapiRoutes(openapi: OpenApiDocument): Router {
  const router = Router();
  openapi.operation('get', '/api/openapi.json', {
    operationId: 'getOpenApi',
    summary: 'This OpenAPI 3.1 document',
    tags: ['system'],
    security: false,
    responses: { '200': { description: 'the OpenAPI document' } },
  });
  router.get('/api/openapi.json', (_req, res) => {
    res.json(openapi.toJSON());
  });
  return router;
}
