import type { PeriodRange } from '@collectflow/store';
import { invalid } from '../collab.errors.js';

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parsePeriod(value: unknown, pointer = '/period'): string {
  if (typeof value !== 'string' || !PERIOD.test(value)) {
    throw invalid('performance.invalid_period', pointer, 'period must be a month as YYYY-MM');
  }
  return value;
}

/** The month `instant` falls in, in `zone`. */
export function periodOf(instant: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}`;
}

/** Minutes `zone` is ahead of UTC at `instant`. */
function offsetMinutes(instant: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((local - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant the local midnight starting `year-month-01` happens in `zone`. */
function monthStart(year: number, month: number, zone: string): Date {
  const utc = Date.UTC(year, month - 1, 1);
  // Two rounds settle the offset even when a DST change sits next to the month boundary.
  let guess = utc - offsetMinutes(new Date(utc), zone) * 60_000;
  guess = utc - offsetMinutes(new Date(guess), zone) * 60_000;
  return new Date(guess);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** [from, to) of a month in the business time zone, as instants and as calendar days. */
export function periodRange(period: string, zone: string): PeriodRange {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const next = m === 12 ? { y: y + 1, m: 1 } : { y, m: m + 1 };
  return {
    from: monthStart(y, m, zone),
    to: monthStart(next.y, next.m, zone),
    fromDate: `${y}-${pad(m)}-01`,
    toDate: `${next.y}-${pad(next.m)}-01`,
  };
}
