import { localize } from '../i18n/localized-text.utils.js';
import { addDays, formatDate, fromLocal, parseClock, parseDate, toLocal } from '../time/zoned-time.utils.js';
import { ALLOWED, blocked, type ComplianceDecision, deferred } from './compliance.decision.js';
import type { JurisdictionProfile } from './jurisdiction-profile.types.js';

export type Weekday = 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN';

const WEEKDAY_NUMBER: Record<Weekday, number> = { MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6, SUN: 7 };

/** A debtor's own "please not then" (the debtor form's inconvenient times); may cross midnight. */
export interface InconvenientTime {
  days: Weekday[];
  from: string;
  to: string;
}

export interface ContactTimeInput {
  at: Date | string;
  /** The debtor's IANA zone. */
  timeZone?: string | null;
  /**
   * When the zone is uncertain (a US mobile's area code, two addresses), every zone the debtor
   * could be in: contact must be convenient in all of them (Reg F §1006.6(b)(1)(i)).
   */
  candidateTimeZones?: string[];
  inconvenientTimes?: InconvenientTime[];
}

type Violation = 'outside_window' | 'inconvenient_time';

function zonesOf(input: ContactTimeInput, profile: JurisdictionProfile): string[] {
  const zones = new Set<string>();
  if (input.timeZone) zones.add(input.timeZone);
  for (const zone of input.candidateTimeZones ?? []) zones.add(zone);
  if (zones.size === 0) zones.add(profile.defaultTimeZone);
  return [...zones];
}

function inWindow(minute: number, start: number, end: number): boolean {
  // A window that wraps midnight (e.g. a night-shift profile 20:00–02:00) is the two halves.
  return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
}

function inconvenientAt(weekday: number, minute: number, times: readonly InconvenientTime[]): boolean {
  for (const time of times) {
    const from = parseClock(time.from);
    const to = parseClock(time.to);
    const days = time.days.map((d) => WEEKDAY_NUMBER[d]);
    if (from <= to) {
      if (days.includes(weekday) && minute >= from && minute < to) return true;
    } else {
      // 22:00–07:00 on MON covers Monday night and the small hours of Tuesday.
      const previous = weekday === 1 ? 7 : weekday - 1;
      if ((days.includes(weekday) && minute >= from) || (days.includes(previous) && minute < to)) return true;
    }
  }
  return false;
}

function violationAt(instant: Date, zones: string[], input: ContactTimeInput, profile: JurisdictionProfile) {
  const start = parseClock(profile.contactWindow.start);
  const end = parseClock(profile.contactWindow.end);
  for (const zone of zones) {
    const local = toLocal(instant, zone);
    const minute = local.hour * 60 + local.minute;
    if (!inWindow(minute, start, end)) return { violation: 'outside_window' as Violation, zone };
    if (inconvenientAt(local.weekday, minute, input.inconvenientTimes ?? [])) {
      return { violation: 'inconvenient_time' as Violation, zone };
    }
  }
  return undefined;
}

/** Every instant at which the answer can change from "no" to "yes", after `after`. */
function candidateInstants(
  after: Date,
  zones: string[],
  input: ContactTimeInput,
  profile: JurisdictionProfile,
) {
  const start = parseClock(profile.contactWindow.start);
  const candidates: number[] = [];
  for (const zone of zones) {
    const l = toLocal(after, zone);
    const today = formatDate(l.year, l.month, l.day);
    for (let offset = 0; offset <= 8; offset++) {
      const day = parseDate(addDays(today, offset));
      const at = (minute: number) =>
        fromLocal({ ...day, hour: Math.floor(minute / 60), minute: minute % 60 }, zone).getTime();
      candidates.push(at(start));
      for (const time of input.inconvenientTimes ?? []) candidates.push(at(parseClock(time.to) % 1440));
    }
  }
  return [...new Set(candidates)].filter((t) => t > after.getTime()).sort((a, b) => a - b);
}

/** The earliest instant at or after `at` when contact is allowed, or undefined within 8 days. */
export function nextAllowedContactTime(
  input: ContactTimeInput,
  profile: JurisdictionProfile,
): Date | undefined {
  const at = new Date(input.at);
  const zones = zonesOf(input, profile);
  if (!violationAt(at, zones, input, profile)) return at;
  for (const candidate of candidateInstants(at, zones, input, profile)) {
    if (!violationAt(new Date(candidate), zones, input, profile)) return new Date(candidate);
  }
  return undefined;
}

function describeLocal(instant: Date, zone: string): string {
  const l = toLocal(instant, zone);
  const hm = `${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
  return `${formatDate(l.year, l.month, l.day)} ${hm} ${zone}`;
}

/**
 * Outbound contact (a call task, an SMS service task) at `at`: allowed, or deferred to the next
 * instant that is inside the profile's window and outside the debtor's inconvenient times in
 * every candidate zone.
 */
export function checkContactHours(input: ContactTimeInput, profile: JurisdictionProfile): ComplianceDecision {
  const at = new Date(input.at);
  const zones = zonesOf(input, profile);
  const found = violationAt(at, zones, input, profile);
  if (!found) return ALLOWED;
  const next = nextAllowedContactTime(input, profile);
  const params = {
    local: describeLocal(at, found.zone),
    start: profile.contactWindow.start,
    end: profile.contactWindow.end,
    next: next ? describeLocal(next, found.zone) : '',
  };
  if (!next) {
    return blocked(
      'contact_hours.inconvenient_time',
      localize(
        {
          'zh-CN': '未来 8 天内没有既在允许时段又非债务人不便时间的联系时间',
          en: 'No time in the next 8 days is both inside the contact window and convenient for the debtor',
        },
        params,
      ),
    );
  }
  if (found.violation === 'outside_window') {
    return deferred(
      next,
      'contact_hours.outside_window',
      localize(
        {
          'zh-CN': '债务人当地时间 {local} 不在允许联系时段 {start}–{end} 内，顺延至 {next}',
          en: "The debtor's local time {local} is outside the contact window {start}–{end}; deferred to {next}",
        },
        params,
      ),
    );
  }
  return deferred(
    next,
    'contact_hours.inconvenient_time',
    localize(
      {
        'zh-CN': '债务人表示 {local} 不便联系，顺延至 {next}',
        en: 'The debtor said {local} is inconvenient; deferred to {next}',
      },
      params,
    ),
  );
}

/**
 * A collector logs a contact that already happened (an inbound call taken at 23:00, a visit).
 * Outside the hours it is still recorded, but only with a reason, so the audit trail explains it.
 */
export function checkManualContactLog(
  input: ContactTimeInput & { outsideHoursReason?: string | null },
  profile: JurisdictionProfile,
): ComplianceDecision {
  const at = new Date(input.at);
  const found = violationAt(at, zonesOf(input, profile), input, profile);
  if (!found || (input.outsideHoursReason ?? '').trim() !== '') return ALLOWED;
  return blocked(
    'contact_hours.reason_required',
    localize(
      {
        'zh-CN': '联系时间 {local} 不在允许时段 {start}–{end} 内，请填写原因',
        en: 'The contact at {local} is outside the contact window {start}–{end}; give a reason',
      },
      {
        local: describeLocal(at, found.zone),
        start: profile.contactWindow.start,
        end: profile.contactWindow.end,
      },
    ),
  );
}
