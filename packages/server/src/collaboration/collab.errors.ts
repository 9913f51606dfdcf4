import { DomainError } from '@collectflow/schema';

/** Bad input: a 422 problem whose `errors` name the field. */
export function invalid(code: string, pointer: string, message: string, hint?: string): DomainError {
  return new DomainError(code, 'invalid', message, {
    errors: [{ pointer, message }],
    ...(hint ? { hint } : {}),
  });
}

/** Missing, or not the caller's to see: the same answer either way, so ids cannot be probed. */
export function notFound(code: string, what: string, id: string): DomainError {
  return new DomainError(code, 'not_found', `there is no ${what} ${id}`);
}

export function forbidden(code: string, message: string, hint?: string): DomainError {
  return new DomainError(code, 'forbidden', message, hint ? { hint } : {});
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The body as an object, or a 422 naming what was expected. */
export function objectBody(body: unknown, expected: string): Record<string, unknown> {
  if (!isObject(body)) throw invalid('request.invalid_body', '', `the body must be ${expected}`);
  return body;
}

/** Pages of newest-first lists: `limit` 1..max and an id cursor. */
export function pageParams(
  query: Record<string, unknown>,
  defaults: { limit: number; max: number } = { limit: 50, max: 200 },
): { limit: number; before?: string } {
  const raw = query.limit;
  let limit = defaults.limit;
  if (raw !== undefined) {
    limit = Number(raw);
    if (typeof raw !== 'string' || !Number.isInteger(limit) || limit < 1 || limit > defaults.max) {
      throw invalid('request.bad_query', '/limit', `limit must be an integer from 1 to ${defaults.max}`);
    }
  }
  const cursor = query.cursor;
  if (cursor === undefined || cursor === '') return { limit };
  if (typeof cursor !== 'string' || !UUID.test(cursor)) {
    throw invalid('request.bad_query', '/cursor', 'cursor must be the nextCursor of a previous page');
  }
  return { limit, before: cursor };
}
