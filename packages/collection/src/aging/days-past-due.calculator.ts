import { daysBetween, localDateOf } from '../time/zoned-time.utils.js';

/** Cycle buckets as Chinese lenders report them: M0 is current, M1 is 1–30 days, … M6+ is 151+. */
export const M_BUCKETS = ['M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6+'] as const;
export type MBucket = (typeof M_BUCKETS)[number];

/** Day-range buckets as US agencies report them. */
export const DPD_BUCKETS = [
  'CURRENT',
  '1-29',
  '30-59',
  '60-89',
  '90-119',
  '120-149',
  '150-179',
  '180+',
] as const;
export type DpdBucket = (typeof DPD_BUCKETS)[number];

export interface Aging {
  daysPastDue: number;
  mBucket: MBucket;
  dpdBucket: DpdBucket;
}

/**
 * Calendar days between the due date and today in the debtor's zone (a debt due on the 1st is one
 * day past due on the 2nd). A debt that is paid off is not past due, whatever its dates say.
 */
export function daysPastDue(input: {
  dueDate: string;
  asOf: Date | string;
  timeZone: string;
  settled?: boolean;
}): number {
  if (input.settled) return 0;
  return Math.max(0, daysBetween(input.dueDate, localDateOf(new Date(input.asOf), input.timeZone)));
}

export function mBucketOf(dpd: number): MBucket {
  if (dpd <= 0) return 'M0';
  return M_BUCKETS[Math.min(6, Math.ceil(dpd / 30))]!;
}

export function dpdBucketOf(dpd: number): DpdBucket {
  if (dpd <= 0) return 'CURRENT';
  if (dpd >= 180) return '180+';
  return DPD_BUCKETS[Math.floor(dpd / 30) + 1]!;
}

export function agingOf(input: Parameters<typeof daysPastDue>[0]): Aging {
  const dpd = daysPastDue(input);
  return { daysPastDue: dpd, mBucket: mBucketOf(dpd), dpdBucket: dpdBucketOf(dpd) };
}
