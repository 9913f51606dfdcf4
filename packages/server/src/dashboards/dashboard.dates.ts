import type { DatePreset } from './dashboard-definition.types.js';

/** Calendar-date helpers for dashboard periods: 'YYYY-MM-DD' in, 'YYYY-MM-DD' out, no local-time traps. */

export interface DateRange {
  /** First day, inclusive. */
  from: string;
  /** Last day, inclusive. */
  to: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDate(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * 86_400_000);
}

export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return fromUtc(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, lastDay)));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to) - toUtc(from)) / 86_400_000);
}

const lastOfMonth = (date: string) => addDays(addMonths(`${date.slice(0, 8)}01`, 1), -1);

/** Today's date in a zone. */
export function localToday(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function presetRange(preset: DatePreset, today: string): DateRange {
  const monthStart = `${today.slice(0, 8)}01`;
  const weekday = (new Date(toUtc(today)).getUTCDay() + 6) % 7; // Monday = 0
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'last7Days':
      return { from: addDays(today, -6), to: today };
    case 'last30Days':
      return { from: addDays(today, -29), to: today };
    case 'thisWeek':
      return { from: addDays(today, -weekday), to: addDays(today, 6 - weekday) };
    case 'thisMonth':
      return { from: monthStart, to: lastOfMonth(today) };
    case 'lastMonth': {
      const from = addMonths(monthStart, -1);
      return { from, to: lastOfMonth(from) };
    }
    case 'thisQuarter': {
      const month = Number(today.slice(5, 7));
      const from = `${today.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, '0')}-01`;
      return { from, to: addDays(addMonths(from, 3), -1) };
    }
    case 'thisYear':
      return { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` };
    case 'last12Months':
      return { from: addMonths(monthStart, -11), to: lastOfMonth(today) };
  }
}

/**
 * The period just before: whole calendar months map to the same number of months before (June →
 * May, Q2 → Q1), anything else to the same number of days before.
 */
export function previousPeriod(range: DateRange): DateRange {
  const wholeMonths = range.from.endsWith('-01') && range.to === lastOfMonth(range.to);
  if (wholeMonths) {
    const months =
      (Number(range.to.slice(0, 4)) - Number(range.from.slice(0, 4))) * 12 +
      Number(range.to.slice(5, 7)) -
      Number(range.from.slice(5, 7)) +
      1;
    const from = addMonths(range.from, -months);
    return { from, to: addDays(range.from, -1) };
  }
  const length = daysBetween(range.from, range.to) + 1;
  return { from: addDays(range.from, -length), to: addDays(range.from, -1) };
}

/** The UTC instant of local midnight starting `date` in `timeZone`, as RFC 3339. */
export function localMidnight(date: string, timeZone: string): string {
  const guess = toUtc(date);
  const offset = (at: number) => {
    const name = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
  };
  let instant = guess - offset(guess);
  instant = guess - offset(instant); // once more across a DST change
  return new Date(instant).toISOString();
}
