import type { ErrorSchema } from '@rjsf/utils';
import type { ProblemItem } from '../api/client';

type Json = Record<string, unknown>;

export function pointerSegments(pointer: string): string[] {
  if (!pointer || pointer === '/') return [];
  return pointer
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function valueAtPointer(data: unknown, pointer: string): unknown {
  let current = data;
  for (const segment of pointerSegments(pointer)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Json)[segment];
  }
  return current;
}

/**
 * The server's field errors (`errors: [{ pointer, message }]` of a 422 problem) as rjsf's
 * ErrorSchema, so each shows under its field exactly like a browser-side error.
 */
export function errorSchemaOf(items: ProblemItem[]): ErrorSchema {
  const root: Json = {};
  for (const item of items) {
    let node = root;
    for (const segment of pointerSegments(item.pointer)) {
      if (typeof node[segment] !== 'object' || node[segment] === null) node[segment] = {};
      node = node[segment] as Json;
    }
    const list = (node.__errors as string[] | undefined) ?? [];
    if (!list.includes(item.message)) list.push(item.message);
    node.__errors = list;
  }
  return root as ErrorSchema;
}

/** Server errors still worth showing: those whose field the user has not changed since submitting. */
export function stillStanding(items: ProblemItem[], submitted: unknown, current: unknown): ProblemItem[] {
  return items.filter(
    (item) =>
      JSON.stringify(valueAtPointer(submitted, item.pointer)) ===
      JSON.stringify(valueAtPointer(current, item.pointer)),
  );
}
