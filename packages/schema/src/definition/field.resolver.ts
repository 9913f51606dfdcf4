import { getByPointer, isPlainObject, parsePointer } from '../pointer/json-pointer.utils.js';
import { decodeFragment, parseFormRef } from '../refs/form-ref.syntax.js';

type Node = Record<string, unknown>;

/** Branches whose properties belong to the same object as their parent's. */
const IN_PLACE = ['allOf', 'anyOf', 'oneOf'] as const;
const IN_PLACE_SINGLE = ['if', 'then', 'else'] as const;

/**
 * The subschemas that may describe the field at a data pointer ('/debtor/phone'), looking
 * through properties, allOf/anyOf/oneOf, if/then/else, dependentSchemas and $ref. Inside
 * arrays a segment may be an index or '*' (any item): metadata like '/contacts/*\/phone'
 * marks the phone of every contact. An empty result means the schema has no such field.
 */
export function resolveFieldSchemas(
  root: Node,
  pointer: string,
  documents: ReadonlyMap<string, Node> = new Map(),
): Node[] {
  const segments = parsePointer(pointer);
  if (!segments) return [];
  let current = expand([root], root, documents);
  for (const segment of segments) {
    const next: Node[] = [];
    for (const node of current) {
      const properties = node.properties;
      if (
        isPlainObject(properties) &&
        Object.hasOwn(properties, segment) &&
        isPlainObject(properties[segment])
      ) {
        next.push(properties[segment] as Node);
      }
      if (isPlainObject(node.patternProperties)) {
        for (const [pattern, schema] of Object.entries(node.patternProperties)) {
          if (isPlainObject(schema) && safeTest(pattern, segment)) next.push(schema);
        }
      }
      if (segment === '*' || /^(0|[1-9]\d*)$/.test(segment)) {
        if (isPlainObject(node.items)) next.push(node.items);
        const tuple = Array.isArray(node.prefixItems)
          ? node.prefixItems
          : Array.isArray(node.items)
            ? node.items
            : [];
        const at = segment === '*' ? tuple : [tuple[Number(segment)]];
        for (const item of at) if (isPlainObject(item)) next.push(item);
      }
    }
    current = expand(next, root, documents);
    if (current.length === 0) return [];
  }
  return current;
}

/** Adds the in-place branches and $ref targets of each node (bounded, cycle-safe). */
function expand(nodes: Node[], root: Node, documents: ReadonlyMap<string, Node>): Node[] {
  const seen = new Set<Node>();
  const queue = [...nodes];
  while (queue.length > 0 && seen.size < 1000) {
    const node = queue.shift()!;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const keyword of IN_PLACE) {
      const list = node[keyword];
      if (Array.isArray(list)) for (const item of list) if (isPlainObject(item)) queue.push(item);
    }
    for (const keyword of IN_PLACE_SINGLE) {
      const value = node[keyword];
      if (isPlainObject(value)) queue.push(value);
    }
    if (isPlainObject(node.dependentSchemas)) {
      for (const value of Object.values(node.dependentSchemas)) if (isPlainObject(value)) queue.push(value);
    }
    const target = typeof node.$ref === 'string' ? refTarget(node.$ref, root, documents) : undefined;
    if (target) queue.push(target);
  }
  return [...seen];
}

function refTarget(ref: string, root: Node, documents: ReadonlyMap<string, Node>): Node | undefined {
  if (ref === '#' || ref.startsWith('#/')) {
    const pointer = decodeFragment(ref.slice(1));
    const found = pointer === undefined ? undefined : getByPointer(root, pointer).value;
    return isPlainObject(found) ? found : undefined;
  }
  const parsed = parseFormRef(ref);
  const document = parsed ? documents.get(parsed.uri) : undefined;
  if (!parsed || !document) return undefined;
  const found = getByPointer(document, parsed.pointer).value;
  return isPlainObject(found) ? found : undefined;
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return false;
  }
}
