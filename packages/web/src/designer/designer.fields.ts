/**
 * New fields from the palette, and the keywords the properties panel reads and writes. Labels and
 * help follow the definitions' convention: `title`/`description` hold the English text and
 * `x-i18n` holds both languages.
 */
import {
  type ComputedType,
  type Container,
  type DesignerField,
  type FieldKind,
  isObject,
  type Json,
  type Locale,
  newId,
  type Texts,
} from './designer.model';

export const PHONE_PATTERN = '^\\+?[0-9][0-9 -]{5,19}$';
export const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Kinds whose value is a scalar another field's condition can test. */
export const CONDITION_KINDS: ReadonlySet<FieldKind> = new Set(['singleChoice', 'yesNo', 'text', 'number']);
/** Kinds a computed expression can use. */
export const NUMERIC_KINDS: ReadonlySet<FieldKind> = new Set(['number', 'money', 'percentage', 'computed']);

export interface ChoiceOption {
  value: string;
  label: Texts;
}

function schemaFor(kind: FieldKind): { schema: Json; ui: Json } {
  switch (kind) {
    case 'text':
      return { schema: { type: 'string', maxLength: 200 }, ui: {} };
    case 'longText':
      return { schema: { type: 'string', maxLength: 2000 }, ui: { 'ui:widget': 'textarea' } };
    case 'number':
      return { schema: { type: 'number' }, ui: {} };
    case 'money':
      // Money travels as a decimal string; the currency is the field's own (x-currency).
      return {
        schema: { type: 'string', format: 'decimal', pattern: '^[0-9]', 'x-currency': 'CNY' },
        ui: {},
      };
    case 'percentage':
      return { schema: { type: 'number', minimum: 0, maximum: 100, 'x-field': 'percentage' }, ui: {} };
    case 'date':
      return { schema: { type: 'string', format: 'date' }, ui: {} };
    case 'dateTime':
      return { schema: { type: 'string', format: 'date-time' }, ui: {} };
    case 'singleChoice':
      return { schema: { type: 'string', enum: [] }, ui: {} };
    case 'multipleChoice':
      return {
        schema: { type: 'array', uniqueItems: true, items: { type: 'string', enum: [] } },
        ui: { 'ui:widget': 'checkboxes' },
      };
    case 'yesNo':
      return { schema: { type: 'boolean' }, ui: {} };
    case 'phone':
      return {
        schema: { type: 'string', maxLength: 20, pattern: PHONE_PATTERN, 'x-field': 'phone' },
        ui: {},
      };
    case 'email':
      return { schema: { type: 'string', format: 'email', maxLength: 254 }, ui: {} };
    case 'idNumber':
      return {
        schema: { type: 'string', minLength: 4, maxLength: 40, 'x-field': 'idNumber' },
        ui: { 'ui:autocomplete': 'off' },
      };
    case 'address':
      return { schema: addressSchema(), ui: {} };
    case 'file':
      // References to attachments (the files live in the attachments store; the server checks
      // each id and writes the stored name, size and type); rendered as an upload (cfFile).
      return {
        schema: { type: 'array', maxItems: 10, items: fileReferenceSchema(), 'x-field': 'file' },
        ui: { 'ui:field': 'cfFile' },
      };
    case 'section':
      return { schema: { type: 'object' }, ui: {} };
    case 'group':
      return { schema: { type: 'array', items: { type: 'object' } }, ui: {} };
    case 'computed':
      return { schema: { type: 'string', format: 'decimal', readOnly: true }, ui: { 'ui:readonly': true } };
    case 'advanced':
      return { schema: {}, ui: {} };
  }
}

/** One attached file as a record keeps it. */
export function fileReferenceSchema(): Json {
  return {
    type: 'object',
    required: ['id', 'name', 'size', 'contentType'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string', minLength: 1, maxLength: 255 },
      size: { type: 'integer', minimum: 0 },
      contentType: { type: 'string', minLength: 1, maxLength: 255 },
    },
  };
}

function part(en: string, zh: string, extra: Json): Json {
  return { ...extra, title: en, 'x-i18n': { 'zh-CN': { title: zh }, en: { title: en } } };
}

function addressSchema(): Json {
  return {
    type: 'object',
    'x-field': 'address',
    properties: {
      country: part('Country', '国家/地区', { type: 'string', pattern: '^[A-Z]{2}$', default: 'CN' }),
      region: part('Province / state', '省/州', { type: 'string', maxLength: 50 }),
      city: part('City', '城市', { type: 'string', maxLength: 50 }),
      district: part('District', '区/县', { type: 'string', maxLength: 50 }),
      street: part('Street address', '详细地址', { type: 'string', maxLength: 200 }),
      postcode: part('Postcode', '邮编', { type: 'string', maxLength: 12 }),
    },
    required: ['country', 'city'],
  };
}

/** A new field of `kind` labelled `label`, with a key unique among `siblings`. */
export function newField(kind: FieldKind, label: Texts, siblings: DesignerField[]): DesignerField {
  const { schema, ui } = schemaFor(kind);
  const field: DesignerField = {
    id: newId(),
    key: uniqueKey(deriveKey(label, kind), siblings),
    kind,
    schema,
    ui,
    required: false,
    sensitive: kind === 'idNumber' || kind === 'phone' || kind === 'address',
    indexed: false,
    keyEdited: false,
  };
  setLabel(field, label);
  if (kind === 'section' || kind === 'group') field.children = { fields: [], written: {} };
  if (kind === 'computed') field.computed = { expression: '', type: 'money' };
  return field;
}

/**
 * A key from a label: camelCase ASCII words of the English label; a label without any (Chinese
 * only) gives the kind's name. Uniqueness is uniqueKey's job.
 */
export function deriveKey(label: Partial<Texts>, kind: FieldKind): string {
  const words = (label.en ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const joined = words
    .map((w, i) =>
      i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1),
    )
    .join('');
  const key = /^[0-9]/.test(joined) ? `f${joined}` : joined;
  return key.slice(0, 60) || (kind === 'advanced' ? 'field' : kind);
}

/** `key`, or key2, key3… when a sibling (other than `self`) has it. */
export function uniqueKey(key: string, siblings: DesignerField[], self?: DesignerField): string {
  const taken = new Set(siblings.filter((f) => f !== self).map((f) => f.key));
  if (!taken.has(key)) return key;
  let n = 2;
  while (taken.has(`${key}${n}`)) n += 1;
  return `${key}${n}`;
}

function i18n(schema: Json, locale: Locale): Json {
  if (!isObject(schema['x-i18n'])) schema['x-i18n'] = {};
  const all = schema['x-i18n'] as Json;
  if (!isObject(all[locale])) all[locale] = {};
  return all[locale] as Json;
}

function textOf(schema: Json, locale: Locale, name: string): string {
  const all = schema['x-i18n'];
  const own = isObject(all) && isObject(all[locale]) ? (all[locale] as Json)[name] : undefined;
  if (typeof own === 'string') return own;
  return locale === 'en' && typeof schema[name] === 'string' ? (schema[name] as string) : '';
}

function setText(schema: Json, name: string, text: Partial<Texts>): void {
  for (const locale of ['zh-CN', 'en'] as const) {
    const value = text[locale];
    if (value === undefined) continue;
    const target = i18n(schema, locale);
    if (value === '') delete target[name];
    else target[name] = value;
  }
  const fallback =
    (text.en ?? textOf(schema, 'en', name)) || (text['zh-CN'] ?? textOf(schema, 'zh-CN', name));
  if (fallback) schema[name] = fallback;
  else delete schema[name];
}

export function labelOf(field: DesignerField): Texts {
  return { 'zh-CN': textOf(field.schema, 'zh-CN', 'title'), en: textOf(field.schema, 'en', 'title') };
}

/** The label in `locale`, falling back to the other language and then to the key. */
export function displayLabel(field: DesignerField, locale: Locale): string {
  const l = labelOf(field);
  return l[locale] || l[locale === 'en' ? 'zh-CN' : 'en'] || field.key;
}

export function setLabel(field: DesignerField, label: Partial<Texts>): void {
  setText(field.schema, 'title', label);
}

export function helpOf(field: DesignerField): Texts {
  return {
    'zh-CN': textOf(field.schema, 'zh-CN', 'description'),
    en: textOf(field.schema, 'en', 'description'),
  };
}

export function setHelp(field: DesignerField, help: Partial<Texts>): void {
  setText(field.schema, 'description', help);
}

/** The custom error message shown instead of the generic one when the field's own rules fail. */
export function errorMessageOf(field: DesignerField): Texts {
  return {
    'zh-CN': textOf(field.schema, 'zh-CN', 'errorMessage'),
    en: textOf(field.schema, 'en', 'errorMessage'),
  };
}

export function setErrorMessage(field: DesignerField, message: Partial<Texts>): void {
  for (const locale of ['zh-CN', 'en'] as const) {
    const value = message[locale];
    if (value === undefined) continue;
    const target = i18n(field.schema, locale);
    if (value === '') delete target.errorMessage;
    else target.errorMessage = value;
  }
}

/** The schema node holding the choices: the field, or its items for multiple choice. */
function choiceNode(field: DesignerField): Json {
  if (field.kind === 'multipleChoice' && isObject(field.schema.items)) return field.schema.items as Json;
  return field.schema;
}

export function optionsOf(field: DesignerField): ChoiceOption[] {
  const node = choiceNode(field);
  const values = Array.isArray(node.enum) ? node.enum : [];
  // Multiple choice keeps its option labels on the array (where the renderer reads them).
  const host = field.kind === 'multipleChoice' ? field.schema : node;
  const all = host['x-i18n'];
  const names = (locale: Locale): unknown[] => {
    const own = isObject(all) && isObject(all[locale]) ? (all[locale] as Json).enumNames : undefined;
    if (Array.isArray(own)) return own;
    const plain = node.enumNames;
    return locale === 'en' && Array.isArray(plain) ? plain : [];
  };
  const zh = names('zh-CN');
  const en = names('en');
  return values.map((v, i) => ({
    value: String(v),
    label: { 'zh-CN': String(zh[i] ?? ''), en: String(en[i] ?? '') },
  }));
}

export function setOptions(field: DesignerField, options: ChoiceOption[]): void {
  const node = choiceNode(field);
  const host = field.kind === 'multipleChoice' ? field.schema : node;
  node.enum = options.map((o) => o.value);
  node.enumNames = options.map((o) => o.label.en || o.label['zh-CN'] || o.value);
  for (const locale of ['zh-CN', 'en'] as const) {
    i18n(host, locale).enumNames = options.map(
      (o) => o.label[locale] || o.label.en || o.label['zh-CN'] || o.value,
    );
  }
  if (node.default !== undefined && !options.some((o) => o.value === node.default)) delete node.default;
  // A multiple choice's default is the list on the field: it keeps only the options still there.
  if (field.kind === 'multipleChoice' && Array.isArray(field.schema.default))
    setDefault(
      field,
      field.schema.default.filter((v) => options.some((o) => o.value === v)),
    );
}

/** An option value from its label: upper snake case ASCII, or OPTION_n. */
export function optionValue(label: string, index: number, taken: string[]): string {
  const base =
    label
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toUpperCase()
      .split(/[^A-Z0-9]+/)
      .filter(Boolean)
      .join('_')
      .slice(0, 40) || `OPTION_${index + 1}`;
  let value = base;
  let n = 2;
  while (taken.includes(value)) value = `${base}_${n++}`;
  return value;
}

export type Limit = 'minimum' | 'maximum' | 'minLength' | 'maxLength' | 'pattern' | 'minItems' | 'maxItems';

/** Which limits the panel offers for a kind. */
export function limitsFor(kind: FieldKind): Limit[] {
  switch (kind) {
    case 'text':
    case 'longText':
    case 'phone':
    case 'idNumber':
      return ['minLength', 'maxLength', 'pattern'];
    case 'number':
    case 'percentage':
      return ['minimum', 'maximum'];
    case 'multipleChoice':
    case 'file':
    case 'group':
      return ['minItems', 'maxItems'];
    case 'email':
      return ['maxLength'];
    case 'money':
      return ['pattern'];
    default:
      return [];
  }
}

export function setLimit(field: DesignerField, limit: Limit, value: number | string | undefined): void {
  if (value === undefined || value === '') delete field.schema[limit];
  else field.schema[limit] = value;
}

/** The default value as the schema holds it (a choice's option value, a number, true/false, text). */
export function setDefault(field: DesignerField, value: unknown): void {
  const empty =
    value === undefined || value === '' || value === null || (Array.isArray(value) && value.length === 0);
  if (empty) delete field.schema.default;
  else field.schema.default = value;
}

export function setComputedType(field: DesignerField, type: ComputedType): void {
  if (!field.computed) return;
  field.computed.type = type;
  const readOnly = { readOnly: true };
  const kept = { ...field.schema };
  for (const k of ['type', 'format', 'pattern']) delete kept[k];
  const base =
    type === 'money'
      ? { type: 'string', format: 'decimal' }
      : type === 'number'
        ? { type: 'number' }
        : type === 'boolean'
          ? { type: 'boolean' }
          : { type: 'string' };
  field.schema = { ...base, ...kept, ...readOnly };
}

/** Finds a field by id anywhere in the tree, with the container that holds it. */
export function locate(
  root: Container,
  id: string,
): { field: DesignerField; container: Container; index: number; parent: DesignerField | null } | undefined {
  const walk = (
    container: Container,
    parent: DesignerField | null,
  ): ReturnType<typeof locate> | undefined => {
    for (const [index, field] of container.fields.entries()) {
      if (field.id === id) return { field, container, index, parent };
      if (field.children) {
        const found = walk(field.children, field);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(root, null);
}

/** The container with this id: 'root' or a section's or group's field id. */
export function containerById(root: Container, id: string): Container | undefined {
  if (id === 'root') return root;
  return locate(root, id)?.field.children;
}

/** Every field in the tree, depth first, with its data pointer. */
export function allFields(root: Container): Array<{ field: DesignerField; pointer: string; depth: number }> {
  const out: Array<{ field: DesignerField; pointer: string; depth: number }> = [];
  const walk = (c: Container, prefix: string, depth: number) => {
    for (const f of c.fields) {
      const pointer = `${prefix}/${f.key}`;
      out.push({ field: f, pointer, depth });
      if (f.children) walk(f.children, f.kind === 'group' ? `${pointer}/*` : pointer, depth + 1);
    }
  };
  walk(root, '', 0);
  return out;
}
