import { StoreError } from './errors/store.error.js';

/**
 * PGlite and node-postgres disagree on several types: pg returns int8 (and so count(*)) as
 * strings, PGlite as number or BigInt; pg turns `date` into a local-midnight Date, PGlite into a
 * UTC one. Both backends get these parsers, so nothing above the store sees which one it runs on.
 */
export const PG_TYPE = { INT8: 20, DATE: 1082, NUMERIC: 1700 } as const;

export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new StoreError(
      'store.integer_overflow',
      `int8 value ${text} is beyond JavaScript's safe integer range`,
      {
        kind: 'internal',
      },
    );
  }
  return value;
}

/** A `date` is a calendar day, not an instant: keep it as 'YYYY-MM-DD'. */
export function parseDate(text: string): string {
  return text;
}

/** Money and other decimals stay exact strings; never JS floats. */
export function parseNumeric(text: string): string {
  return text;
}

export const typeParsers: Record<number, (text: string) => unknown> = {
  [PG_TYPE.INT8]: parseInt8,
  [PG_TYPE.DATE]: parseDate,
  [PG_TYPE.NUMERIC]: parseNumeric,
};
