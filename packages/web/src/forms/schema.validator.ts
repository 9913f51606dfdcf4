import { format, type OutputUnit, Validator } from '@cfworker/json-schema';
import {
  type CustomValidator,
  type ErrorTransformer,
  type RJSFSchema,
  type RJSFValidationError,
  toErrorSchema,
  type UiSchema,
  type ValidationData,
  type ValidatorType,
} from '@rjsf/utils';
import type { Locale } from '../i18n/messages';
import { pruneEmptyObjects } from './conditional-fields';

type Json = Record<string, unknown>;

/**
 * An rjsf validator that never generates code. @rjsf/validator-ajv8 compiles schemas with
 * `new Function`, which the app's Content-Security-Policy (script-src 'self') refuses; this one
 * interprets the schema with @cfworker/json-schema (drafts 4 to 2020-12) and words its messages in
 * the UI language. It checks the structure a person can fix while typing; the domain checks with
 * checksums (ID numbers, social credit codes) stay with the server, whose errors the form shows
 * under the same fields.
 */

// Cheap, checksum-free domain formats; the server checks the same names fully.
format.decimal = (s: string) => /^-?(0|[1-9]\d{0,27})(\.\d{1,10})?$/.test(s);
format.currency = (s: string) => /^[A-Z]{3}$/.test(s);
format['cn-mobile'] = (s: string) => /^1[3-9]\d{9}$/.test(s);

const AGGREGATES = new Set([
  'properties',
  'items',
  'prefixItems',
  'additionalItems',
  'allOf',
  '$ref',
  '$recursiveRef',
  'if',
  'then',
  'else',
  'dependentSchemas',
  'dependencies',
  'patternProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'propertyNames',
  'contains',
  'false',
]);

const MESSAGES: Record<Locale, Record<string, (p: Record<string, string>) => string>> = {
  'zh-CN': {
    required: () => '必填',
    type: (p) => `类型应为 ${p.expected ?? ''}`,
    minLength: (p) => `至少 ${p.limit} 个字符`,
    maxLength: (p) => `最多 ${p.limit} 个字符`,
    pattern: () => '格式不正确',
    format: (p) => `格式不正确（${p.format}）`,
    minimum: (p) => `不能小于 ${p.limit}`,
    maximum: (p) => `不能大于 ${p.limit}`,
    exclusiveMinimum: (p) => `必须大于 ${p.limit}`,
    exclusiveMaximum: (p) => `必须小于 ${p.limit}`,
    multipleOf: (p) => `必须是 ${p.limit} 的倍数`,
    enum: () => '请从选项中选择',
    const: () => '取值不符合要求',
    minItems: (p) => `至少 ${p.limit} 项`,
    maxItems: (p) => `最多 ${p.limit} 项`,
    uniqueItems: () => '不能有重复项',
    additionalProperties: () => '不允许的字段',
    oneOf: () => '请只满足其中一种情况',
    anyOf: () => '不符合任何一种允许的情况',
    not: () => '取值不被允许',
    other: () => '取值不符合要求',
  },
  en: {
    required: () => 'is required',
    type: (p) => `must be ${p.expected ?? 'of another type'}`,
    minLength: (p) => `must have at least ${p.limit} characters`,
    maxLength: (p) => `must have at most ${p.limit} characters`,
    pattern: () => 'has the wrong format',
    format: (p) => `is not a valid ${p.format}`,
    minimum: (p) => `must be at least ${p.limit}`,
    maximum: (p) => `must be at most ${p.limit}`,
    exclusiveMinimum: (p) => `must be more than ${p.limit}`,
    exclusiveMaximum: (p) => `must be less than ${p.limit}`,
    multipleOf: (p) => `must be a multiple of ${p.limit}`,
    enum: () => 'must be one of the options',
    const: () => 'has a value that is not allowed',
    minItems: (p) => `must have at least ${p.limit} items`,
    maxItems: (p) => `must have at most ${p.limit} items`,
    uniqueItems: () => 'must not repeat items',
    additionalProperties: () => 'is not an allowed field',
    oneOf: () => 'must match exactly one of the options',
    anyOf: () => 'must match one of the options',
    not: () => 'has a value that is not allowed',
    other: () => 'is invalid',
  },
};

function messageFor(unit: OutputUnit, locale: Locale): { message: string; missing?: string } {
  const words = MESSAGES[locale];
  const say = (key: string, params: Record<string, string> = {}) => (words[key] ?? words.other!)(params);
  const text = unit.error;
  switch (unit.keyword) {
    case 'required': {
      const missing = /required property "(.*)"/.exec(text)?.[1];
      return missing === undefined ? { message: say('required') } : { message: say('required'), missing };
    }
    case 'dependentRequired': {
      const missing = /but does not have "(.*)"/.exec(text)?.[1];
      return missing === undefined ? { message: say('required') } : { message: say('required'), missing };
    }
    case 'type':
      return {
        message: say('type', { expected: /Expected "(.*)"/.exec(text)?.[1]?.replaceAll('"', '') ?? '' }),
      };
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
      return { message: say(unit.keyword, { limit: /[<>] (\d+)\)/.exec(text)?.[1] ?? '' }) };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
      return {
        message: say(unit.keyword, { limit: /(-?[\d.e+-]+)\.?$/.exec(text.replace(/\.$/, ''))?.[1] ?? '' }),
      };
    case 'format':
      return { message: say('format', { format: /format "(.*)"/.exec(text)?.[1] ?? '' }) };
    default:
      return { message: say(unit.keyword) };
  }
}

/** Keywords whose failure a field's own error message (the designer's `errorMessage`) replaces. */
const OWN_RULES = new Set([
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'pattern',
  'format',
]);

/** The `x-errorMessage` (written by localizeForm from x-i18n) of the schema whose keyword failed. */
function ownMessage(schema: Json, unit: OutputUnit): string | undefined {
  if (!OWN_RULES.has(unit.keyword)) return undefined;
  let node: unknown = schema;
  for (const segment of instancePath(unit.keywordLocation).slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Json)[segment];
  }
  const text = typeof node === 'object' && node !== null ? (node as Json)['x-errorMessage'] : undefined;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

/** '#/a/0/b' (URI fragment, JSON pointer) → ['a', '0', 'b']. */
function instancePath(location: string): string[] {
  const pointer = decodeURIComponent(location.replace(/^#/, ''));
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const draftOf = (schema: Json): '4' | '7' | '2019-09' | '2020-12' => {
  const id = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (id.includes('draft-04')) return '4';
  if (id.includes('draft-07') || id.includes('draft-06')) return '7';
  if (id.includes('2019-09')) return '2019-09';
  return '2020-12';
};

/** A subschema with the root's definitions beside it, so its local $refs resolve. */
function withRootDefinitions(schema: Json, root: Json | undefined): Json {
  if (!root || schema === root) return schema;
  const extra: Json = {};
  if (root.$defs && !schema.$defs) extra.$defs = root.$defs;
  if (root.definitions && !schema.definitions) extra.definitions = root.definitions;
  if (Object.keys(extra).length === 0) return schema;
  const copy = { ...schema, ...extra };
  delete copy.$id;
  return copy;
}

export class InterpretingValidator implements ValidatorType<unknown, RJSFSchema> {
  readonly #validators = new WeakMap<object, Validator>();
  readonly #scoped = new WeakMap<object, WeakMap<object, Validator>>();

  constructor(readonly locale: Locale) {}

  #validator(schema: Json, root?: Json): Validator {
    if (root && root !== schema) {
      let byRoot = this.#scoped.get(root);
      if (!byRoot) {
        byRoot = new WeakMap();
        this.#scoped.set(root, byRoot);
      }
      let v = byRoot.get(schema);
      if (!v) {
        v = new Validator(withRootDefinitions(schema, root) as never, draftOf(root), false);
        byRoot.set(schema, v);
      }
      return v;
    }
    let v = this.#validators.get(schema);
    if (!v) {
      v = new Validator(schema as never, draftOf(schema), false);
      this.#validators.set(schema, v);
    }
    return v;
  }

  /** Leaf problems only (a failed `properties` or `allOf` repeats what its children said). */
  errorsOf(schema: Json, data: unknown): RJSFValidationError[] {
    const result = this.#validator(schema).validate(data);
    if (result.valid) return [];
    const units = result.errors.filter((u) => !AGGREGATES.has(u.keyword));
    const seen = new Set<string>();
    const errors: RJSFValidationError[] = [];
    for (const unit of units) {
      const worded = messageFor(unit, this.locale);
      const { missing } = worded;
      const message = ownMessage(schema, unit) ?? worded.message;
      const path = instancePath(unit.instanceLocation);
      if (missing !== undefined) path.push(missing);
      const property = path.length ? `.${path.join('.')}` : '';
      const key = `${property}|${unit.keyword}|${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push({
        name: unit.keyword,
        property,
        message,
        params: {},
        stack: `${property} ${message}`.trim(),
        schemaPath: unit.keywordLocation,
      });
    }
    // An anyOf/oneOf failure is only worth showing when nothing more precise was said.
    const precise = errors.filter((e) => e.name !== 'anyOf' && e.name !== 'oneOf');
    return precise.length > 0 ? precise : errors;
  }

  validateFormData(
    formData: unknown,
    schema: RJSFSchema,
    customValidate?: CustomValidator<unknown, RJSFSchema>,
    transformErrors?: ErrorTransformer<unknown, RJSFSchema>,
    uiSchema?: UiSchema<unknown, RJSFSchema>,
  ): ValidationData<unknown> {
    let errors = this.errorsOf(schema as Json, pruneEmptyObjects(formData ?? {}));
    if (transformErrors) errors = transformErrors(errors, uiSchema);
    const errorSchema = toErrorSchema<unknown>(errors);
    if (!customValidate) return { errors, errorSchema };
    return { errors, errorSchema };
  }

  isValid(schema: RJSFSchema, formData: unknown, rootSchema: RJSFSchema): boolean {
    try {
      return this.#validator(schema as Json, rootSchema as Json).validate(formData).valid;
    } catch {
      return false;
    }
  }

  rawValidation<Result = unknown>(
    schema: RJSFSchema,
    formData?: unknown,
  ): { errors?: Result[]; validationError?: Error } {
    try {
      const result = this.#validator(schema as Json).validate(formData);
      return result.valid ? {} : { errors: result.errors as Result[] };
    } catch (error) {
      return { validationError: error as Error };
    }
  }

  reset(): void {}
}

const byLocale = new Map<Locale, InterpretingValidator>();

export function validatorFor(locale: Locale): InterpretingValidator {
  let v = byLocale.get(locale);
  if (!v) {
    v = new InterpretingValidator(locale);
    byLocale.set(locale, v);
  }
  return v;
}
