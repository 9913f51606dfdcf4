import type { Locale } from '../definition/form-definition.types.js';
import { formatMessage, type MessageCode } from '../i18n/problem.messages.js';
import { isPlainObject, joinPointer } from '../pointer/json-pointer.utils.js';

export interface Change {
  /** The data location affected ('/debtor/phone'; '/*' stands for every array item). */
  pointer: string;
  code: string;
  message: string;
}

export interface CompatibilityReport {
  /** True when every document valid under the old schema is still valid under the new one, as far as we can tell. */
  compatible: boolean;
  breaking: Change[];
  additive: Change[];
}

type Node = Record<string, unknown>;

/** Lower bounds: raising them rejects data that was valid. */
const LOWER_BOUNDS = [
  'minLength',
  'minimum',
  'exclusiveMinimum',
  'minItems',
  'minProperties',
  'minContains',
] as const;
/** Upper bounds: lowering them rejects data that was valid. */
const UPPER_BOUNDS = [
  'maxLength',
  'maximum',
  'exclusiveMaximum',
  'maxItems',
  'maxProperties',
  'maxContains',
] as const;
const ANNOTATIONS = ['title', 'description', 'enumNames', 'examples', 'default', '$comment'] as const;

/**
 * Compares two versions of a form schema from the point of view of stored data: a change is
 * breaking when data valid under the old version may be invalid under the new one.
 *
 * It is deliberately conservative: where equivalence cannot be decided cheaply (a changed
 * pattern, a different $ref, a changed number of anyOf branches) the change is reported as
 * breaking, so a human decides. $refs are compared by their text, not resolved.
 */
export function compareVersions(
  oldSchema: unknown,
  newSchema: unknown,
  options: { locale?: Locale } = {},
): CompatibilityReport {
  const locale = options.locale ?? 'en';
  const breaking: Change[] = [];
  const additive: Change[] = [];
  const report = (
    list: Change[],
    pointer: string,
    code: MessageCode,
    params: Record<string, string | number> = {},
  ) => {
    list.push({ pointer, code, message: formatMessage(code, locale, { field: pointer || '/', ...params }) });
  };
  const ctx: Context = {
    breaking: (pointer, code, params) => report(breaking, pointer, code, params),
    additive: (pointer, code, params) => report(additive, pointer, code, params),
    depth: 0,
  };
  compareNode(oldSchema, newSchema, '', ctx);
  return { compatible: breaking.length === 0, breaking, additive };
}

interface Context {
  breaking: (pointer: string, code: MessageCode, params?: Record<string, string | number>) => void;
  additive: (pointer: string, code: MessageCode, params?: Record<string, string | number>) => void;
  depth: number;
}

function compareNode(oldSchema: unknown, newSchema: unknown, pointer: string, ctx: Context): void {
  // Hostile or recursive inputs: past this depth, nobody reads the report anyway.
  if (ctx.depth > 64) return;
  const before = toNode(oldSchema);
  const after = toNode(newSchema);
  if (before === undefined || after === undefined) {
    if (before === undefined && after !== undefined && oldSchema === false)
      ctx.additive(pointer, 'compat.type_widened', { from: 'nothing', to: 'a schema' });
    if (before !== undefined && after === undefined)
      ctx.breaking(pointer, 'compat.type_narrowed', { from: 'a schema', to: 'nothing' });
    return;
  }
  const inner: Context = { ...ctx, depth: ctx.depth + 1 };
  compareTypes(before, after, pointer, ctx);
  compareEnums(before, after, pointer, ctx);
  compareStringRules(before, after, pointer, ctx);
  compareBounds(before, after, pointer, ctx);
  compareAnnotations(before, after, pointer, ctx);
  compareObjects(before, after, pointer, inner);
  compareArrays(before, after, pointer, inner);
  compareBranches(before, after, pointer, inner);
}

/** true → {}, false → undefined (nothing is valid), objects as they are. */
function toNode(schema: unknown): Node | undefined {
  if (schema === true) return {};
  if (isPlainObject(schema)) return schema;
  return undefined;
}

function typeSet(node: Node): Set<string> | undefined {
  if (typeof node.type === 'string') return new Set([node.type]);
  if (Array.isArray(node.type)) return new Set(node.type.map(String));
  return undefined;
}

function compareTypes(before: Node, after: Node, pointer: string, ctx: Context): void {
  const from = typeSet(before);
  const to = typeSet(after);
  const show = (s: Set<string> | undefined) => (s ? [...s].join('|') : 'any');
  if (!to) {
    if (from) ctx.additive(pointer, 'compat.type_widened', { from: show(from), to: 'any' });
    return;
  }
  const admits = (t: string) => to.has(t) || (t === 'integer' && to.has('number'));
  const lost = from ? [...from].filter((t) => !admits(t)) : ['any'];
  if (lost.length > 0) ctx.breaking(pointer, 'compat.type_narrowed', { from: show(from), to: show(to) });
  else if (from && [...to].some((t) => !from.has(t)))
    ctx.additive(pointer, 'compat.type_widened', { from: show(from), to: show(to) });
}

function compareEnums(before: Node, after: Node, pointer: string, ctx: Context): void {
  const key = (v: unknown) => JSON.stringify(v);
  const from = Array.isArray(before.enum) ? before.enum : undefined;
  const to = Array.isArray(after.enum) ? after.enum : undefined;
  if (from && to) {
    const toKeys = new Set(to.map(key));
    const fromKeys = new Set(from.map(key));
    for (const value of from)
      if (!toKeys.has(key(value))) ctx.breaking(pointer, 'compat.enum_value_removed', { value: key(value) });
    for (const value of to)
      if (!fromKeys.has(key(value))) ctx.additive(pointer, 'compat.enum_value_added', { value: key(value) });
  } else if (!from && to) ctx.breaking(pointer, 'compat.enum_added');
  else if (from && !to) ctx.additive(pointer, 'compat.enum_removed');
  if ('const' in after && (!('const' in before) || key(before.const) !== key(after.const))) {
    ctx.breaking(pointer, 'compat.const_changed', {
      from: 'const' in before ? key(before.const) : 'any',
      to: key(after.const),
    });
  }
}

function compareStringRules(before: Node, after: Node, pointer: string, ctx: Context): void {
  if (typeof after.pattern === 'string' && after.pattern !== before.pattern) {
    ctx.breaking(pointer, 'compat.pattern_changed', {
      from: String(before.pattern ?? 'none'),
      to: after.pattern,
    });
  } else if (typeof before.pattern === 'string' && after.pattern === undefined) {
    ctx.additive(pointer, 'compat.pattern_removed', { from: before.pattern });
  }
  if (typeof after.format === 'string' && before.format === undefined)
    ctx.breaking(pointer, 'compat.format_added', { to: after.format });
  else if (typeof after.format === 'string' && after.format !== before.format) {
    ctx.breaking(pointer, 'compat.format_changed', { from: String(before.format), to: after.format });
  } else if (typeof before.format === 'string' && after.format === undefined) {
    ctx.additive(pointer, 'compat.format_removed', { from: before.format });
  }
}

function compareBounds(before: Node, after: Node, pointer: string, ctx: Context): void {
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const show = (v: number | undefined) => (v === undefined ? 'none' : v);
  for (const keyword of LOWER_BOUNDS) {
    const from = num(before[keyword]);
    const to = num(after[keyword]);
    if (to !== undefined && (from === undefined || to > from))
      ctx.breaking(pointer, 'compat.constraint_tightened', { keyword, from: show(from), to });
    else if (from !== undefined && (to === undefined || to < from))
      ctx.additive(pointer, 'compat.constraint_relaxed', { keyword, from, to: show(to) });
  }
  for (const keyword of UPPER_BOUNDS) {
    const from = num(before[keyword]);
    const to = num(after[keyword]);
    if (to !== undefined && (from === undefined || to < from))
      ctx.breaking(pointer, 'compat.constraint_tightened', { keyword, from: show(from), to });
    else if (from !== undefined && (to === undefined || to > from))
      ctx.additive(pointer, 'compat.constraint_relaxed', { keyword, from, to: show(to) });
  }
  const fromStep = num(before.multipleOf);
  const toStep = num(after.multipleOf);
  // A new step is safe only when every old multiple is still a multiple (old step divisible by new).
  if (toStep !== undefined && (fromStep === undefined || !isMultiple(fromStep, toStep))) {
    ctx.breaking(pointer, 'compat.constraint_tightened', {
      keyword: 'multipleOf',
      from: show(fromStep),
      to: toStep,
    });
  } else if (fromStep !== undefined && toStep !== fromStep) {
    ctx.additive(pointer, 'compat.constraint_relaxed', {
      keyword: 'multipleOf',
      from: fromStep,
      to: show(toStep),
    });
  }
  if (after.uniqueItems === true && before.uniqueItems !== true) {
    ctx.breaking(pointer, 'compat.constraint_tightened', {
      keyword: 'uniqueItems',
      from: 'false',
      to: 'true',
    });
  } else if (before.uniqueItems === true && after.uniqueItems !== true) {
    ctx.additive(pointer, 'compat.constraint_relaxed', { keyword: 'uniqueItems', from: 'true', to: 'false' });
  }
}

function isMultiple(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

function compareAnnotations(before: Node, after: Node, pointer: string, ctx: Context): void {
  for (const keyword of ANNOTATIONS) {
    if (JSON.stringify(before[keyword]) !== JSON.stringify(after[keyword]))
      ctx.additive(pointer, 'compat.annotation_changed', { keyword });
  }
}

function compareObjects(before: Node, after: Node, pointer: string, ctx: Context): void {
  const fromProps = isPlainObject(before.properties) ? before.properties : {};
  const toProps = isPlainObject(after.properties) ? after.properties : {};
  const fromRequired = new Set(Array.isArray(before.required) ? before.required.map(String) : []);
  const toRequired = new Set(Array.isArray(after.required) ? after.required.map(String) : []);
  for (const name of Object.keys(fromProps)) {
    const at = joinPointer(pointer, name);
    if (!Object.hasOwn(toProps, name)) ctx.breaking(at, 'compat.field_removed');
    else compareNode(fromProps[name], toProps[name], at, ctx);
  }
  for (const name of Object.keys(toProps)) {
    if (!Object.hasOwn(fromProps, name) && !toRequired.has(name))
      ctx.additive(joinPointer(pointer, name), 'compat.field_added');
  }
  for (const name of toRequired) {
    if (fromRequired.has(name)) continue;
    const at = joinPointer(pointer, name);
    const property = toProps[name];
    const hasDefault = isPlainObject(property) && 'default' in property;
    if (hasDefault) ctx.additive(at, 'compat.required_added_with_default');
    else ctx.breaking(at, 'compat.required_added');
  }
  for (const name of fromRequired)
    if (!toRequired.has(name)) ctx.additive(joinPointer(pointer, name), 'compat.required_removed');

  const closed = (v: unknown) => v === false;
  if (!closed(before.additionalProperties) && closed(after.additionalProperties))
    ctx.breaking(pointer, 'compat.additional_properties_closed');
  else if (closed(before.additionalProperties) && !closed(after.additionalProperties))
    ctx.additive(pointer, 'compat.additional_properties_opened');
  else if (isPlainObject(before.additionalProperties) && isPlainObject(after.additionalProperties)) {
    compareNode(before.additionalProperties, after.additionalProperties, joinPointer(pointer, '*'), ctx);
  }
}

function compareArrays(before: Node, after: Node, pointer: string, ctx: Context): void {
  if (isPlainObject(before.items) || isPlainObject(after.items) || typeof after.items === 'boolean') {
    if (before.items !== undefined || after.items !== undefined) {
      compareNode(before.items ?? true, after.items ?? true, joinPointer(pointer, '*'), ctx);
    }
  }
  const fromTuple = Array.isArray(before.prefixItems)
    ? before.prefixItems
    : Array.isArray(before.items)
      ? before.items
      : [];
  const toTuple = Array.isArray(after.prefixItems)
    ? after.prefixItems
    : Array.isArray(after.items)
      ? after.items
      : [];
  for (let i = 0; i < Math.max(fromTuple.length, toTuple.length); i++) {
    compareNode(fromTuple[i] ?? true, toTuple[i] ?? true, joinPointer(pointer, i), ctx);
  }
}

/** Conditional and combined subschemas describe the same data location as their parent. */
function compareBranches(before: Node, after: Node, pointer: string, ctx: Context): void {
  for (const keyword of ['then', 'else', 'not'] as const) {
    if (before[keyword] === undefined && after[keyword] === undefined) continue;
    if (keyword === 'not') {
      if (JSON.stringify(before.not) !== JSON.stringify(after.not))
        ctx.breaking(pointer, 'compat.schema_changed', { keyword });
      continue;
    }
    compareNode(before[keyword] ?? true, after[keyword] ?? true, pointer, ctx);
  }
  if (JSON.stringify(before.if) !== JSON.stringify(after.if)) {
    // A different condition moves data between branches; only equal branches make that harmless.
    if (
      JSON.stringify(before.then) !== JSON.stringify(after.then) ||
      JSON.stringify(before.else) !== JSON.stringify(after.else) ||
      after.if !== undefined
    ) {
      ctx.breaking(pointer, 'compat.schema_changed', { keyword: 'if' });
    }
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const from = Array.isArray(before[keyword]) ? (before[keyword] as unknown[]) : [];
    const to = Array.isArray(after[keyword]) ? (after[keyword] as unknown[]) : [];
    if (from.length === to.length) {
      for (const [i, schema] of from.entries()) compareNode(schema, to[i], pointer, ctx);
    } else if (
      keyword === 'anyOf' &&
      to.length > from.length &&
      from.every((s, i) => JSON.stringify(s) === JSON.stringify(to[i]))
    ) {
      ctx.additive(pointer, 'compat.schema_changed', { keyword });
    } else if (
      keyword === 'allOf' &&
      to.length < from.length &&
      to.every((s, i) => JSON.stringify(s) === JSON.stringify(from[i]))
    ) {
      ctx.additive(pointer, 'compat.schema_changed', { keyword });
    } else {
      ctx.breaking(pointer, 'compat.schema_changed', { keyword });
    }
  }
  if (before.$ref !== after.$ref && (before.$ref !== undefined || after.$ref !== undefined)) {
    ctx.breaking(pointer, 'compat.schema_changed', { keyword: '$ref' });
  }
}
