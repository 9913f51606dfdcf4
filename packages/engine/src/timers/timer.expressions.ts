/**
 * ISO 8601 timer values for BPMN timer events, computed against an injected "now".
 *
 * We parse these ourselves (instead of relying on bpmn-elements' parser and `new Date()`) so
 * lint and runtime agree, durations of any length work (P30D, P6M, P2Y), and due dates come
 * from the host's clock. Calendar units (years, months, days) are added in UTC; a month added
 * to Jan 31 lands on the last day of February.
 */

export type TimerType = 'timeDuration' | 'timeDate' | 'timeCycle';

export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export interface ParsedTimer {
  type: TimerType;
  /** The text as written in the model. */
  expression: string;
  duration?: IsoDuration;
  date?: Date;
  /** Only for cycles: total firings, or -1 for "repeat forever". */
  repeat?: number;
  /** Only for cycles with an explicit start: `R5/2025-01-01T08:00:00Z/P1D`. */
  start?: Date;
}

export class TimerExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimerExpressionError';
  }
}

const DURATION =
  /^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function parseIsoDuration(text: string): IsoDuration {
  const value = text.trim().toUpperCase();
  const match = DURATION.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) {
    throw new TimerExpressionError(`"${text}" is not an ISO 8601 duration (e.g. PT15M, P30D, P6M)`);
  }
  const num = (s: string | undefined) => (s === undefined ? 0 : Number(s.replace(',', '.')));
  const duration: IsoDuration = {
    years: num(match[1]),
    months: num(match[2]),
    weeks: num(match[3]),
    days: num(match[4]),
    hours: num(match[5]),
    minutes: num(match[6]),
    seconds: num(match[7]),
  };
  // Calendar units cannot be fractional without a reference point.
  for (const key of ['years', 'months', 'weeks', 'days'] as const) {
    if (!Number.isInteger(duration[key])) {
      throw new TimerExpressionError(`"${text}": fractional ${key} are not supported`);
    }
  }
  return duration;
}

export interface ParsedDateTime {
  date: Date;
  /** False when the text had no Z or offset; we read it as UTC and lint warns. */
  hasOffset: boolean;
}

export function parseIsoDateTime(text: string): ParsedDateTime {
  const value = text.trim();
  const match = DATE_TIME.exec(value);
  if (!match)
    throw new TimerExpressionError(`"${text}" is not an ISO 8601 date-time (e.g. 2025-03-01T09:00:00Z)`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = match;
  const ms = Math.round(Number(`0.${frac}`) * 1000);
  let epoch = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(epoch);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    throw new TimerExpressionError(`"${text}" is not a valid calendar date-time`);
  }
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    epoch -= sign * offsetMinutes * 60_000;
  }
  return { date: new Date(epoch), hasOffset: zone !== undefined };
}

export function addDuration(from: Date, duration: IsoDuration): Date {
  const result = new Date(from.getTime());
  const totalMonths = duration.years * 12 + duration.months;
  if (totalMonths) {
    const day = result.getUTCDate();
    result.setUTCDate(1);
    result.setUTCMonth(result.getUTCMonth() + totalMonths);
    const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
    result.setUTCDate(Math.min(day, lastDay));
  }
  if (duration.weeks || duration.days)
    result.setUTCDate(result.getUTCDate() + duration.weeks * 7 + duration.days);
  const ms = (duration.hours * 3600 + duration.minutes * 60 + duration.seconds) * 1000;
  return new Date(result.getTime() + Math.round(ms));
}

function isZeroDuration(d: IsoDuration): boolean {
  return Object.values(d).every((v) => v === 0);
}

export function parseTimeCycle(text: string): ParsedTimer {
  const value = text.trim();
  const parts = value.split('/');
  const head = parts[0] ?? '';
  const repeatMatch = /^R(\d*)$/i.exec(head);
  if (!repeatMatch || parts.length < 2 || parts.length > 3) {
    throw new TimerExpressionError(
      `"${text}" is not an ISO 8601 repeating interval (e.g. R3/PT10H or R/2025-01-01T08:00:00Z/P1D); cron cycles are not supported`,
    );
  }
  const repeat = repeatMatch[1] === '' ? -1 : Number(repeatMatch[1]);
  if (repeat === 0) throw new TimerExpressionError(`"${text}": R0 never fires`);
  let start: Date | undefined;
  let durationText: string;
  if (parts.length === 3) {
    start = parseIsoDateTime(parts[1]!).date;
    durationText = parts[2]!;
  } else {
    durationText = parts[1]!;
  }
  const duration = parseIsoDuration(durationText);
  if (isZeroDuration(duration))
    throw new TimerExpressionError(`"${text}": a cycle needs a non-zero interval`);
  return { type: 'timeCycle', expression: value, repeat, duration, ...(start && { start }) };
}

export function parseTimer(type: TimerType, text: string): ParsedTimer {
  const value = text.trim();
  switch (type) {
    case 'timeDuration':
      return { type, expression: value, duration: parseIsoDuration(value) };
    case 'timeDate':
      return { type, expression: value, date: parseIsoDateTime(value).date };
    case 'timeCycle':
      return parseTimeCycle(value);
  }
}

/** When the timer is due, seen from `now` (the moment it is armed or re-armed). */
export function dueAt(timer: ParsedTimer, now: Date): Date {
  switch (timer.type) {
    case 'timeDuration':
      return addDuration(now, timer.duration!);
    case 'timeDate':
      return timer.date!;
    case 'timeCycle': {
      if (!timer.start) return addDuration(now, timer.duration!);
      if (timer.start.getTime() >= now.getTime()) return timer.start;
      // Next slot after now on the grid start + k * interval; bounded so a bad model cannot spin.
      let next = timer.start;
      for (let k = 0; k < 100_000 && next.getTime() <= now.getTime(); k++)
        next = addDuration(next, timer.duration!);
      return next;
    }
  }
}
