import { DomainError } from '@collectflow/schema';
import type { AuditEntry, AuditQuery, Store } from '@collectflow/store';
import { type Request, Router } from 'express';
import { actorOf, requirePermission } from '../auth/actor.js';
import { csvDocument } from '../http/csv.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';

const FILTERS = ['actor', 'action', 'subjectType', 'subjectId'] as const;

function query(req: Request, maxLimit: number): AuditQuery {
  const q = req.query as Record<string, unknown>;
  const limit = q.limit === undefined ? 100 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new DomainError('audit.bad_query', 'invalid', `limit must be an integer from 1 to ${maxLimit}`);
  }
  const out: AuditQuery = { limit };
  for (const f of FILTERS) if (typeof q[f] === 'string' && q[f]) out[f] = q[f] as string;
  if (typeof q.cursor === 'string' && q.cursor) out.cursor = q.cursor;
  for (const f of ['from', 'to'] as const) {
    if (typeof q[f] === 'string') {
      const d = new Date(q[f] as string);
      if (Number.isNaN(d.getTime()))
        throw new DomainError('audit.bad_query', 'invalid', `${f} must be an ISO date`);
      out[f] = d;
    }
  }
  return out;
}

/** The append-only audit log: a filtered, paged view and a CSV export, for admins and managers. */
export function auditRoutes(openapi: OpenApiDocument, deps: { store: Store }): Router {
  const router = Router();
  const { store } = deps;
  const parameters = [
    ...FILTERS.map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
    { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
    { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
    { name: 'cursor', in: 'query', schema: { type: 'string' } },
  ];
  const Entry = openapi.schema('AuditEntry', {
    type: 'object',
    properties: {
      id: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
      actor: { type: 'string' },
      action: { type: 'string' },
      subjectType: { type: 'string' },
      subjectId: { type: ['string', 'null'] },
      detail: { type: 'object' },
      sourceIp: { type: ['string', 'null'] },
    },
  });

  openapi.operation('get', '/api/audit', {
    operationId: 'listAudit',
    summary: 'Audit entries, newest first, filtered',
    tags: ['audit'],
    permission: 'audit.view',
    parameters,
    responses: {
      '200': {
        description: 'a page of entries',
        schema: {
          type: 'object',
          properties: { items: { type: 'array', items: Entry }, nextCursor: { type: ['string', 'null'] } },
        },
      },
    },
  });
  router.get('/api/audit', async (req, res) => {
    requirePermission(actorOf(req), 'audit.view');
    const q = query(req, 500);
    const items = await store.transaction((tx) => tx.audit.list(q), { readOnly: true });
    res.json({ items, nextCursor: items.length === q.limit ? (items.at(-1)?.id ?? null) : null });
  });

  openapi.operation('get', '/api/audit/export.csv', {
    operationId: 'exportAudit',
    summary: 'The filtered audit log as CSV (the export itself is audited)',
    tags: ['audit'],
    permission: 'audit.view',
    parameters,
    responses: { '200': { description: 'CSV', contentType: 'text/csv' } },
  });
  router.get('/api/audit/export.csv', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'audit.view');
    const q = query(req, 100_000);
    const items: AuditEntry[] = await store.transaction(async (tx) => {
      const rows = await tx.audit.list({ ...q, limit: q.limit === 100 ? 100_000 : q.limit });
      await tx.audit.append({
        actor: actor.userId,
        action: 'audit.exported',
        subjectType: 'audit_log',
        detail: { rows: rows.length, filter: req.query },
        sourceIp: req.ip ?? null,
      });
      return rows;
    });
    const header = ['id', 'at', 'actor', 'action', 'subjectType', 'subjectId', 'sourceIp', 'detail'];
    const rows = items.map((e) => [
      e.id,
      e.at.toISOString(),
      e.actor,
      e.action,
      e.subjectType,
      e.subjectId,
      e.sourceIp,
      e.detail,
    ]);
    res.type('text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="audit.csv"');
    res.send(csvDocument(header, rows));
  });

  return router;
}
