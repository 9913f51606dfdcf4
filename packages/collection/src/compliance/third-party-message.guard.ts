import { localize } from '../i18n/localized-text.utils.js';
import { ALLOWED, blocked, type ComplianceDecision } from './compliance.decision.js';
import type { JurisdictionProfile } from './jurisdiction-profile.types.js';

export interface OutboundMessage {
  recipientParty: 'DEBTOR' | 'THIRD_PARTY' | 'ATTORNEY';
  /** Template variables the message is rendered with. */
  fields?: Readonly<Record<string, unknown>>;
  /** The rendered text (subject and body). */
  body: string;
}

export interface ThirdPartyFinding {
  kind: 'field' | 'term' | 'amount';
  value: string;
}

// Currency symbols or codes next to a number, or a number with 元/块: what an amount looks like.
const AMOUNT =
  /(?:[¥￥$€£]|\b(?:CNY|RMB|USD|EUR|GBP|HKD)\b)\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:元|块)/giu;

/** What in a message would tell a third party about the debt; empty when it is safe to send. */
export function findDebtDetails(message: OutboundMessage, profile: JurisdictionProfile): ThirdPartyFinding[] {
  const findings: ThirdPartyFinding[] = [];
  const forbidden = new Set(profile.thirdParty.forbiddenFields);
  for (const [name, value] of Object.entries(message.fields ?? {})) {
    if (forbidden.has(name) && value !== undefined && value !== null && value !== '') {
      findings.push({ kind: 'field', value: name });
    }
  }
  const text = message.body.toLowerCase();
  for (const term of [
    ...profile.thirdParty.forbiddenTerms['zh-CN'],
    ...profile.thirdParty.forbiddenTerms.en,
  ]) {
    const needle = term.toLowerCase();
    // Latin words match on word boundaries ("owe" must not match "flower"); Chinese has none.
    const found = /^[a-z ]+$/.test(needle)
      ? new RegExp(`\\b${needle.replace(/ /g, '\\s+')}`, 'u').test(text)
      : text.includes(needle);
    if (found) findings.push({ kind: 'term', value: term });
  }
  for (const match of message.body.matchAll(AMOUNT)) findings.push({ kind: 'amount', value: match[0] });
  return findings;
}

/**
 * Messages to third parties (family, employer, references) may only ask for a way to reach the
 * debtor: never the debt, the amount, the creditor or that we collect. Debtor messages pass.
 */
export function checkThirdPartyMessage(
  message: OutboundMessage,
  profile: JurisdictionProfile,
): ComplianceDecision {
  if (message.recipientParty !== 'THIRD_PARTY') return ALLOWED;
  const findings = findDebtDetails(message, profile);
  if (findings.length === 0) return ALLOWED;
  return blocked(
    'third_party.debt_details',
    localize(
      {
        'zh-CN': '发给第三方的消息不得透露债务信息：{found}',
        en: 'A message to a third party must not reveal the debt: {found}',
      },
      { found: findings.map((f) => f.value).join(', ') },
    ),
  );
}
