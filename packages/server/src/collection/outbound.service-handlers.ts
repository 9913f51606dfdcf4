import {
  type ContactChannel,
  type ContactContext,
  type ContactParty,
  type ContactRequest,
  evaluateContact,
  type LocalizedText,
  SERVICE_TOPICS,
} from '@collectflow/collection';
import { v7 as uuidv7 } from 'uuid';
import type { ServiceTaskHandler, ServiceTaskInvocation } from '../runtime/runtime.ports.js';
import type { RecordData } from './case-facts.reader.js';
import { renderMessage } from './outbound.templates.js';
import { type PackContext, profileFor } from './pack.context.js';

/** Outbox kinds the pack writes; the sink hands each to its sender. */
export const OUTBOUND_KINDS = ['sms', 'email', 'letter', 'notification'] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

/** What the flow learns about an outbound message: the `lastOutbound` variable. */
export interface OutboundOutcome {
  topic: string;
  channel: ContactChannel | 'INTERNAL';
  /** QUEUED: in the outbox, sent within a poll; DEFERRED: in the outbox until `until`; BLOCKED: not written. */
  status: 'QUEUED' | 'DEFERRED' | 'BLOCKED';
  outboxId?: string;
  until?: string;
  code?: string;
  reason?: LocalizedText;
}

interface Route {
  channel: ContactChannel;
  party: ContactParty;
  address?: string;
}

const LETTER_TOPICS = new Set(['letter.demand', 'letter.verification', 'letter.send']);

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function phones(debtor: RecordData | undefined, vars: Record<string, unknown>) {
  const listed = Array.isArray(debtor?.phones) ? (debtor.phones as Record<string, unknown>[]) : [];
  if (listed.length > 0) return listed;
  // A case started without a debtor record may carry the number in its variables.
  const phone = str(vars.phone);
  return phone ? [{ number: phone, status: 'VALID', smsConsent: vars.smsConsent === true }] : [];
}

function emails(debtor: RecordData | undefined, vars: Record<string, unknown>) {
  const listed = Array.isArray(debtor?.emails) ? (debtor.emails as Record<string, unknown>[]) : [];
  if (listed.length > 0) return listed;
  const email = str(vars.email);
  return email ? [{ address: email, optOut: false }] : [];
}

/**
 * Which channel reaches the debtor: letters by post (to the attorney when one represents the
 * debtor), SMS where a valid number has consent, otherwise e-mail to an address that did not opt
 * out. A reminder with neither is blocked, never sent somewhere it may not go.
 */
function routeOf(
  topic: string,
  debtor: RecordData | undefined,
  vars: Record<string, unknown>,
): Route | undefined {
  const represented = (debtor?.attorney as { represented?: boolean } | undefined)?.represented === true;
  if (LETTER_TOPICS.has(topic)) return { channel: 'LETTER', party: represented ? 'ATTORNEY' : 'DEBTOR' };
  const phone = phones(debtor, vars).find((p) => p.status === 'VALID' && p.smsConsent === true);
  const email = emails(debtor, vars).find((e) => e.optOut !== true);
  if (topic === 'email.send')
    return { channel: 'EMAIL', party: 'DEBTOR', ...(email ? { address: String(email.address) } : {}) };
  if (topic === 'sms.send') {
    const any = phone ?? phones(debtor, vars).find((p) => p.status === 'VALID');
    return { channel: 'SMS', party: 'DEBTOR', ...(any ? { address: String(any.number) } : {}) };
  }
  if (phone) return { channel: 'SMS', party: 'DEBTOR', address: String(phone.number) };
  if (email) return { channel: 'EMAIL', party: 'DEBTOR', address: String(email.address) };
  return undefined;
}

const KIND_OF: Record<string, OutboundKind> = { SMS: 'sms', EMAIL: 'email', LETTER: 'letter' };

/** The variable a topic's catalog entry says it sets when the message goes out (`reminderSentAt`, …). */
function sentVariable(topic: string): string | undefined {
  return SERVICE_TOPICS.find((t) => t.topic === topic)?.writes[0];
}

/**
 * An outbound topic (notify.*, letter.*, sms/email/letter.send): render the message, run every
 * compliance guard of the debtor's jurisdiction at the current time, then write it to the outbox
 * (sent by the sink within a poll), write it deferred to the next allowed time, or block it. The
 * outbox row's idempotency key is the service call's, so a retried call never sends twice.
 */
export function outboundHandler(context: PackContext, topic: string): ServiceTaskHandler {
  return async (call: ServiceTaskInvocation) => {
    const vars = call.input;
    const now = context.now();
    const caseNumber = str(vars.caseNumber) ?? call.businessKey ?? '';
    const debtorNo = str(vars.debtorNo) ?? '';
    const debtor = await context.facts.debtor(debtorNo);
    const profile = profileFor(context, vars.jurisdiction ?? debtor?.jurisdiction);
    const message = renderMessage(topic, vars, str(debtor?.name));
    const route = routeOf(topic, debtor, vars);
    const sent = sentVariable(topic);
    if (!route || (route.channel !== 'LETTER' && !route.address)) {
      return blockedOutput(topic, route?.channel ?? 'SMS', sent, 'contact_point.none', {
        'zh-CN': '没有可用的联系方式（无同意接收短信的有效号码，也无未退订的邮箱）',
        en: 'No way to reach the debtor: no valid number with SMS consent and no e-mail that did not opt out',
      });
    }
    // A verification answers the dispute itself: the open dispute must not stop it.
    const verification = topic === 'letter.verification';
    const doNotContact = ((debtor?.doNotContact as { reason: string }[] | undefined) ?? []).filter(
      (d) => !(verification && d.reason === 'OPEN_DISPUTE'),
    );
    const bankruptcyStatus = str(vars.bankruptcyStatus);
    const subject: ContactContext['debtor'] = {
      doNotContact: doNotContact as ContactContext['debtor']['doNotContact'],
      bankruptcy:
        (debtor?.bankruptcy as ContactContext['debtor']['bankruptcy']) ??
        (bankruptcyStatus ? { status: bankruptcyStatus as 'NONE' } : null),
      deceased: debtor?.deceased === true || vars.deceased === true,
      attorney: (debtor?.attorney as ContactContext['debtor']['attorney']) ?? null,
      openDispute: !verification && (vars.openDispute === true || vars.status === 'DISPUTED'),
      phones: phones(debtor, vars) as ContactContext['debtor']['phones'],
      emails: emails(debtor, vars) as ContactContext['debtor']['emails'],
      timeZone: str(vars.timeZone) ?? str(debtor?.timeZone) ?? null,
      inconvenientTimes: (debtor?.inconvenientTimes as ContactContext['debtor']['inconvenientTimes']) ?? [],
    };
    const request: ContactRequest = {
      at: now,
      caseId: caseNumber,
      debtorId: debtorNo,
      channel: route.channel,
      party: route.party,
      ...(route.address ? { address: route.address } : {}),
      message: { recipientParty: route.party, fields: message.fields, body: message.body },
    };
    const { decision } = evaluateContact(
      request,
      {
        debtor: subject,
        limitationExpiresOn: str(vars.limitationExpiresOn) ?? null,
        legalApproval: vars.legalApproval === true,
        // Only calls are capped (checkFrequency); messages need no history.
        history: [],
      },
      profile,
    );
    if (decision.outcome === 'blocked') {
      return blockedOutput(topic, route.channel, sent, decision.code, decision.reason);
    }
    const id = uuidv7();
    const kind = KIND_OF[route.channel] ?? 'notification';
    await context.store.transaction(async (tx) => {
      await tx.outbox.append([
        {
          id,
          instanceId: call.instanceId,
          kind,
          name: topic,
          elementId: call.elementId,
          idempotencyKey: `collection:${call.idempotencyKey}`,
          payload: {
            topic,
            channel: route.channel,
            party: route.party,
            to: route.address ?? null,
            caseNumber,
            debtorNo,
            locale: message.locale,
            subject: message.subject,
            body: message.body,
            jurisdiction: profile.code,
            timeZone: subject.timeZone ?? profile.defaultTimeZone,
            inconvenientTimes: subject.inconvenientTimes ?? [],
            compliance: decision,
          },
          createdAt: now,
        },
      ]);
      if (decision.outcome === 'deferred') {
        // The outbox has no "not before" of its own: its next-attempt time is exactly that.
        await tx.outbox.markFailed(id, {
          attempts: 0,
          error: `deferred until ${decision.until} (${decision.code})`,
          nextAttemptAt: new Date(decision.until),
        });
      }
    });
    const outcome: OutboundOutcome =
      decision.outcome === 'deferred'
        ? {
            topic,
            channel: route.channel,
            status: 'DEFERRED',
            outboxId: id,
            until: decision.until,
            code: decision.code,
            reason: decision.reason,
          }
        : { topic, channel: route.channel, status: 'QUEUED', outboxId: id };
    context.logger.info(
      { topic, instanceId: call.instanceId, outboxId: id, status: outcome.status, until: outcome.until },
      'outbound message written to the outbox',
    );
    return {
      // Deferred: not sent yet; `lastOutbound.until` says when it will be.
      ...(sent ? { [sent]: decision.outcome === 'deferred' ? null : now.toISOString() } : {}),
      lastOutbound: outcome,
    };
  };
}

function blockedOutput(
  topic: string,
  channel: ContactChannel,
  sent: string | undefined,
  code: string,
  reason: LocalizedText,
): Record<string, unknown> {
  const outcome: OutboundOutcome = { topic, channel, status: 'BLOCKED', code, reason };
  return { ...(sent ? { [sent]: null } : {}), lastOutbound: outcome };
}

/** notify.sla-breach: tells the team's managers; internal, so no debtor rule applies. */
export function internalNotificationHandler(context: PackContext, topic: string): ServiceTaskHandler {
  return async (call) => {
    const vars = call.input;
    const message = renderMessage(topic, { ...vars, preferredLanguage: 'zh' }, undefined);
    const english = renderMessage(topic, { ...vars, preferredLanguage: 'en' }, undefined);
    const id = uuidv7();
    await context.store.transaction((tx) =>
      tx.outbox.append([
        {
          id,
          instanceId: call.instanceId,
          kind: 'notification',
          name: topic,
          elementId: call.elementId,
          idempotencyKey: `collection:${call.idempotencyKey}`,
          payload: {
            topic,
            to: { groups: ['manager'], team: str(vars.team) ?? null },
            caseNumber: str(vars.caseNumber) ?? call.businessKey,
            subject: { 'zh-CN': message.subject, en: english.subject },
            body: { 'zh-CN': message.body, en: english.body },
          },
          createdAt: context.now(),
        },
      ]),
    );
    return { lastOutbound: { topic, channel: 'INTERNAL', status: 'QUEUED', outboxId: id } };
  };
}
