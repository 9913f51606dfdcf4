import type { FormInstance } from 'antd';
import { ApiError, type ProblemItem } from '../api/client';
import { pointerSegments } from '../forms/server-errors';

type NamePath = (string | number)[];

/**
 * Shows a 422's field problems under the antd form's fields: `fieldOf` turns a problem's JSON
 * pointer into a field name (null: no field shows it), `word` says it in the UI language.
 * Returns what no field took (the whole problem when it has no field errors), for an alert.
 */
export function showProblemOnFields(
  form: FormInstance,
  error: unknown,
  fieldOf: (segments: string[]) => NamePath | null,
  word: (item: ProblemItem) => string,
): string[] {
  if (!(error instanceof ApiError)) return [String(error)];
  if (error.status !== 422 || error.errors.length === 0) {
    return [[error.problem.detail ?? error.code, error.problem.hint].filter(Boolean).join(' — ')];
  }
  const byField = new Map<string, { name: NamePath; errors: string[] }>();
  const rest: string[] = [];
  for (const item of error.errors) {
    const name = fieldOf(pointerSegments(item.pointer));
    if (!name) {
      rest.push(word(item));
      continue;
    }
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(word(item));
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  return rest;
}

/** A path segment that is an array index, as a number (antd's Form.List names use numbers). */
export const segment = (s: string): string | number => (/^\d+$/.test(s) ? Number(s) : s);
