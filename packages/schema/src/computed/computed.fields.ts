import { LruCache } from '../cache/lru.cache.js';
import type {
  ComputedField,
  FormDefinition,
  Locale,
  SchemaProblem,
} from '../definition/form-definition.types.js';
import { formatMessage } from '../i18n/problem.messages.js';
import { isPlainObject, parsePointer } from '../pointer/json-pointer.utils.js';
import { type CompiledExpression, coerceResult, compileComputedExpression } from './expression.compiler.js';
import { fieldPathToPointer, scanExpression } from './expression.references.js';

// Expressions come from a bounded set of published definitions; 1,000 covers every live form
// while keeping a misbehaving caller that invents expressions from growing memory without limit.
const compiled = new LruCache<string, CompiledExpression>(1000);

function compiledFor(field: ComputedField): CompiledExpression {
  const cacheKey = `${field.type}\u0000${field.expression}`;
  let run = compiled.get(cacheKey);
  if (!run) {
    run = compileComputedExpression(field.expression, field.type);
    compiled.set(cacheKey, run);
  }
  return run;
}

/**
 * Orders computed fields so a field that reads another computed field runs after it
 * (e.g. total = principal + interest, then balance = total - paid). Fields in a cycle are
 * returned apart and never evaluated.
 */
export function orderComputedFields(fields: ComputedField[]): {
  ordered: ComputedField[];
  cyclic: ComputedField[];
} {
  const byPointer = new Map(fields.map((f) => [f.pointer, f]));
  const dependsOn = new Map<ComputedField, ComputedField[]>();
  for (const field of fields) {
    let names: string[] = [];
    try {
      names = scanExpression(field.expression).fields;
    } catch {
      // an unparsable expression has no known dependencies
    }
    dependsOn.set(
      field,
      names
        .map((n) => byPointer.get(fieldPathToPointer(n)))
        .filter((f): f is ComputedField => f !== undefined),
    );
  }
  const ordered: ComputedField[] = [];
  const cyclic: ComputedField[] = [];
  const state = new Map<ComputedField, 'visiting' | 'done' | 'cyclic'>();
  const visit = (field: ComputedField): boolean => {
    const s = state.get(field);
    if (s === 'done') return true;
    if (s === 'visiting' || s === 'cyclic') return false;
    state.set(field, 'visiting');
    let ok = true;
    for (const dep of dependsOn.get(field) ?? []) ok = visit(dep) && ok;
    state.set(field, ok ? 'done' : 'cyclic');
    (ok ? ordered : cyclic).push(field);
    return ok;
  };
  for (const field of fields) visit(field);
  return { ordered, cyclic };
}

export interface ComputedEvaluation {
  data: Record<string, unknown>;
  /** Fields that could not be computed (missing inputs, non-numbers, division by zero...). */
  problems: SchemaProblem[];
}

/**
 * Returns a copy of the data with every computed field written. A field that cannot be
 * computed is removed rather than kept: computed values belong to the server, so a value the
 * client sent must never survive as if it had been computed. Schema validation then reports it
 * if the field is required.
 */
export function evaluateComputedDetailed(
  def: Pick<FormDefinition, 'metadata'>,
  data: Record<string, unknown>,
  options: { locale?: Locale } = {},
): ComputedEvaluation {
  const locale = options.locale ?? 'en';
  const out = structuredClone(data);
  const problems: SchemaProblem[] = [];
  const { ordered, cyclic } = orderComputedFields(def.metadata.computed);
  for (const field of cyclic) {
    removeAt(out, field.pointer);
    problems.push({
      pointer: field.pointer,
      code: 'computed.cycle',
      message: formatMessage('computed.cycle', locale, { path: field.pointer }),
    });
  }
  for (const field of ordered) {
    try {
      const value = coerceResult(compiledFor(field)(out), field.type, field.scale ?? 2);
      setAt(out, field.pointer, value);
    } catch (error) {
      removeAt(out, field.pointer);
      problems.push({
        pointer: field.pointer,
        code: 'computed.evaluation_failed',
        message: formatMessage('computed.evaluation_failed', locale, { detail: (error as Error).message }),
      });
    }
  }
  return { data: out, problems };
}

/** The data with computed fields filled; see evaluateComputedDetailed for what failed. */
export function evaluateComputed(
  def: Pick<FormDefinition, 'metadata'>,
  data: Record<string, unknown>,
): Record<string, unknown> {
  return evaluateComputedDetailed(def, data).data;
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

function setAt(root: Record<string, unknown>, pointer: string, value: unknown): void {
  const segments = parsePointer(pointer);
  if (!segments || segments.length === 0 || segments.some((s) => FORBIDDEN_SEGMENTS.has(s))) {
    throw new Error(`cannot write to pointer "${pointer}"`);
  }
  let current: Record<string, unknown> = root;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (!isPlainObject(next)) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[segments[segments.length - 1]!] = value;
}

function removeAt(root: Record<string, unknown>, pointer: string): void {
  const segments = parsePointer(pointer);
  if (!segments || segments.length === 0) return;
  let current: unknown = root;
  for (const segment of segments.slice(0, -1)) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return;
    current = current[segment];
  }
  if (isPlainObject(current)) delete current[segments[segments.length - 1]!];
}
