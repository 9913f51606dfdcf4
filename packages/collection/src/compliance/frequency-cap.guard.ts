import { localize } from '../i18n/localized-text.utils.js';
import { addDays, fromLocal, localDateOf, parseDate } from '../time/zoned-time.utils.js';
import { ALLOWED, type ComplianceDecision, combineDecisions, deferred } from './compliance.decision.js';
import {
  type ContactChannel,
  type ContactOutcome,
  isCallChannel,
  OUTCOME_CLASSES,
} from './contact-outcome.codes.js';
import type { JurisdictionProfile } from './jurisdiction-profile.types.js';

/** A contact attempt already made, as the contact-attempt form records it. */
export interface PastAttempt {
  at: string;
  caseId: string;
  debtorId: string;
  channel: ContactChannel;
  direction?: 'OUTBOUND' | 'INBOUND';
  outcomeCode: ContactOutcome;
}

export interface IntendedCall {
  at: Date | string;
  caseId: string;
  debtorId: string;
  channel: ContactChannel;
  timeZone?: string | null;
}

const DAY_MS = 86_400_000;

function outboundCalls(history: readonly PastAttempt[]): PastAttempt[] {
  // Inbound calls are the debtor's choice; no rule counts them against the collector.
  return history.filter((a) => isCallChannel(a.channel) && (a.direction ?? 'OUTBOUND') === 'OUTBOUND');
}

/**
 * Call caps: US — at most N call attempts per debt in any window of D consecutive days, and no
 * call for Q days after a conversation; CN — per debtor and local day, at most C connected calls
 * and U unanswered dials. Only calls are capped; letters and SMS pass through.
 */
export function checkFrequency(
  intended: IntendedCall,
  history: readonly PastAttempt[],
  profile: JurisdictionProfile,
): ComplianceDecision {
  if (!isCallChannel(intended.channel)) return ALLOWED;
  const at = new Date(intended.at);
  const calls = outboundCalls(history).filter((a) => Date.parse(a.at) <= at.getTime());
  const decisions: ComplianceDecision[] = [];
  const {
    callsPerDebt,
    quietDaysAfterConversation,
    connectedCallsPerDebtorPerDay,
    unansweredDialsPerDebtorPerDay,
  } = profile.frequency;

  if (callsPerDebt) {
    const windowStart = at.getTime() - callsPerDebt.windowDays * DAY_MS;
    const inWindow = calls
      .filter((a) => a.caseId === intended.caseId && Date.parse(a.at) > windowStart)
      .map((a) => Date.parse(a.at))
      .sort((x, y) => x - y);
    if (inWindow.length >= callsPerDebt.max) {
      // The window must slide past all but max-1 of these calls.
      const oldestToDrop = inWindow[inWindow.length - callsPerDebt.max]!;
      decisions.push(
        deferred(
          new Date(oldestToDrop + callsPerDebt.windowDays * DAY_MS),
          'frequency.calls_per_debt_window',
          localize(
            {
              'zh-CN': '该笔债务 {days} 天内已拨打 {count} 次（上限 {max} 次）',
              en: '{count} calls about this debt in {days} days (at most {max})',
            },
            { count: inWindow.length, days: callsPerDebt.windowDays, max: callsPerDebt.max },
          ),
        ),
      );
    }
  }

  if (quietDaysAfterConversation) {
    const conversations = calls
      .filter((a) => a.caseId === intended.caseId && OUTCOME_CLASSES[a.outcomeCode].rightParty)
      .map((a) => Date.parse(a.at));
    const last = conversations.length > 0 ? Math.max(...conversations) : undefined;
    const until = last === undefined ? 0 : last + quietDaysAfterConversation * DAY_MS;
    if (until > at.getTime()) {
      decisions.push(
        deferred(
          new Date(until),
          'frequency.after_conversation',
          localize(
            {
              'zh-CN': '与债务人通话后 {days} 天内不得再次致电',
              en: 'No call within {days} days after a conversation with the debtor',
            },
            { days: quietDaysAfterConversation },
          ),
        ),
      );
    }
  }

  if (connectedCallsPerDebtorPerDay || unansweredDialsPerDebtorPerDay) {
    const zone = intended.timeZone || profile.defaultTimeZone;
    const today = localDateOf(at, zone);
    const todays = calls.filter(
      (a) => a.debtorId === intended.debtorId && localDateOf(new Date(a.at), zone) === today,
    );
    const connected = todays.filter((a) => OUTCOME_CLASSES[a.outcomeCode].connected).length;
    const unanswered = todays.length - connected;
    // The next dial may connect or not, so either cap being full stops it until tomorrow.
    const tomorrow = fromLocal(parseDate(addDays(today, 1)), zone);
    if (connectedCallsPerDebtorPerDay && connected >= connectedCallsPerDebtorPerDay) {
      decisions.push(
        deferred(
          tomorrow,
          'frequency.connected_calls_per_day',
          localize(
            {
              'zh-CN': '今日已接通 {count} 次（每日上限 {max} 次）',
              en: '{count} connected calls today (at most {max} a day)',
            },
            { count: connected, max: connectedCallsPerDebtorPerDay },
          ),
        ),
      );
    }
    if (unansweredDialsPerDebtorPerDay && unanswered >= unansweredDialsPerDebtorPerDay) {
      decisions.push(
        deferred(
          tomorrow,
          'frequency.unanswered_dials_per_day',
          localize(
            {
              'zh-CN': '今日已拨打未接通 {count} 次（每日上限 {max} 次）',
              en: '{count} unanswered dials today (at most {max} a day)',
            },
            { count: unanswered, max: unansweredDialsPerDebtorPerDay },
          ),
        ),
      );
    }
  }
  return combineDecisions(decisions);
}
