import { expandPointer, joinPointer, pointerMatches, replaceAt, valueAt } from './json-pointer.js';

/**
 * Masking of personal data (metadata.sensitive) for callers without 'sensitive.view'. This is
 * the hook the security issue builds on; the rule itself is small on purpose.
 */
export interface MaskedData {
  data: unknown;
  /** Concrete pointers that were masked, so a client can show them as hidden instead of empty. */
  masked: string[];
}

/**
 * Numbers like phones, ID numbers and bank cards keep their last four characters (enough to tell
 * two apart on the phone); anything else (names, addresses) is hidden entirely.
 */
export function maskValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string' && value.length >= 7 && /^[0-9A-Za-z+\-() ]+$/.test(value)) {
    return `${'*'.repeat(value.length - 4)}${value.slice(-4)}`;
  }
  return '***';
}

export function maskSensitive(data: unknown, sensitive: readonly string[]): MaskedData {
  const targets = sensitive.flatMap((pattern) => expandPointer(data, pattern));
  if (targets.length === 0) return { data, masked: [] };
  const copy = structuredClone(data);
  const masked: string[] = [];
  for (const path of targets) {
    const current = valueAt(copy, path);
    if (!current.found || current.value === null) continue;
    replaceAt(copy, path, maskValue(current.value));
    masked.push(joinPointer(path));
  }
  return { data: copy, masked };
}

/** Computed values are keyed by pointer; a sensitive one is masked like the field itself. */
export function maskComputed(
  computed: Record<string, unknown>,
  sensitive: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [pointer, value] of Object.entries(computed)) {
    out[pointer] = sensitive.some((pattern) => pointerMatches(pattern, pointer)) ? maskValue(value) : value;
  }
  return out;
}

/**
 * A caller who cannot see sensitive values gets them masked, and may send the record back as it
 * was shown. A masked value that comes back unchanged means "keep what is stored"; any other
 * value is a real edit (writing a phone number one may not read is allowed).
 */
export function restoreMaskedValues(next: unknown, stored: unknown, sensitive: readonly string[]): unknown {
  const targets = sensitive.flatMap((pattern) => expandPointer(next, pattern));
  if (targets.length === 0) return next;
  const copy = structuredClone(next);
  for (const path of targets) {
    const sent = valueAt(copy, path);
    const kept = valueAt(stored, path);
    if (sent.found && kept.found && kept.value !== null && sent.value === maskValue(kept.value)) {
      replaceAt(copy, path, structuredClone(kept.value));
    }
  }
  return copy;
}
