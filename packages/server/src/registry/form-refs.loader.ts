import { parseFormRef } from '@collectflow/schema';

/** Beyond this many forms a ref chain is a mistake; the checks report what is left unresolved. */
const MAX_REFERENCED_FORMS = 50;

/** Every `collectflow:key@version` ref anywhere in a document (over-inclusive is harmless: it only loads more). */
export function formRefsIn(document: unknown): Array<{ key: string; version: number }> {
  const found = new Map<string, { key: string; version: number }>();
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (typeof node === 'object' && node !== null) {
      for (const [name, value] of Object.entries(node)) {
        if (name === '$ref' && typeof value === 'string') {
          const ref = parseFormRef(value);
          if (ref) found.set(ref.uri, { key: ref.key, version: ref.version });
        } else if (typeof value === 'object' && value !== null) stack.push(value);
      }
    }
  }
  return [...found.values()];
}

/**
 * Loads the schemas of every published form version reachable from `schema` through form refs,
 * so the synchronous checks, validators and code generator can resolve them from memory.
 */
export async function loadFormRefClosure(
  schema: unknown,
  load: (key: string, version: number) => Promise<Record<string, unknown> | undefined>,
): Promise<Map<string, Record<string, unknown>>> {
  const loaded = new Map<string, Record<string, unknown>>();
  const missing = new Set<string>();
  const queue = formRefsIn(schema);
  while (queue.length > 0 && loaded.size < MAX_REFERENCED_FORMS) {
    const { key, version } = queue.shift()!;
    const id = `${key}@${version}`;
    if (loaded.has(id) || missing.has(id)) continue;
    const target = await load(key, version);
    if (!target) {
      missing.add(id);
      continue;
    }
    loaded.set(id, target);
    queue.push(...formRefsIn(target));
  }
  return loaded;
}

/** The synchronous resolver the schema package takes, over a loaded closure. */
export function resolverOver(
  loaded: ReadonlyMap<string, Record<string, unknown>>,
): (key: string, version: number) => Record<string, unknown> | undefined {
  return (key, version) => loaded.get(`${key}@${version}`);
}
