import type { LocalizedText } from '../i18n/localized-text.utils.js';
import { ALLOWED, blocked, type ComplianceCode, type ComplianceDecision } from './compliance.decision.js';
import type { ContactChannel } from './contact-outcome.codes.js';
import type { DoNotContactReason, JurisdictionProfile } from './jurisdiction-profile.types.js';

export type BankruptcyStatus = 'NONE' | 'FILED' | 'DISCHARGED' | 'DISMISSED' | 'CLOSED';

/** The parts of the debtor and case records that can forbid contact. */
export interface ContactSubject {
  doNotContact?: { reason: DoNotContactReason }[];
  bankruptcy?: { status: BankruptcyStatus } | null;
  deceased?: boolean;
  attorney?: { represented: boolean } | null;
  /** A dispute on this case that is neither verified nor closed. */
  openDispute?: boolean;
}

export type ContactParty = 'DEBTOR' | 'THIRD_PARTY' | 'ATTORNEY';

const REASONS: Record<DoNotContactReason, { code: ComplianceCode; text: LocalizedText }> = {
  OPEN_DISPUTE: {
    code: 'do_not_contact.open_dispute',
    text: {
      'zh-CN': '案件存在未结异议，催收已暂停',
      en: 'The case has an open dispute; collection is suspended',
    },
  },
  BANKRUPTCY: {
    code: 'do_not_contact.bankruptcy',
    text: { 'zh-CN': '债务人处于破产程序中', en: 'The debtor is in bankruptcy' },
  },
  DECEASED: {
    code: 'do_not_contact.deceased',
    text: { 'zh-CN': '债务人已故', en: 'The debtor is deceased' },
  },
  CEASE_REQUEST: {
    code: 'do_not_contact.cease_request',
    text: { 'zh-CN': '债务人要求停止联系', en: 'The debtor asked us to stop contacting them' },
  },
  ATTORNEY_REPRESENTED: {
    code: 'do_not_contact.attorney_represented',
    text: {
      'zh-CN': '债务人已委托律师，请联系其律师',
      en: 'The debtor has an attorney; contact the attorney',
    },
  },
  OTHER: {
    code: 'do_not_contact.other',
    text: { 'zh-CN': '债务人被标记为禁止联系', en: 'The debtor is marked do-not-contact' },
  },
};

/** Every do-not-contact reason that applies, from explicit flags and from the facts behind them. */
export function doNotContactReasons(subject: ContactSubject): DoNotContactReason[] {
  const reasons = new Set<DoNotContactReason>(subject.doNotContact?.map((d) => d.reason) ?? []);
  if (subject.openDispute) reasons.add('OPEN_DISPUTE');
  // An automatic stay while the case runs; after discharge the debt is gone. A dismissal lifts both.
  if (subject.bankruptcy && ['FILED', 'DISCHARGED'].includes(subject.bankruptcy.status))
    reasons.add('BANKRUPTCY');
  if (subject.deceased) reasons.add('DECEASED');
  if (subject.attorney?.represented) reasons.add('ATTORNEY_REPRESENTED');
  return [...reasons];
}

/**
 * Blocks contact tasks and outbound messages to a debtor with a do-not-contact reason the profile
 * honours. Writing to the debtor's attorney stays allowed when representation is the only reason.
 */
export function checkDoNotContact(
  subject: ContactSubject,
  party: ContactParty,
  profile: JurisdictionProfile,
): ComplianceDecision {
  const reasons = doNotContactReasons(subject).filter((r) => profile.doNotContactReasons.includes(r));
  const order = Object.keys(REASONS) as DoNotContactReason[];
  reasons.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const reason of reasons) {
    if (reason === 'ATTORNEY_REPRESENTED' && party === 'ATTORNEY') continue;
    return blocked(REASONS[reason].code, REASONS[reason].text);
  }
  return ALLOWED;
}

export interface ContactPoints {
  phones?: { number: string; status: 'VALID' | 'BAD' | 'WRONG' | 'UNKNOWN'; smsConsent?: boolean }[];
  emails?: { address: string; optOut?: boolean }[];
}

/** A bad or wrong number is never dialled, SMS needs consent, an opted-out address gets no email. */
export function checkContactPoint(
  points: ContactPoints,
  channel: ContactChannel,
  address: string,
): ComplianceDecision {
  if (channel === 'CALL' || channel === 'AI_VOICE' || channel === 'SMS') {
    const phone = points.phones?.find((p) => p.number === address);
    if (phone && (phone.status === 'BAD' || phone.status === 'WRONG')) {
      return blocked('contact_point.bad_number', {
        'zh-CN': '该号码已标记为无效或非本人号码',
        en: 'The number is marked bad or wrong',
      });
    }
    if (channel === 'SMS' && phone?.smsConsent !== true) {
      return blocked('contact_point.no_sms_consent', {
        'zh-CN': '该号码未同意接收短信',
        en: 'There is no consent to text this number',
      });
    }
  }
  if (channel === 'EMAIL' && points.emails?.find((e) => e.address === address)?.optOut) {
    return blocked('contact_point.email_opt_out', {
      'zh-CN': '该邮箱已退订',
      en: 'The address opted out of email',
    });
  }
  return ALLOWED;
}
