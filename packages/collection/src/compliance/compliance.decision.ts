import type { LocalizedText } from '../i18n/localized-text.utils.js';

/**
 * What a guard says about one intended action. Decisions are data: the runtime defers a service
 * task to `until`, the web shows `reason` in the user's language, and audits keep `code`.
 */
export type ComplianceDecision = AllowedDecision | DeferredDecision | BlockedDecision;

export interface AllowedDecision {
  outcome: 'allowed';
}

export interface DeferredDecision {
  outcome: 'deferred';
  /** ISO UTC instant of the earliest time the action may happen. */
  until: string;
  code: ComplianceCode;
  reason: LocalizedText;
}

export interface BlockedDecision {
  outcome: 'blocked';
  code: ComplianceCode;
  reason: LocalizedText;
}

export type ComplianceCode =
  | 'contact_hours.outside_window'
  | 'contact_hours.inconvenient_time'
  | 'contact_hours.reason_required'
  | 'frequency.calls_per_debt_window'
  | 'frequency.after_conversation'
  | 'frequency.connected_calls_per_day'
  | 'frequency.unanswered_dials_per_day'
  | 'do_not_contact.open_dispute'
  | 'do_not_contact.bankruptcy'
  | 'do_not_contact.deceased'
  | 'do_not_contact.cease_request'
  | 'do_not_contact.attorney_represented'
  | 'do_not_contact.other'
  | 'contact_point.bad_number'
  | 'contact_point.no_sms_consent'
  | 'contact_point.email_opt_out'
  | 'limitation.expired'
  | 'limitation.suit_time_barred'
  | 'third_party.debt_details';

export const ALLOWED: AllowedDecision = Object.freeze({ outcome: 'allowed' });

export function deferred(until: Date, code: ComplianceCode, reason: LocalizedText): DeferredDecision {
  return { outcome: 'deferred', until: until.toISOString(), code, reason };
}

export function blocked(code: ComplianceCode, reason: LocalizedText): BlockedDecision {
  return { outcome: 'blocked', code, reason };
}

/**
 * Several guards' answers folded into one: any block wins (the first, in guard order); otherwise
 * the latest deferral, because the action must satisfy every rule at once. A later deferral can
 * land inside another rule's quiet time, which is why evaluateContact re-checks until stable.
 */
export function combineDecisions(decisions: readonly ComplianceDecision[]): ComplianceDecision {
  const block = decisions.find((d): d is BlockedDecision => d.outcome === 'blocked');
  if (block) return block;
  let latest: DeferredDecision | undefined;
  for (const d of decisions) {
    if (d.outcome === 'deferred' && (!latest || d.until > latest.until)) latest = d;
  }
  return latest ?? ALLOWED;
}
