import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from '../ajv/ajv.factory.js';
import { orderComputedFields } from '../computed/computed.fields.js';
import { compileComputedExpression, EXPRESSION_FUNCTIONS } from '../computed/expression.compiler.js';
import { fieldPathToPointer, scanExpression } from '../computed/expression.references.js';
import { resolveFieldSchemas } from '../definition/field.resolver.js';
import { formDefinitionJsonSchema } from '../definition/form-definition.schema.js';
import type { ComputedField, Locale } from '../definition/form-definition.types.js';
import { localizeAjvErrors } from '../i18n/ajv.localize.js';
import { formatMessage } from '../i18n/problem.messages.js';
import { isPlainObject } from '../pointer/json-pointer.utils.js';
import { loadReferencedForms } from '../refs/ref.graph.js';
import { errorPointer } from '../validation/error.pointer.js';
import { type CheckOptions, checkSchema, type DefinitionProblem } from './schema.checks.js';

let definitionValidator: ValidateFunction | undefined;

/** Compiled on first use and kept: the FormDefinition shape never changes at runtime. */
function validateShape(def: unknown): ErrorObject[] {
  definitionValidator ??= createAjv({ draft: '2020-12' }).compile(formDefinitionJsonSchema);
  return definitionValidator(def) ? [] : [...(definitionValidator.errors ?? [])];
}

/** Every error the form designer should show before a definition can be published. */
export function hasErrors(problems: readonly DefinitionProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/**
 * Checks a whole FormDefinition and returns every problem found as data, pointers relative to
 * the definition ('/schema/properties/phone/pattern', '/metadata/sensitive/0'). It never throws
 * for bad input, whatever its shape; an exception from here is a bug.
 */
export function checkDefinition(def: unknown, options: CheckOptions = {}): DefinitionProblem[] {
  const locale = options.locale ?? 'en';
  const problems: DefinitionProblem[] = [];
  const shapeErrors = validateShape(def);
  localizeAjvErrors(shapeErrors, locale);
  for (const e of shapeErrors) {
    const pointer = errorPointer(e);
    // checkSchema reports a non-object schema more precisely below.
    if (pointer === '/schema') continue;
    problems.push({
      pointer,
      code: pointer === '/key' ? 'definition.invalid_key' : 'definition.invalid',
      message:
        pointer === '/key'
          ? formatMessage('definition.invalid_key', locale)
          : formatMessage('definition.invalid', locale, {
              detail: `${pointer || '/'} ${e.message ?? e.keyword}`,
            }),
      severity: 'error',
    });
  }
  if (!isPlainObject(def) || !('schema' in def)) return problems;

  const schemaResult = checkSchema(def.schema, options);
  for (const p of schemaResult.problems) problems.push({ ...p, pointer: `/schema${p.pointer}` });
  // Metadata can only be resolved against a schema that is itself sound.
  if (schemaResult.problems.some((p) => p.severity === 'error') || !isPlainObject(def.schema))
    return problems;
  if (!schemaResult.draft) return problems;
  const metadata = def.metadata;
  if (!isPlainObject(metadata)) return problems;
  const schema = def.schema;
  const documents = loadReferencedForms(schema, schemaResult.draft, options.resolveRef, locale).documents;
  const hasField = (pointer: string) => resolveFieldSchemas(schema, pointer, documents).length > 0;

  for (const list of ['sensitive', 'indexed'] as const) {
    const pointers = metadata[list];
    if (!Array.isArray(pointers)) continue;
    pointers.forEach((target, index) => {
      if (typeof target === 'string' && !hasField(target)) {
        problems.push(unknownPointer(`/metadata/${list}/${index}`, target, locale));
      }
    });
  }
  if (Array.isArray(metadata.computed)) {
    problems.push(
      ...checkComputed(
        metadata.computed as ComputedField[],
        (pointer) => resolveFieldSchemas(schema, pointer, documents),
        locale,
      ),
    );
  }
  return problems;
}

function checkComputed(
  fields: ComputedField[],
  resolve: (pointer: string) => Record<string, unknown>[],
  locale: Locale,
): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const valid = fields.filter(
    (f) => isPlainObject(f) && typeof f.expression === 'string' && typeof f.pointer === 'string',
  );
  const seen = new Set<string>();
  fields.forEach((field, index) => {
    if (!valid.includes(field)) return;
    const at = `/metadata/computed/${index}`;
    const targets = resolve(field.pointer);
    if (targets.length === 0) problems.push(unknownPointer(`${at}/pointer`, field.pointer, locale));
    else checkComputedType(field, targets, `${at}/type`, locale, problems);
    if (seen.has(field.pointer)) {
      problems.push({
        pointer: `${at}/pointer`,
        code: 'metadata.duplicate_pointer',
        message: formatMessage('metadata.duplicate_pointer', locale, { target: field.pointer }),
        severity: 'error',
      });
    }
    seen.add(field.pointer);
    try {
      compileComputedExpression(field.expression, field.type);
    } catch (error) {
      problems.push({
        pointer: `${at}/expression`,
        code: 'computed.bad_expression',
        message: formatMessage('computed.bad_expression', locale, {
          detail: parseErrorSummary((error as Error).message),
        }),
        severity: 'error',
      });
      return;
    }
    const references = scanExpression(field.expression);
    for (const name of references.fields) {
      if (resolve(fieldPathToPointer(name)).length === 0) {
        problems.push({
          pointer: `${at}/expression`,
          code: 'computed.unknown_field',
          message: formatMessage('computed.unknown_field', locale, { name }),
          severity: 'error',
        });
      }
    }
    for (const name of references.functions) {
      if (!EXPRESSION_FUNCTIONS.has(name)) {
        problems.push({
          pointer: `${at}/expression`,
          code: 'computed.unknown_function',
          message: formatMessage('computed.unknown_function', locale, { name }),
          severity: 'error',
        });
      }
    }
  });
  const { cyclic } = orderComputedFields(valid);
  for (const field of cyclic) {
    problems.push({
      pointer: `/metadata/computed/${fields.indexOf(field)}/expression`,
      code: 'computed.cycle',
      message: formatMessage('computed.cycle', locale, { path: cyclic.map((f) => f.pointer).join(' → ') }),
      severity: 'error',
    });
  }
  return problems;
}

const EXPECTED_TYPES: Record<ComputedField['type'], string[]> = {
  money: ['string'],
  number: ['number', 'integer'],
  string: ['string'],
  boolean: ['boolean'],
};

/** A computed money field must be stored as a decimal string; other mismatches fail validation later. */
function checkComputedType(
  field: ComputedField,
  targets: Record<string, unknown>[],
  pointer: string,
  locale: Locale,
  problems: DefinitionProblem[],
): void {
  const expected = EXPECTED_TYPES[field.type];
  if (!expected) return;
  const declared = targets.flatMap((t) =>
    Array.isArray(t.type) ? t.type : t.type === undefined ? [] : [t.type],
  );
  if (declared.length === 0 || declared.some((t) => expected.includes(String(t)))) return;
  problems.push({
    pointer,
    code: 'computed.type_mismatch',
    message: formatMessage('computed.type_mismatch', locale, {
      type: field.type,
      expected: expected.join('/'),
    }),
    severity: 'error',
  });
}

function unknownPointer(pointer: string, target: string, locale: Locale): DefinitionProblem {
  return {
    pointer,
    code: 'metadata.unknown_pointer',
    message: formatMessage('metadata.unknown_pointer', locale, { target }),
    severity: 'error',
  };
}

/** filtrex's parse errors are four lines (header, text, caret, expectation); keep what helps. */
function parseErrorSummary(text: string): string {
  const lines = text.split('\n');
  const caret = lines[2]?.indexOf('^') ?? -1;
  if (lines.length >= 4 && caret >= 0) return `at column ${caret + 1}: ${lines[3]}`;
  return lines[0] ?? text;
}
