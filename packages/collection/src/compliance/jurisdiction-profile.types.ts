import type { LocalizedText } from '../i18n/localized-text.utils.js';

export type DoNotContactReason =
  | 'OPEN_DISPUTE'
  | 'BANKRUPTCY'
  | 'DECEASED'
  | 'CEASE_REQUEST'
  | 'ATTORNEY_REPRESENTED'
  | 'OTHER';

export const DO_NOT_CONTACT_REASONS: readonly DoNotContactReason[] = [
  'OPEN_DISPUTE',
  'BANKRUPTCY',
  'DECEASED',
  'CEASE_REQUEST',
  'ATTORNEY_REPRESENTED',
  'OTHER',
];

/**
 * The compliance rules of one jurisdiction as data (definitions/compliance/*.json), so a team can
 * tighten a cap without a release. Times are wall-clock in the debtor's zone.
 */
export interface JurisdictionProfile {
  code: string;
  name: LocalizedText;
  /** Used when a debtor's zone is unknown and no candidate zones are given. */
  defaultTimeZone: string;
  /** Contact is allowed from `start` (inclusive) to `end` (exclusive), local time. */
  contactWindow: { start: string; end: string };
  frequency: {
    /** At most `max` call attempts per debt within `windowDays` consecutive days (US Reg F). */
    callsPerDebt?: { max: number; windowDays: number };
    /** No call about a debt for this many days after a conversation about it (US Reg F). */
    quietDaysAfterConversation?: number;
    /** Per debtor and local calendar day (CN industry self-regulation). */
    connectedCallsPerDebtorPerDay?: number;
    unansweredDialsPerDebtorPerDay?: number;
  };
  /** Reasons that block contact with the debtor and outbound messages. */
  doNotContactReasons: DoNotContactReason[];
  limitation: {
    /** Default limitation period for a new case, from the due date. */
    defaultPeriodYears: number;
    /** A suit on a time-barred debt stays forbidden even with a legal approval (US Reg F §1006.26). */
    timeBarredSuitsProhibited: boolean;
  };
  /** Days a debtor has to dispute after the validation notice (US: 30); null where there is none. */
  validationPeriodDays: number | null;
  thirdParty: {
    /** Template fields that must never reach a third party. */
    forbiddenFields: string[];
    /** Words that reveal a debt, per language; matched case-insensitively. */
    forbiddenTerms: { 'zh-CN': string[]; en: string[] };
  };
}
