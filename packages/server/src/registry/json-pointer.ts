/** The few RFC 6901 helpers the registry needs, plus '*' (every item) as metadata writes it. */

export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function joinPointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function child(value: unknown, segment: string): { found: boolean; value?: unknown } {
  if (Array.isArray(value)) {
    if (!/^(0|[1-9]\d*)$/.test(segment) || Number(segment) >= value.length) return { found: false };
    return { found: true, value: value[Number(segment)] };
  }
  if (isContainer(value) && Object.hasOwn(value, segment)) {
    return { found: true, value: (value as Record<string, unknown>)[segment] };
  }
  return { found: false };
}

/** The concrete locations a pattern like '/contacts/*\/phone' names in this document. */
export function expandPointer(document: unknown, pattern: string): string[][] {
  const segments = parsePointer(pattern);
  if (!segments) return [];
  let paths: string[][] = [[]];
  let values: unknown[] = [document];
  for (const segment of segments) {
    const nextPaths: string[][] = [];
    const nextValues: unknown[] = [];
    values.forEach((value, i) => {
      const keys =
        segment === '*' && isContainer(value)
          ? Array.isArray(value)
            ? value.map((_, index) => String(index))
            : Object.keys(value)
          : [segment];
      for (const key of keys) {
        const found = child(value, key);
        if (!found.found) continue;
        nextPaths.push([...paths[i]!, key]);
        nextValues.push(found.value);
      }
    });
    paths = nextPaths;
    values = nextValues;
  }
  return paths;
}

export function valueAt(document: unknown, path: readonly string[]): { found: boolean; value?: unknown } {
  let current: { found: boolean; value?: unknown } = { found: true, value: document };
  for (const segment of path) {
    current = child(current.value, segment);
    if (!current.found) return current;
  }
  return current;
}

/** Replaces the value at an existing location; the caller owns `document` (it is changed in place). */
export function replaceAt(document: unknown, path: readonly string[], value: unknown): void {
  if (path.length === 0) return;
  const parent = valueAt(document, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (!parent.found || !isContainer(parent.value)) return;
  if (Array.isArray(parent.value)) parent.value[Number(last)] = value;
  else parent.value[last] = value;
}

/** Whether a concrete pointer is, or lies inside, a location the pattern names. */
export function pointerMatches(pattern: string, pointer: string): boolean {
  const p = parsePointer(pattern);
  const c = parsePointer(pointer);
  if (!p || !c || c.length < p.length) return false;
  return p.every((segment, i) => segment === '*' || segment === c[i]);
}
