import { Decimal } from 'decimal.js';
import { compileExpression, useDotAccessOperator } from 'filtrex';
import type { ComputedFieldType } from '../definition/form-definition.types.js';
import { scanExpression } from './expression.references.js';

/**
 * Why filtrex with Decimal operators (rather than our own evaluator): filtrex's grammar, parser
 * and safety story (no access to prototypes, globals or `this`; every name goes through `prop`)
 * are tested upstream, and its `operators` and `extraFunctions` options let every arithmetic
 * operation run on decimal.js. So `principal + interest` on "0.10" and "0.20" is exactly "0.30".
 * filtrex generates a JavaScript function from its own parse tree (never from the raw text);
 * a page with a CSP that forbids 'unsafe-eval' cannot run it and must compute on the server.
 */

// A private Decimal class: global Decimal config is shared with whoever else imports decimal.js.
const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = Decimal;

const DECIMAL_TEXT = /^\s*-?\d+(\.\d+)?\s*$/;

export class ExpressionValueError extends Error {}

function toDecimal(value: unknown): Dec {
  if (value instanceof Dec) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Dec(value);
  if (typeof value === 'string' && DECIMAL_TEXT.test(value)) return new Dec(value.trim());
  throw new ExpressionValueError(`not a number: ${JSON.stringify(value) ?? String(value)}`);
}

function isNumeric(value: unknown): boolean {
  return (
    value instanceof Dec ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    (typeof value === 'string' && DECIMAL_TEXT.test(value))
  );
}

function finite(value: Dec): Dec {
  if (!value.isFinite()) throw new ExpressionValueError('division by zero');
  return value;
}

const decimalOperators = {
  '+': (a: unknown, b: unknown) => toDecimal(a).plus(toDecimal(b)),
  '-': (a: unknown, b?: unknown) => (b === undefined ? toDecimal(a).neg() : toDecimal(a).minus(toDecimal(b))),
  '*': (a: unknown, b: unknown) => toDecimal(a).times(toDecimal(b)),
  '/': (a: unknown, b: unknown) => finite(toDecimal(a).div(toDecimal(b))),
  '^': (a: unknown, b: unknown) => finite(toDecimal(a).pow(toDecimal(b))),
  mod: (a: unknown, b: unknown) => finite(toDecimal(a).mod(toDecimal(b))),
  '==': (a: unknown, b: unknown) => (isNumeric(a) && isNumeric(b) ? toDecimal(a).eq(toDecimal(b)) : a === b),
  '!=': (a: unknown, b: unknown) => (isNumeric(a) && isNumeric(b) ? !toDecimal(a).eq(toDecimal(b)) : a !== b),
  '<': (a: unknown, b: unknown) => toDecimal(a).lt(toDecimal(b)),
  '<=': (a: unknown, b: unknown) => toDecimal(a).lte(toDecimal(b)),
  '>': (a: unknown, b: unknown) => toDecimal(a).gt(toDecimal(b)),
  '>=': (a: unknown, b: unknown) => toDecimal(a).gte(toDecimal(b)),
};

const decimalFunctions: Record<string, (...args: unknown[]) => unknown> = {
  abs: (x) => toDecimal(x).abs(),
  ceil: (x) => toDecimal(x).ceil(),
  floor: (x) => toDecimal(x).floor(),
  // round(x) or round(x, places); half-up, the rounding Chinese accounting rules expect.
  round: (x, places = 0) => toDecimal(x).toDecimalPlaces(toDecimal(places).toNumber(), Dec.ROUND_HALF_UP),
  max: (...xs) => Dec.max(...xs.map(toDecimal)),
  min: (...xs) => Dec.min(...xs.map(toDecimal)),
  sqrt: (x) => toDecimal(x).sqrt(),
  log: (x) => toDecimal(x).ln(),
  log2: (x) => Dec.log2(toDecimal(x)),
  log10: (x) => Dec.log10(toDecimal(x)),
};

/** Functions an expression may call (filtrex's own exists/empty included). */
export const EXPRESSION_FUNCTIONS: ReadonlySet<string> = new Set([
  ...Object.keys(decimalFunctions),
  'exists',
  'empty',
]);

export type CompiledExpression = (data: unknown) => unknown;

/** Throws (a parse error) when the expression is not valid filtrex; checkDefinition catches it. */
export function compileComputedExpression(expression: string, type: ComputedFieldType): CompiledExpression {
  const { deprecated } = scanExpression(expression);
  if (deprecated.length > 0) {
    throw new SyntaxError(`use "mod" and "if ... then ... else" instead of ${deprecated.join(' ')}`);
  }
  const options = {
    customProp: useDotAccessOperator,
    constants: { true: true, false: false },
    // Strings keep filtrex's own operators, where + concatenates text.
    ...(type === 'string'
      ? {}
      : {
          operators: decimalOperators as NonNullable<Parameters<typeof compileExpression>[1]>['operators'],
          extraFunctions: decimalFunctions,
        }),
  };
  const run = compileExpression(expression, options);
  return (data) => {
    const result: unknown = run(data);
    // filtrex returns, not throws, the errors raised while evaluating.
    if (result instanceof Error) throw result;
    return result;
  };
}

/** Converts an expression's result into the declared type of the computed field. */
export function coerceResult(value: unknown, type: ComputedFieldType, scale = 2): unknown {
  switch (type) {
    case 'money':
      return toDecimal(value).toDecimalPlaces(scale, Dec.ROUND_HALF_UP).toFixed(scale);
    case 'number': {
      const n = toDecimal(value).toNumber();
      if (!Number.isFinite(n)) throw new ExpressionValueError('result is out of range');
      return n;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw new ExpressionValueError('result is not true or false');
      return value;
    case 'string':
      if (value instanceof Dec) return (value as Dec).toFixed();
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        return String(value);
      throw new ExpressionValueError('result is not text');
  }
}
