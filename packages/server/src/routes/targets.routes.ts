import { Router } from 'express';
import { actorOf, requirePermission } from '../auth/actor.js';
import { SUPERVISE } from '../collaboration/collab.permissions.js';
import { collabSchemas, idPath, query } from '../collaboration/collab.schemas.js';
import type { Collaboration } from '../collaboration/collaboration.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import { jsonBody, jsonRequest } from '../registry/registry.http.js';

/**
 * Monthly targets per collector and per team, per-team commission rules, "my performance" for
 * everyone, and the team review for managers. Months are YYYY-MM in the business time zone.
 */
export function targetsRoutes(openapi: OpenApiDocument, deps: { collaboration: Collaboration }): Router {
  const router = Router();
  const { performance } = deps.collaboration;
  const s = collabSchemas(openapi);
  const tags = ['performance'];
  const period = query('period', 'month as YYYY-MM (default: the current one)', {
    type: 'string',
    pattern: '^\\d{4}-\\d{2}$',
  });
  const RuleView = {
    type: 'object',
    properties: {
      teamId: { type: 'string' },
      effectiveFrom: { type: 'string', description: 'YYYY-MM' },
      rule: s.CommissionRule,
      updatedBy: { type: 'string' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  };
  const Targets = {
    type: 'object',
    properties: { period: { type: 'string' }, items: { type: 'array', items: s.Target } },
  };

  openapi.operation('get', '/api/targets', {
    operationId: 'listTargets',
    summary: "A month's targets, optionally of one team (the team's and its members')",
    tags,
    permission: SUPERVISE,
    parameters: [period, query('teamId', 'only this team')],
    responses: {
      '200': { description: 'the targets', schema: Targets },
      '422': { description: 'a bad period' },
    },
  });
  router.get('/api/targets', async (req, res) => {
    requirePermission(actorOf(req), SUPERVISE);
    const teamId =
      typeof req.query.teamId === 'string' && req.query.teamId !== '' ? req.query.teamId : undefined;
    res.json(await performance.listTargets(req.query.period, teamId));
  });

  openapi.operation('put', '/api/targets', {
    operationId: 'putTargets',
    summary: 'Set targets for a month (each replaces the one for the same scope and subject)',
    tags,
    permission: SUPERVISE,
    requestBody: jsonRequest({
      type: 'object',
      required: ['period', 'targets'],
      properties: {
        period: { type: 'string', pattern: '^\\d{4}-\\d{2}$' },
        targets: {
          type: 'array',
          minItems: 1,
          maxItems: 500,
          items: {
            type: 'object',
            required: ['scope', 'subjectId', 'amount'],
            properties: {
              scope: { enum: ['user', 'team'] },
              subjectId: { type: 'string', description: 'a user id or a team id' },
              amount: { type: 'string', examples: ['50000.00'] },
              currency: { type: 'string', description: 'ISO 4217, default the server currency' },
            },
          },
        },
      },
    }),
    responses: {
      '200': { description: 'the targets set', schema: Targets },
      '422': { description: 'bad input, or an unknown user or team' },
    },
  });
  router.put('/api/targets', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, SUPERVISE);
    res.json(await performance.putTargets(jsonBody(req), actor));
  });

  openapi.operation('delete', '/api/targets/:period/:scope/:subjectId', {
    operationId: 'deleteTarget',
    summary: 'Remove a target',
    tags,
    permission: SUPERVISE,
    parameters: [
      idPath('period', 'YYYY-MM'),
      idPath('scope', 'user or team'),
      idPath('subjectId', 'user id or team id'),
    ],
    responses: {
      '204': { description: 'removed' },
      '404': { description: 'no such target' },
      '422': { description: 'bad period or scope' },
    },
  });
  router.delete('/api/targets/:period/:scope/:subjectId', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, SUPERVISE);
    await performance.deleteTarget(req.params.period, req.params.scope, req.params.subjectId, actor);
    res.status(204).end();
  });

  openapi.operation('get', '/api/teams/:id/commission-rules', {
    operationId: 'listCommissionRules',
    summary: "A team's commission rules, newest first (each applies from its month until the next)",
    tags,
    permission: SUPERVISE,
    parameters: [idPath('id', 'team id')],
    responses: {
      '200': {
        description: 'the rules',
        schema: {
          type: 'object',
          properties: { teamId: { type: 'string' }, items: { type: 'array', items: RuleView } },
        },
      },
      '404': { description: 'no such team' },
    },
  });
  router.get('/api/teams/:id/commission-rules', async (req, res) => {
    requirePermission(actorOf(req), SUPERVISE);
    res.json(await performance.commissionRules(req.params.id));
  });

  openapi.operation('put', '/api/teams/:id/commission-rule', {
    operationId: 'putCommissionRule',
    summary: "Set a team's commission rule from a month on (default: the current month)",
    tags,
    permission: SUPERVISE,
    parameters: [idPath('id', 'team id')],
    requestBody: jsonRequest({
      type: 'object',
      required: ['rule'],
      properties: { effectiveFrom: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, rule: s.CommissionRule },
    }),
    responses: {
      '200': { description: 'saved', schema: RuleView },
      '404': { description: 'no such team' },
      '422': { description: 'an invalid rule: `errors` points at each problem' },
    },
  });
  router.put('/api/teams/:id/commission-rule', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, SUPERVISE);
    res.json(await performance.putCommissionRule(req.params.id, jsonBody(req), actor));
  });

  openapi.operation('post', '/api/commission/preview', {
    operationId: 'previewCommission',
    summary: 'Compute a commission under a rule without saving anything (exact decimals)',
    tags,
    requestBody: jsonRequest({
      type: 'object',
      required: ['rule', 'collected'],
      properties: {
        rule: s.CommissionRule,
        collected: { type: 'string' },
        target: { type: ['string', 'null'] },
      },
    }),
    responses: {
      '200': { description: 'the commission and its breakdown by tier', schema: s.CommissionResult },
      '422': { description: 'an invalid rule or amount' },
    },
  });
  router.post('/api/commission/preview', async (req, res) => {
    actorOf(req);
    res.json(performance.preview(jsonBody(req)));
  });

  openapi.operation('get', '/api/performance/me', {
    operationId: 'getMyPerformance',
    summary:
      'Your month: collected against target, promises kept, contacts made, rank in your team, commission',
    tags,
    parameters: [period],
    responses: {
      '200': {
        description: 'your figures',
        schema: {
          type: 'object',
          properties: {
            period: { type: 'string' },
            timeZone: { type: 'string' },
            teamId: { type: ['string', 'null'] },
            teamSize: { type: 'integer' },
            me: s.MemberPerformance,
          },
        },
      },
      '422': { description: 'a bad period' },
    },
  });
  router.get('/api/performance/me', async (req, res) => {
    res.json(await performance.mine(actorOf(req), req.query.period));
  });

  openapi.operation('get', '/api/performance/teams/:id', {
    operationId: 'getTeamPerformance',
    summary:
      "A team's month for its managers: totals against the team target, each member ranked, commissions",
    tags,
    permission: SUPERVISE,
    parameters: [idPath('id', 'team id'), period],
    responses: {
      '200': {
        description: 'the team review',
        schema: {
          type: 'object',
          properties: {
            period: { type: 'string' },
            timeZone: { type: 'string' },
            team: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'object' } } },
            currency: { type: 'string' },
            target: {
              type: ['object', 'null'],
              properties: { amount: { type: 'string' }, currency: { type: 'string' } },
            },
            totals: { type: 'object' },
            commissionRule: { oneOf: [{ type: 'null' }, RuleView] },
            members: { type: 'array', items: s.MemberPerformance },
          },
        },
      },
      '404': { description: 'no such team (or not yours)' },
      '422': { description: 'a bad period' },
    },
  });
  router.get('/api/performance/teams/:id', async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, SUPERVISE);
    res.json(await performance.team(req.params.id, req.query.period, actor));
  });

  return router;
}
