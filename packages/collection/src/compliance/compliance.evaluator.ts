import {
  ALLOWED,
  type BlockedDecision,
  type ComplianceDecision,
  type DeferredDecision,
} from './compliance.decision.js';
import { checkContactHours, type InconvenientTime } from './contact-hours.guard.js';
import type { ContactChannel } from './contact-outcome.codes.js';
import {
  type ContactParty,
  type ContactPoints,
  type ContactSubject,
  checkContactPoint,
  checkDoNotContact,
} from './do-not-contact.guard.js';
import { checkFrequency, type PastAttempt } from './frequency-cap.guard.js';
import type { JurisdictionProfile } from './jurisdiction-profile.types.js';
import { checkLimitation } from './limitation.guard.js';
import { checkThirdPartyMessage, type OutboundMessage } from './third-party-message.guard.js';

export type ComplianceRule =
  | 'do_not_contact'
  | 'contact_point'
  | 'limitation'
  | 'third_party'
  | 'frequency'
  | 'contact_hours';

/** One outbound contact the runtime is about to make (a call task offered, an SMS service task). */
export interface ContactRequest {
  at: Date | string;
  caseId: string;
  debtorId: string;
  channel: ContactChannel;
  party: ContactParty;
  /** The phone number or e-mail address used. */
  address?: string;
  /** The rendered message, for SMS, e-mail and letters. */
  message?: OutboundMessage;
}

export interface ContactContext {
  debtor: ContactSubject &
    ContactPoints & {
      timeZone?: string | null;
      candidateTimeZones?: string[];
      inconvenientTimes?: InconvenientTime[];
    };
  limitationExpiresOn?: string | null;
  legalApproval?: boolean;
  history: readonly PastAttempt[];
}

export interface ComplianceEvaluation {
  decision: ComplianceDecision;
  /** Each rule's own answer at the requested time, for the audit trail and the UI. */
  checks: { rule: ComplianceRule; decision: ComplianceDecision }[];
}

// A deferral by one rule can land in another's quiet time (a cap lifts at midnight, when calling
// is not allowed); a few rounds always settle because each round only moves forward.
const MAX_ROUNDS = 8;

/** Runs every guard of the profile over one intended contact and folds their answers. */
export function evaluateContact(
  request: ContactRequest,
  context: ContactContext,
  profile: JurisdictionProfile,
): ComplianceEvaluation {
  const checks: ComplianceEvaluation['checks'] = [];
  const debtor = context.debtor;
  checks.push({ rule: 'do_not_contact', decision: checkDoNotContact(debtor, request.party, profile) });
  if (request.address !== undefined && request.party === 'DEBTOR') {
    checks.push({
      rule: 'contact_point',
      decision: checkContactPoint(debtor, request.channel, request.address),
    });
  }
  checks.push({
    rule: 'limitation',
    decision: checkLimitation(
      {
        action: request.message ? 'message' : 'contact',
        at: request.at,
        limitationExpiresOn: context.limitationExpiresOn ?? null,
        legalApproval: context.legalApproval ?? false,
        timeZone: debtor.timeZone ?? null,
      },
      profile,
    ),
  });
  if (request.message)
    checks.push({ rule: 'third_party', decision: checkThirdPartyMessage(request.message, profile) });

  const timed = (at: Date) => {
    const frequency = checkFrequency(
      {
        at,
        caseId: request.caseId,
        debtorId: request.debtorId,
        channel: request.channel,
        timeZone: debtor.timeZone,
      },
      context.history,
      profile,
    );
    // Letters are posted, not delivered at a time of day; every other channel reaches the debtor now.
    const hours =
      request.channel === 'LETTER'
        ? ALLOWED
        : checkContactHours(
            {
              at,
              timeZone: debtor.timeZone ?? null,
              candidateTimeZones: debtor.candidateTimeZones ?? [],
              inconvenientTimes: debtor.inconvenientTimes ?? [],
            },
            profile,
          );
    return { frequency, hours };
  };
  const first = timed(new Date(request.at));
  checks.push(
    { rule: 'frequency', decision: first.frequency },
    { rule: 'contact_hours', decision: first.hours },
  );

  const block = checks.find((c) => c.decision.outcome === 'blocked')?.decision as BlockedDecision | undefined;
  if (block) return { decision: block, checks };
  const firstDeferral = [first.frequency, first.hours].find(
    (d): d is DeferredDecision => d.outcome === 'deferred',
  );
  if (!firstDeferral) return { decision: ALLOWED, checks };

  let at = new Date(request.at);
  let round = first;
  for (let i = 0; i < MAX_ROUNDS; i++) {
    const pending = [round.frequency, round.hours];
    const hardBlock = pending.find((d): d is BlockedDecision => d.outcome === 'blocked');
    if (hardBlock) return { decision: hardBlock, checks };
    const latest = pending
      .filter((d): d is DeferredDecision => d.outcome === 'deferred')
      .reduce<string | undefined>(
        (max, d) => (max === undefined || d.until > max ? d.until : max),
        undefined,
      );
    if (latest === undefined) break;
    at = new Date(latest);
    round = timed(at);
  }
  return { decision: { ...firstDeferral, until: at.toISOString() }, checks };
}
