import { Decimal } from 'decimal.js';
import { compileExpression } from 'filtrex';
import { EngineError } from '../errors/engine.error.js';

/**
 * The condition/expression language of collectflow processes.
 *
 * Authors write Camunda-style `${paidAmount >= 0.9 * promisedAmount}`. The text inside `${...}`
 * is tokenized here, translated to filtrex syntax and compiled by filtrex, which builds a
 * function from a grammar: user text is never handed to eval or node:vm.
 *
 * Accepted syntax: numbers, 'single' or "double" quoted strings, true/false/null, variables
 * and dotted paths (`debtor.address.city`, missing parts are null), arithmetic `+ - * / %`,
 * comparisons `== != < <= > >=` (and JUEL's `eq ne lt le gt ge`), boolean `&& || !` (and
 * `and or not`), `x in (a, b)`, `if c then a else b`, parentheses and the functions in
 * {@link EXPRESSION_FUNCTIONS}. Numbers and decimal strings ("1250.50") compare and compute
 * as decimals, so money held as strings behaves like money.
 */

export const EXPRESSION_FUNCTIONS = [
  'abs',
  'ceil',
  'floor',
  'round',
  'min',
  'max',
  'exists',
  'empty',
] as const;

export type ExpressionScope = Readonly<Record<string, unknown>>;

export interface CompiledExpression {
  /** The text between `${` and `}`. */
  readonly source: string;
  evaluate(scope: ExpressionScope): unknown;
}

/** A string that may hold `${...}` parts: whole-expression templates keep the value's type. */
export interface CompiledTemplate {
  readonly source: string;
  readonly isExpression: boolean;
  evaluate(scope: ExpressionScope): unknown;
}

export class ExpressionSyntaxError extends EngineError {
  readonly position: number | undefined;

  constructor(message: string, position?: number) {
    super('engine.expression_invalid', 'invalid', message);
    this.position = position;
  }
}

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const KEYWORD_MAP: ReadonlyMap<string, string> = new Map([
  ['and', 'and'],
  ['or', 'or'],
  ['not', 'not'],
  ['in', 'in'],
  ['if', 'if'],
  ['then', 'then'],
  ['else', 'else'],
  ['mod', 'mod'],
  ['eq', '=='],
  ['ne', '!='],
  ['lt', '<'],
  ['le', '<='],
  ['gt', '>'],
  ['ge', '>='],
  ['div', '/'],
  ['true', 'true'],
  ['false', 'false'],
  ['null', 'null'],
]);
const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', ','];
const OPERATOR_MAP: Readonly<Record<string, string>> = { '&&': 'and', '||': 'or', '!': 'not', '%': 'mod' };

/** Translates our surface syntax into filtrex's, rejecting anything we do not document. */
export function translateToFiltrex(source: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let value = '';
      while (j < source.length && source[j] !== ch) {
        if (source[j] === '\\' && j + 1 < source.length) {
          value += source[j + 1];
          j += 2;
        } else {
          value += source[j];
          j++;
        }
      }
      if (j >= source.length) throw new ExpressionSyntaxError(`unterminated string at ${i}`, i);
      out.push(`"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
      i = j + 1;
      continue;
    }
    const number = /^(\d+(\.\d+)?([eE][+-]?\d+)?|\.\d+)/.exec(source.slice(i));
    if (number) {
      out.push(number[0]);
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*/.exec(source.slice(i));
    if (ident) {
      const word = ident[0];
      const rest = source.slice(i + word.length);
      if (/^\s*\(/.test(rest) && !KEYWORD_MAP.has(word)) {
        if (!(EXPRESSION_FUNCTIONS as readonly string[]).includes(word)) {
          throw new ExpressionSyntaxError(
            `unknown function ${word}(); available: ${EXPRESSION_FUNCTIONS.join(', ')}`,
            i,
          );
        }
        out.push(word);
      } else if (KEYWORD_MAP.has(word)) {
        out.push(KEYWORD_MAP.get(word)!);
      } else {
        for (const segment of word.split('.')) {
          if (FORBIDDEN_SEGMENTS.has(segment))
            throw new ExpressionSyntaxError(`"${segment}" is not allowed`, i);
        }
        // Quoted symbols make filtrex hand every variable to our resolver, constants included.
        out.push(`'${word}'`);
      }
      i += word.length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (op) {
      out.push(OPERATOR_MAP[op] ?? op);
      i += op.length;
      continue;
    }
    throw new ExpressionSyntaxError(`unexpected character "${ch}" at ${i}`, i);
  }
  if (out.length === 0) throw new ExpressionSyntaxError('empty expression', 0);
  return out.join(' ');
}

function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return DECIMAL_TEXT.test(value.trim());
  return Decimal.isDecimal(value);
}

function toDecimal(value: unknown): Decimal {
  if (typeof value === 'string') return new Decimal(value.trim());
  return new Decimal(value as Decimal.Value);
}

function compare(a: unknown, b: unknown): number | undefined {
  if (isNumeric(a) && isNumeric(b)) return toDecimal(a).comparedTo(toDecimal(b));
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function equals(a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return toDecimal(a).equals(toDecimal(b));
  return normalize(a) === normalize(b);
}

function arithmetic(op: (x: Decimal, y: Decimal) => Decimal) {
  return (a: unknown, b: unknown): unknown => {
    if (!isNumeric(a) || !isNumeric(b)) {
      throw new EngineError(
        'engine.expression_failed',
        'invalid',
        `cannot compute with ${String(a)} and ${String(b)}`,
      );
    }
    return op(toDecimal(a), toDecimal(b));
  };
}

const operators = {
  '+': (a: unknown, b: unknown): unknown =>
    typeof a === 'string' && typeof b === 'string' && !(isNumeric(a) && isNumeric(b))
      ? a + b
      : arithmetic((x, y) => x.plus(y))(a, b),
  '-': (a: unknown, b?: unknown): unknown =>
    b === undefined ? arithmetic((x) => x.negated())(a, 0) : arithmetic((x, y) => x.minus(y))(a, b),
  '*': arithmetic((x, y) => x.times(y)),
  '/': arithmetic((x, y) => x.dividedBy(y)),
  '%': arithmetic((x, y) => x.mod(y)),
  '==': (a: unknown, b: unknown) => equals(a, b),
  '!=': (a: unknown, b: unknown) => !equals(a, b),
  '<': (a: unknown, b: unknown) => (compare(a, b) ?? Number.NaN) < 0,
  '<=': (a: unknown, b: unknown) => (compare(a, b) ?? Number.NaN) <= 0,
  '>': (a: unknown, b: unknown) => (compare(a, b) ?? Number.NaN) > 0,
  '>=': (a: unknown, b: unknown) => (compare(a, b) ?? Number.NaN) >= 0,
};

const extraFunctions = {
  abs: (x: unknown) => toDecimal(x).abs(),
  ceil: (x: unknown) => toDecimal(x).ceil(),
  floor: (x: unknown) => toDecimal(x).floor(),
  round: (x: unknown) => toDecimal(x).toDecimalPlaces(0, Decimal.ROUND_HALF_UP),
  min: (...xs: unknown[]) => Decimal.min(...xs.map(toDecimal)),
  max: (...xs: unknown[]) => Decimal.max(...xs.map(toDecimal)),
  exists: (x: unknown) => x !== undefined && x !== null,
  empty: (x: unknown) => x === undefined || x === null || x === '' || (Array.isArray(x) && x.length === 0),
};

const CONSTANTS: Readonly<Record<string, unknown>> = { true: true, false: false, null: null };

/** Resolves a dotted path through own properties only, so prototypes stay out of reach. */
function resolvePath(scope: ExpressionScope, path: string): unknown {
  if (Object.hasOwn(CONSTANTS, path)) return CONSTANTS[path];
  let current: unknown = scope;
  for (const segment of path.split('.')) {
    if (current === null || current === undefined || typeof current !== 'object') return null;
    if (!Object.hasOwn(current, segment)) return null;
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined ? null : current;
}

/** Decimals stay exact inside an expression and leave it as decimal strings. */
function normalize(value: unknown): unknown {
  return Decimal.isDecimal(value) ? (value as Decimal).toString() : value;
}

const cache = new Map<string, CompiledExpression>();
const CACHE_LIMIT = 2000;

/** Compiles the inside of one `${...}`. Throws {@link ExpressionSyntaxError} on bad syntax. */
export function compileInnerExpression(source: string): CompiledExpression {
  const cached = cache.get(source);
  if (cached) return cached;
  const translated = translateToFiltrex(source);
  let fn: (scope: unknown) => unknown;
  try {
    fn = compileExpression(translated, {
      extraFunctions,
      operators,
      customProp: (name: string, _get: unknown, object: unknown) =>
        resolvePath(object as ExpressionScope, name),
    });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n').slice(-1)[0] : String(err);
    throw new ExpressionSyntaxError(`cannot parse "${source}": ${message}`);
  }
  const compiled: CompiledExpression = {
    source,
    evaluate(scope) {
      const result = fn(scope);
      // filtrex returns (does not throw) its runtime errors.
      if (result instanceof Error) {
        throw new EngineError(
          'engine.expression_failed',
          'invalid',
          `"${source}" failed: ${result.message}`,
          {
            cause: result,
          },
        );
      }
      return normalize(result);
    },
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, compiled);
  return compiled;
}

interface TemplatePart {
  text?: string;
  expression?: CompiledExpression;
}

/** Splits text on `${...}`, honouring quotes so `${name == "}"}` is one expression. */
function splitTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  let literal = '';
  while (i < text.length) {
    if (text.startsWith('${', i)) {
      let j = i + 2;
      let quote: string | undefined;
      while (j < text.length) {
        const c = text[j]!;
        if (quote) {
          if (c === '\\') j++;
          else if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '}') break;
        j++;
      }
      if (j >= text.length) throw new ExpressionSyntaxError(`unterminated "\${" at ${i}`, i);
      if (literal) parts.push({ text: literal });
      literal = '';
      parts.push({ expression: compileInnerExpression(text.slice(i + 2, j)) });
      i = j + 1;
    } else {
      literal += text[i];
      i++;
    }
  }
  if (literal) parts.push({ text: literal });
  return parts;
}

/** Compiles text that may contain `${...}`; plain text evaluates to itself. */
export function compileTemplate(text: string): CompiledTemplate {
  const trimmed = text.trim();
  const parts = splitTemplate(trimmed);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.expression) {
    const expression = only.expression;
    return { source: text, isExpression: true, evaluate: (scope) => expression.evaluate(scope) };
  }
  const hasExpression = parts.some((p) => p.expression);
  return {
    source: text,
    isExpression: hasExpression,
    evaluate: (scope) =>
      hasExpression
        ? parts
            .map((p) => {
              if (p.text !== undefined) return p.text;
              const value = p.expression!.evaluate(scope);
              return value === null || value === undefined ? '' : String(value);
            })
            .join('')
        : text,
  };
}

/** True when the whole text is one `${...}` expression (what a condition must be). */
export function isWholeExpression(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed.startsWith('${') || !trimmed.endsWith('}')) return false;
  try {
    const parts = splitTemplate(trimmed);
    return parts.length === 1 && parts[0]?.expression !== undefined;
  } catch {
    return false;
  }
}

/** Lint helper: the syntax problem in a template, or undefined when it compiles. */
export function checkTemplate(text: string): string | undefined {
  try {
    compileTemplate(text);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Evaluates a sequence-flow condition: the text must be one `${...}` expression. */
export function evaluateCondition(text: string, scope: ExpressionScope): boolean {
  if (!isWholeExpression(text)) {
    throw new ExpressionSyntaxError(`a condition must be one \${...} expression, got "${text.trim()}"`);
  }
  const value = compileTemplate(text).evaluate(scope);
  return isTruthy(value);
}

function isTruthy(value: unknown): boolean {
  if (typeof value === 'string' && isNumeric(value)) return !new Decimal(value).isZero();
  return Boolean(value);
}
