import { isPlainObject, joinPointer } from '../pointer/json-pointer.utils.js';

/** Keywords whose value is one subschema. */
const SINGLE = [
  'not',
  'if',
  'then',
  'else',
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contains',
  'propertyNames',
  'contentSchema',
] as const;
/** Keywords whose value is an array of subschemas. */
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'] as const;
/** Keywords whose value is a map from names to subschemas. */
const MAP = [
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
  'dependencies',
] as const;

/**
 * Applicators that validate the same instance location as their parent. A `$ref` cycle made only
 * of these never reaches a smaller part of the data, so validation could not terminate.
 */
export const IN_PLACE_KEYWORDS: ReadonlySet<string> = new Set([
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  'dependentSchemas',
  'dependencies',
]);

export interface SchemaVisit {
  node: Record<string, unknown>;
  pointer: string;
  depth: number;
  /** The keyword of the parent that holds this subschema, e.g. 'properties' or 'allOf'. */
  via: string | undefined;
  parentPointer: string | undefined;
  /** Pointer of the nearest enclosing schema resource (a subschema with its own `$id`); '' is the root. */
  resourcePointer: string;
}

export interface WalkLimits {
  maxDepth: number;
}

/**
 * Visits every object subschema (boolean schemas have nothing to check) with its JSON pointer.
 * Iterative so a deeply nested hostile schema cannot overflow the stack; returns false when the
 * depth limit was hit and the walk stopped there.
 */
export function walkSchema(
  root: unknown,
  visit: (v: SchemaVisit) => void,
  limits: WalkLimits = { maxDepth: 64 },
): boolean {
  let withinLimits = true;
  const stack: SchemaVisit[] = [];
  if (isPlainObject(root))
    stack.push({
      node: root,
      pointer: '',
      depth: 0,
      via: undefined,
      parentPointer: undefined,
      resourcePointer: '',
    });
  while (stack.length > 0) {
    const current = stack.pop()!;
    visit(current);
    if (current.depth >= limits.maxDepth) {
      withinLimits = false;
      continue;
    }
    for (const child of childSchemas(current.node, current.pointer)) {
      const resourcePointer = typeof child.node.$id === 'string' ? child.pointer : current.resourcePointer;
      stack.push({ ...child, depth: current.depth + 1, parentPointer: current.pointer, resourcePointer });
    }
  }
  return withinLimits;
}

export function childSchemas(
  node: Record<string, unknown>,
  pointer: string,
): Array<{ node: Record<string, unknown>; pointer: string; via: string }> {
  const out: Array<{ node: Record<string, unknown>; pointer: string; via: string }> = [];
  for (const keyword of SINGLE) {
    const value = node[keyword];
    if (isPlainObject(value)) out.push({ node: value, pointer: joinPointer(pointer, keyword), via: keyword });
  }
  for (const keyword of LIST) {
    const value = node[keyword];
    if (!Array.isArray(value)) continue;
    value.forEach((item, index) => {
      if (isPlainObject(item))
        out.push({ node: item, pointer: joinPointer(pointer, keyword, index), via: keyword });
    });
  }
  for (const keyword of MAP) {
    const value = node[keyword];
    if (!isPlainObject(value)) continue;
    for (const [name, item] of Object.entries(value)) {
      if (isPlainObject(item))
        out.push({ node: item, pointer: joinPointer(pointer, keyword, name), via: keyword });
    }
  }
  return out;
}
