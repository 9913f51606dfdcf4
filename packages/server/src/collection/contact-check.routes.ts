import { CONTACT_CHANNELS, type ContactChannel, type ContactParty } from '@collectflow/collection';
import { DomainError } from '@collectflow/schema';
import { Router } from 'express';
import { actorOf, requirePermission } from '../auth/actor.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';
import { evaluateCaseContact } from './contact.guard.js';
import type { PackContext } from './pack.context.js';

const PATH = '/api/collection/contact-checks';
const PARTIES: readonly ContactParty[] = ['DEBTOR', 'THIRD_PARTY', 'ATTORNEY'];

function invalid(pointer: string, message: string): DomainError {
  return new DomainError('collection.bad_contact_check', 'invalid', message, {
    errors: [{ pointer, message }],
  });
}

/**
 * May this contact happen now? The inbox asks here before a liaison dials (the runtime also
 * guards claiming and completing contact tasks: contact.guard.ts), and gets every guard of the
 * debtor's jurisdiction at once — do-not-contact, the number's status, the limitation date, the call caps counted from the
 * contact-attempt records, and the contact hours in the debtor's zone — as allowed, deferred
 * until a time, or blocked, with the reason in zh-CN and en.
 */
export function contactCheckRoutes(context: PackContext): Router {
  const router = Router();
  router.post(PATH, async (req, res) => {
    const actor = actorOf(req);
    requirePermission(actor, 'tasks.work');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const caseNumber = body.caseNumber;
    if (typeof caseNumber !== 'string' || caseNumber === '')
      throw invalid('/caseNumber', 'caseNumber is required');
    const channel = (body.channel ?? 'CALL') as ContactChannel;
    if (!CONTACT_CHANNELS.includes(channel)) {
      throw invalid('/channel', `channel must be one of ${CONTACT_CHANNELS.join(', ')}`);
    }
    const party = (body.party ?? 'DEBTOR') as ContactParty;
    if (!PARTIES.includes(party)) throw invalid('/party', `party must be one of ${PARTIES.join(', ')}`);
    const at = body.at === undefined ? context.now() : new Date(String(body.at));
    if (Number.isNaN(at.getTime())) throw invalid('/at', 'at must be a date-time');
    const address = typeof body.address === 'string' && body.address !== '' ? body.address : undefined;

    const evaluation = await evaluateCaseContact(context, {
      caseNumber,
      channel,
      party,
      at,
      ...(address ? { address } : {}),
    });
    if (!evaluation) {
      throw new DomainError('collection.case_not_found', 'not_found', `there is no debt case ${caseNumber}`);
    }
    res.json({ caseNumber, channel, party, at: at.toISOString(), ...evaluation });
  });
  return router;
}

/** Documents the route; called once the app's OpenAPI document exists. */
export function documentContactChecks(openapi: OpenApiDocument): void {
  const decision = {
    type: 'object',
    required: ['outcome'],
    properties: {
      outcome: { enum: ['allowed', 'deferred', 'blocked'] },
      until: { type: 'string', format: 'date-time', description: 'deferred: the earliest allowed time' },
      code: { type: 'string', description: 'e.g. frequency.connected_calls_per_day' },
      reason: {
        type: 'object',
        properties: { 'zh-CN': { type: 'string' }, en: { type: 'string' } },
      },
    },
  };
  openapi.operation('post', PATH, {
    operationId: 'checkContact',
    summary: 'May this contact with the debtor of a case happen now (or at `at`)? Every compliance guard',
    tags: ['collection'],
    permission: 'tasks.work',
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['caseNumber'],
            properties: {
              caseNumber: { type: 'string' },
              channel: { enum: [...CONTACT_CHANNELS], default: 'CALL' },
              party: { enum: [...PARTIES], default: 'DEBTOR' },
              address: { type: 'string', description: 'the number or e-mail address to use' },
              at: { type: 'string', format: 'date-time', description: 'default: now' },
            },
          },
        },
      },
    },
    responses: {
      '200': {
        description: 'the folded decision and each rule’s own',
        schema: {
          type: 'object',
          properties: {
            decision,
            checks: {
              type: 'array',
              items: { type: 'object', properties: { rule: { type: 'string' }, decision } },
            },
          },
        },
      },
      '404': { description: 'no such case' },
      '422': { description: 'invalid body' },
    },
  });
}
