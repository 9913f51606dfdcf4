import { localize } from '../i18n/localized-text.utils.js';
import { addDays, localDateOf } from '../time/zoned-time.utils.js';
import { ALLOWED, blocked, type ComplianceDecision } from './compliance.decision.js';
import type { JurisdictionProfile } from './jurisdiction-profile.types.js';

export type CollectionActionKind = 'contact' | 'message' | 'demand_letter' | 'lawsuit' | 'enforcement';

export interface LimitationInput {
  action: CollectionActionKind;
  at: Date | string;
  /** 'YYYY-MM-DD': the last day on which the claim is enforceable. */
  limitationExpiresOn?: string | null;
  /** Legal has approved acting on this case after expiry (an acknowledgment, a tolling event). */
  legalApproval?: boolean;
  timeZone?: string | null;
}

const SUITS: readonly CollectionActionKind[] = ['lawsuit', 'enforcement'];

/**
 * After the limitation date nothing happens without a legal approval; under a profile that
 * prohibits suits on time-barred debt (US) a suit stays blocked even with one.
 */
export function checkLimitation(input: LimitationInput, profile: JurisdictionProfile): ComplianceDecision {
  if (!input.limitationExpiresOn) return ALLOWED;
  const today = localDateOf(new Date(input.at), input.timeZone || profile.defaultTimeZone);
  if (today <= input.limitationExpiresOn) return ALLOWED;
  const params = { date: input.limitationExpiresOn, since: addDays(input.limitationExpiresOn, 1) };
  if (SUITS.includes(input.action) && profile.limitation.timeBarredSuitsProhibited) {
    return blocked(
      'limitation.suit_time_barred',
      localize(
        {
          'zh-CN': '诉讼时效已于 {date} 届满，本辖区禁止对超过时效的债务提起诉讼',
          en: 'The limitation period ended on {date}; suing on time-barred debt is prohibited here',
        },
        params,
      ),
    );
  }
  if (input.legalApproval) return ALLOWED;
  return blocked(
    'limitation.expired',
    localize(
      {
        'zh-CN': '诉讼时效已于 {date} 届满，需法务审批后方可继续催收',
        en: 'The limitation period ended on {date}; collection needs a legal approval',
      },
      params,
    ),
  );
}
