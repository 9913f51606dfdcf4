/**
 * The designer's model: a form definition as a tree of fields the designer can edit, and back.
 * Pure (no React) so that the round trip is unit-tested. Each field keeps its own schema and
 * uiSchema as written, and the designer edits only the keywords it knows; containers (the root,
 * sections, repeating groups) keep how their `required`, `ui:order` and `allOf` were written, so a
 * hand-written definition comes back unchanged, including the parts the designer does not show.
 */

export type Json = Record<string, unknown>;
export type Locale = 'zh-CN' | 'en';
export type Texts = { 'zh-CN': string; en: string };
export type ComputedType = 'number' | 'money' | 'string' | 'boolean';

export const FIELD_KINDS = [
  'text',
  'longText',
  'number',
  'money',
  'percentage',
  'date',
  'dateTime',
  'singleChoice',
  'multipleChoice',
  'yesNo',
  'phone',
  'email',
  'idNumber',
  'address',
  'file',
  'section',
  'group',
  'computed',
] as const;

/** What the palette offers, plus `advanced`: a field the designer keeps but does not edit. */
export type FieldKind = (typeof FIELD_KINDS)[number] | 'advanced';

export type ConditionOp = 'eq' | 'neq' | 'in' | 'notIn';

/** Show a field only when a sibling field has a value (compiled to if/then or if/else). */
export interface VisibleWhen {
  field: string;
  op: ConditionOp;
  /** A scalar for eq/neq, a list for in/notIn. */
  value: unknown;
}

export interface ComputedSpec {
  expression: string;
  type: ComputedType;
  scale?: number;
}

export interface Container {
  fields: DesignerField[];
  /** Properties that are not all object schemas: the designer keeps the container as written. */
  raw?: boolean;
  /** How the container was read: kept so that an untouched container is written back as it was. */
  written: {
    required?: string[];
    uiOrder?: unknown[];
    /** The keys, in order, when it was read; an unchanged list writes the original ui:order back. */
    keys?: string[];
    allOf?: AllOfSlot[];
  };
}

/** An allOf entry as read: kept verbatim, or one the designer compiles from visible-when conditions. */
export type AllOfSlot = { raw: unknown } | { condition: string };

export interface DesignerField {
  id: string;
  key: string;
  kind: FieldKind;
  /** The field's schema; for sections and groups without the children's properties and required. */
  schema: Json;
  /** The field's uiSchema without its children's entries. */
  ui: Json;
  required: boolean;
  sensitive: boolean;
  indexed: boolean;
  computed?: ComputedSpec;
  visibleWhen?: VisibleWhen;
  /** Sections and repeating groups. */
  children?: Container;
  /** The key follows the English label until someone edits the key. */
  keyEdited: boolean;
}

export interface DesignerState {
  key: string;
  title: Texts;
  /** The root schema without properties, required and allOf (those live in `root`). */
  schema: Json;
  /** The root uiSchema without the fields' entries and ui:order. */
  ui: Json;
  root: Container;
  /** Metadata the fields do not carry (pointers into $ref'd parts, computed values elsewhere). */
  rest: { sensitive: string[]; indexed: string[]; computed: Array<ComputedSpec & { pointer: string }> };
  /** The order metadata lists were written in. */
  written: { sensitive: string[]; indexed: string[]; computed: string[] };
}

export interface FormDefinitionLike {
  key: string;
  title: Texts;
  schema: Json;
  uiSchema: Json;
  metadata: {
    sensitive: string[];
    indexed: string[];
    computed: Array<{ pointer: string; expression: string; type: ComputedType; scale?: number }>;
  };
}

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const clone = <T>(v: T): T => structuredClone(v);

let counter = 0;
export function newId(): string {
  counter += 1;
  return `f${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

// ---------------------------------------------------------------------------------------------
// Reading a definition

export function fromDefinition(definition: FormDefinitionLike): DesignerState {
  const def = clone(definition);
  const sensitive = new Set(def.metadata.sensitive);
  const indexed = new Set(def.metadata.indexed);
  const computed = new Map(def.metadata.computed.map((c) => [c.pointer, c]));
  const claimed = { sensitive: new Set<string>(), indexed: new Set<string>(), computed: new Set<string>() };
  const ctx = { sensitive, indexed, computed, claimed };

  const schema = { ...def.schema };
  const ui = { ...def.uiSchema };
  const root = readContainer(schema, ui, '', ctx);
  return {
    key: def.key,
    title: { ...def.title },
    schema,
    ui,
    root,
    rest: {
      sensitive: def.metadata.sensitive.filter((p) => !claimed.sensitive.has(p)),
      indexed: def.metadata.indexed.filter((p) => !claimed.indexed.has(p)),
      computed: def.metadata.computed.filter((c) => !claimed.computed.has(c.pointer)).map((c) => ({ ...c })),
    },
    written: {
      sensitive: [...def.metadata.sensitive],
      indexed: [...def.metadata.indexed],
      computed: def.metadata.computed.map((c) => c.pointer),
    },
  };
}

interface ReadContext {
  sensitive: Set<string>;
  indexed: Set<string>;
  computed: Map<string, FormDefinitionLike['metadata']['computed'][number]>;
  claimed: { sensitive: Set<string>; indexed: Set<string>; computed: Set<string> };
}

/** Takes properties, required, ui:order and allOf out of `schema`/`ui` (mutated) into a Container. */
function readContainer(schema: Json, ui: Json, pointer: string, ctx: ReadContext): Container {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : undefined;
  const uiOrder = Array.isArray(ui['ui:order']) ? (ui['ui:order'] as unknown[]) : undefined;
  const names = Object.keys(properties);
  // A property that is not an object schema (`true`) cannot be a designer field: keep it as written.
  if (!Object.values(properties).every(isObject)) return { fields: [], raw: true, written: {} };
  const ordered = uiOrder ? orderByUiOrder(names, uiOrder) : names;
  const fields: DesignerField[] = [];
  for (const name of ordered) {
    const child = properties[name];
    if (!isObject(child)) continue;
    const childUi = isObject(ui[name]) ? (ui[name] as Json) : {};
    fields.push(readField(name, child, childUi, `${pointer}/${escapePointer(name)}`, ctx));
    delete ui[name];
  }
  delete schema.properties;
  delete schema.required;
  delete ui['ui:order'];
  const container: Container = {
    fields,
    written: {
      ...(required ? { required: [...required] } : {}),
      ...(uiOrder ? { uiOrder: [...uiOrder] } : {}),
      keys: fields.map((f) => f.key),
    },
  };
  for (const f of fields) if (required?.includes(f.key)) f.required = true;
  if (Array.isArray(schema.allOf)) {
    container.written.allOf = readConditions(schema.allOf, container);
    delete schema.allOf;
  }
  return container;
}

function orderByUiOrder(names: string[], uiOrder: unknown[]): string[] {
  const listed = uiOrder.filter((n): n is string => typeof n === 'string' && names.includes(n));
  const rest = names.filter((n) => !listed.includes(n));
  const star = uiOrder.indexOf('*');
  if (star < 0) return [...listed, ...rest];
  const before = uiOrder
    .slice(0, star)
    .filter((n): n is string => typeof n === 'string' && names.includes(n));
  const after = uiOrder
    .slice(star + 1)
    .filter((n): n is string => typeof n === 'string' && names.includes(n));
  return [...before, ...rest, ...after];
}

function readField(key: string, raw: Json, rawUi: Json, pointer: string, ctx: ReadContext): DesignerField {
  const schema = { ...raw };
  const ui = { ...rawUi };
  const spec = ctx.computed.get(pointer);
  const kind = classify(schema, ui, spec !== undefined);
  const field: DesignerField = {
    id: newId(),
    key,
    kind,
    schema,
    ui,
    required: false,
    sensitive: claim(ctx.sensitive, ctx.claimed.sensitive, pointer),
    indexed: claim(ctx.indexed, ctx.claimed.indexed, pointer),
    keyEdited: true,
  };
  if (spec) {
    ctx.claimed.computed.add(pointer);
    field.computed = {
      expression: spec.expression,
      type: spec.type,
      ...(spec.scale !== undefined ? { scale: spec.scale } : {}),
    };
  }
  if (kind === 'section') {
    const children = readContainer(schema, ui, pointer, ctx);
    if (children.raw) field.kind = 'advanced';
    else field.children = children;
  } else if (kind === 'group') {
    const items = { ...(schema.items as Json) };
    const itemsUi = isObject(ui.items) ? { ...(ui.items as Json) } : {};
    const children = readContainer(items, itemsUi, `${pointer}/*`, ctx);
    if (children.raw) field.kind = 'advanced';
    else {
      field.children = children;
      schema.items = items;
      if (isObject(ui.items)) ui.items = itemsUi;
    }
  }
  return field;
}

function claim(all: Set<string>, claimed: Set<string>, pointer: string): boolean {
  if (!all.has(pointer)) return false;
  claimed.add(pointer);
  return true;
}

const MARKED = new Set<string>(['percentage', 'phone', 'idNumber', 'address', 'file']);

/** The palette kind a schema was made as; `advanced` when the designer cannot edit it. */
export function classify(schema: Json, ui: Json, isComputed: boolean): FieldKind {
  const marker = schema['x-field'];
  if (typeof marker === 'string' && MARKED.has(marker)) return marker as FieldKind;
  if (isComputed) return 'computed';
  const type = schema.type;
  if (schema.$ref !== undefined || schema.anyOf !== undefined || schema.oneOf !== undefined)
    return 'advanced';
  if (type === 'object' && isObject(schema.properties)) return 'section';
  if (type === 'array' && isObject(schema.items)) {
    const items = schema.items as Json;
    if (items.type === 'object' && isObject(items.properties) && items.$ref === undefined) return 'group';
    if (items.type === 'string' && Array.isArray(items.enum)) return 'multipleChoice';
    return 'advanced';
  }
  if (type === 'string') {
    if (Array.isArray(schema.enum)) return 'singleChoice';
    if (schema.format === 'date') return 'date';
    if (schema.format === 'date-time') return 'dateTime';
    if (schema.format === 'email') return 'email';
    if (schema.format === 'decimal') return 'money';
    return ui['ui:widget'] === 'textarea' ? 'longText' : 'text';
  }
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'boolean') return 'yesNo';
  return 'advanced';
}

/** Reads the allOf entries of a container, recognizing those the designer would compile itself. */
function readConditions(allOf: unknown[], container: Container): AllOfSlot[] {
  const slots: AllOfSlot[] = [];
  const seen = new Set<string>();
  const byKey = new Map(container.fields.map((f) => [f.key, f]));
  for (const entry of allOf) {
    const read = recognizeCondition(entry, byKey);
    if (!read) {
      slots.push({ raw: entry });
      continue;
    }
    const signature = conditionSignature(read.condition);
    const targets = read.fields.map((k) => byKey.get(k) as DesignerField);
    // Each field has one condition, and one entry per condition: anything else stays as written.
    const clash = seen.has(signature) || targets.some((f) => f.visibleWhen || f.required);
    const compiled = clash
      ? undefined
      : compileCondition(
          read.condition,
          targets.map((f) => ({ key: f.key, required: read.required.includes(f.key) })),
        );
    if (!compiled || !deepEqual(compiled, entry)) {
      slots.push({ raw: entry });
      continue;
    }
    seen.add(signature);
    for (const f of targets) {
      f.visibleWhen = read.condition;
      f.required = read.required.includes(f.key);
    }
    slots.push({ condition: signature });
  }
  return slots;
}

function recognizeCondition(
  entry: unknown,
  byKey: Map<string, DesignerField>,
): { condition: VisibleWhen; fields: string[]; required: string[] } | undefined {
  if (!isObject(entry) || !isObject(entry.if)) return undefined;
  const keys = Object.keys(entry).sort().join(',');
  if (keys !== 'if,then' && keys !== 'else,if') return undefined;
  const negated = keys === 'else,if';
  const test = entry.if;
  if (Object.keys(test).sort().join(',') !== 'properties,required' || !isObject(test.properties))
    return undefined;
  const tested = Object.keys(test.properties);
  if (tested.length !== 1) return undefined;
  const on = tested[0] as string;
  const rule = test.properties[on];
  if (!isObject(rule) || Object.keys(rule).length !== 1 || !byKey.has(on)) return undefined;
  let condition: VisibleWhen;
  if ('const' in rule) condition = { field: on, op: negated ? 'neq' : 'eq', value: rule.const };
  else if (Array.isArray(rule.enum))
    condition = { field: on, op: negated ? 'notIn' : 'in', value: rule.enum };
  else return undefined;
  const branch = negated ? entry.else : entry.then;
  if (!isObject(branch) || !isObject(branch.properties)) return undefined;
  const fields = Object.keys(branch.properties);
  if (fields.length === 0 || fields.includes(on) || !fields.every((f) => byKey.has(f))) return undefined;
  const required = Array.isArray(branch.required) ? (branch.required as string[]) : [];
  return { condition, fields, required };
}

// ---------------------------------------------------------------------------------------------
// Writing a definition

export function toDefinition(state: DesignerState): FormDefinitionLike {
  const schema = clone(state.schema);
  const ui = clone(state.ui);
  const meta = {
    sensitive: [] as string[],
    indexed: [] as string[],
    computed: [] as FormDefinitionLike['metadata']['computed'],
  };
  writeContainer(state.root, schema, ui, '', meta);
  meta.sensitive.push(...state.rest.sensitive);
  meta.indexed.push(...state.rest.indexed);
  meta.computed.push(...clone(state.rest.computed));
  return {
    key: state.key,
    title: { ...state.title },
    schema,
    uiSchema: ui,
    metadata: {
      sensitive: orderByHint(meta.sensitive, state.written.sensitive, (p) => p),
      indexed: orderByHint(meta.indexed, state.written.indexed, (p) => p),
      computed: orderByHint(meta.computed, state.written.computed, (c) => c.pointer),
    },
  };
}

function writeContainer(
  container: Container,
  schema: Json,
  ui: Json,
  pointer: string,
  meta: FormDefinitionLike['metadata'],
): void {
  const { fields, written } = container;
  const keys = fields.map((f) => f.key);
  if (container.raw) return;
  const properties: Json = {};
  for (const f of fields) {
    const childPointer = `${pointer}/${escapePointer(f.key)}`;
    const childSchema = clone(f.schema);
    const childUi = clone(f.ui);
    if (f.children) {
      if (f.kind === 'group') {
        const items = isObject(childSchema.items) ? (childSchema.items as Json) : { type: 'object' };
        const itemsUi = isObject(childUi.items) ? (childUi.items as Json) : {};
        writeContainer(f.children, items, itemsUi, `${childPointer}/*`, meta);
        childSchema.items = items;
        if (Object.keys(itemsUi).length > 0) childUi.items = itemsUi;
      } else {
        writeContainer(f.children, childSchema, childUi, childPointer, meta);
      }
    }
    properties[f.key] = childSchema;
    if (Object.keys(childUi).length > 0) ui[f.key] = childUi;
    if (f.sensitive) meta.sensitive.push(childPointer);
    if (f.indexed) meta.indexed.push(childPointer);
    if (f.computed) meta.computed.push({ pointer: childPointer, ...clone(f.computed) });
  }
  schema.properties = properties;

  const required = fields.filter((f) => f.required && !f.visibleWhen).map((f) => f.key);
  if (written.required && sameSet(required, written.required)) schema.required = [...written.required];
  else if (required.length > 0 || written.required)
    schema.required = orderByHint(required, written.required ?? [], (k) => k);

  const unchanged = written.keys !== undefined && written.keys.join('\u0000') === keys.join('\u0000');
  if (written.uiOrder && unchanged) ui['ui:order'] = [...written.uiOrder];
  else if (written.uiOrder || !unchanged) {
    // Every container the designer changed gets a ui:order: stored JSON does not keep key order.
    ui['ui:order'] = written.uiOrder?.includes('*') ? [...keys, '*'] : keys;
  }

  const allOf = compileConditions(fields, written.allOf ?? []);
  if (allOf.length > 0 || written.allOf) schema.allOf = allOf;
}

/** allOf: the kept entries and the compiled conditions where they were, new conditions last. */
function compileConditions(fields: DesignerField[], slots: AllOfSlot[]): unknown[] {
  const groups = new Map<
    string,
    { condition: VisibleWhen; targets: Array<{ key: string; required: boolean }> }
  >();
  for (const f of fields) {
    if (!f.visibleWhen) continue;
    const signature = conditionSignature(f.visibleWhen);
    let group = groups.get(signature);
    if (!group) {
      group = { condition: f.visibleWhen, targets: [] };
      groups.set(signature, group);
    }
    group.targets.push({ key: f.key, required: f.required });
  }
  const out: unknown[] = [];
  const done = new Set<string>();
  for (const slot of slots) {
    if ('raw' in slot) out.push(clone(slot.raw));
    else {
      const group = groups.get(slot.condition);
      if (!group) continue;
      out.push(compileCondition(group.condition, group.targets));
      done.add(slot.condition);
    }
  }
  for (const [signature, group] of groups) {
    if (!done.has(signature)) out.push(compileCondition(group.condition, group.targets));
  }
  return out;
}

/**
 * A visible-when condition as JSON Schema: the renderer hides a field that only an inactive
 * branch names, and the branch's `required` makes a shown field required.
 */
export function compileCondition(
  condition: VisibleWhen,
  targets: Array<{ key: string; required: boolean }>,
): Json {
  const list = condition.op === 'in' || condition.op === 'notIn';
  const rule = list
    ? { enum: Array.isArray(condition.value) ? condition.value : [condition.value] }
    : { const: condition.value };
  const branch: Json = { properties: Object.fromEntries(targets.map((t) => [t.key, true])) };
  const required = targets.filter((t) => t.required).map((t) => t.key);
  if (required.length > 0) branch.required = required;
  const test = { properties: { [condition.field]: rule }, required: [condition.field] };
  return condition.op === 'neq' || condition.op === 'notIn'
    ? { if: test, else: branch }
    : // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `then`, never awaited
      { if: test, then: branch };
}

export function conditionSignature(c: VisibleWhen): string {
  return JSON.stringify([c.field, c.op, c.value]);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function orderByHint<T>(items: T[], hint: string[], keyOf: (item: T) => string): T[] {
  const rank = new Map(hint.map((k, i) => [k, i]));
  return items
    .map((item, i) => ({ item, r: rank.get(keyOf(item)) ?? hint.length + i }))
    .sort((a, b) => a.r - b.r)
    .map((x) => x.item);
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
