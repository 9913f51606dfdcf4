/**
 * Wall-clock arithmetic in a debtor's IANA time zone with nothing but Intl, so the package stays
 * free of I/O and of a time-zone database of its own. Compliance rules are written in local
 * time ("no calls after 21:00") while everything is stored in UTC.
 */

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function isValidTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `zone` at `instant`. Throws RangeError for an unknown zone. */
export function toLocal(instant: Date, zone: string): LocalDateTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
}

/** Offset of `zone` from UTC at `instant`, in minutes (Asia/Shanghai: +480). */
export function offsetMinutes(instant: Date, zone: string): number {
  const l = toLocal(instant, zone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant a wall-clock time in `zone` happens. Two passes settle DST: a time that falls in a
 * spring-forward gap maps to the instant just after the gap, which is what a deferral wants.
 */
export function fromLocal(
  local: { year: number; month: number; day: number; hour?: number; minute?: number },
  zone: string,
): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour ?? 0, local.minute ?? 0);
  let guess = wall - offsetMinutes(new Date(wall), zone) * 60_000;
  const second = wall - offsetMinutes(new Date(guess), zone) * 60_000;
  if (second !== guess) {
    const again = wall - offsetMinutes(new Date(second), zone) * 60_000;
    guess = again === second ? second : Math.max(guess, second);
  }
  return new Date(guess);
}

/** 'YYYY-MM-DD' of the calendar day in `zone` at `instant`. */
export function localDateOf(instant: Date, zone: string): string {
  const l = toLocal(instant, zone);
  return formatDate(l.year, l.month, l.day);
}

export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses 'YYYY-MM-DD'; throws RangeError for anything else, including impossible days. */
export function parseDate(text: string): { year: number; month: number; day: number } {
  const match = DATE.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a date (YYYY-MM-DD)`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`"${text}" is not a calendar date`);
  }
  return { year, month, day };
}

/** Whole calendar days from `from` to `to` (both 'YYYY-MM-DD'); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const a = parseDate(from);
  const b = parseDate(to);
  return Math.round(
    (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000,
  );
}

export function addDays(date: string, days: number): string {
  const d = parseDate(date);
  const next = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return formatDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

/** ISO weekday (1 = Monday) of a calendar date. */
export function weekdayOf(date: string): number {
  const d = parseDate(date);
  const js = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return js === 0 ? 7 : js;
}

/** 'HH:MM' → minutes after midnight; throws RangeError for anything else. */
export function parseClock(text: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match || (match[1] === '24' && match[2] !== '00')) {
    throw new RangeError(`"${text}" is not a time of day (HH:MM)`);
  }
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The instant as 'YYYY-MM-DDTHH:MM:SS+08:00' in `zone`: what a collector sees next to the UTC time. */
export function formatLocalIso(instant: Date, zone: string): string {
  const l = toLocal(instant, zone);
  const offset = offsetMinutes(instant, zone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  const time = [l.hour, l.minute, l.second].map((n) => String(n).padStart(2, '0')).join(':');
  return `${formatDate(l.year, l.month, l.day)}T${time}${sign}${hh}:${mm}`;
}
