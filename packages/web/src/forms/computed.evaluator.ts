import type { ComputedField } from '../api/types';
import { Dec } from './decimal';

/**
 * Live computed fields in the browser. The server evaluates definitions' expressions with filtrex,
 * which generates JavaScript functions: the app's Content-Security-Policy (script-src 'self', no
 * 'unsafe-eval') forbids that here. So this is an interpreter for the same language (filtrex's
 * grammar as the schema package allows it: arithmetic as decimal.js does it (decimal.ts), comparisons, and/or/not,
 * in, `if … then … else`, `x of y`, dotted names and the schema package's functions). The server
 * stays the authority: it recomputes every field on save.
 */

type Node =
  | { t: 'num'; v: string }
  | { t: 'str'; v: string }
  | { t: 'name'; v: string }
  | { t: 'list'; items: Node[] }
  | { t: 'call'; fn: string; args: Node[] }
  | { t: 'unary'; op: string; arg: Node }
  | { t: 'bin'; op: string; left: Node; right: Node }
  | { t: 'if'; cond: Node; then: Node; else: Node }
  | { t: 'of'; prop: string; obj: Node };

interface Token {
  kind: 'num' | 'str' | 'name' | 'sym' | 'end';
  text: string;
  quoted?: boolean;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'of', 'if', 'then', 'else', 'mod']);

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const num = /^[0-9]+(?:\.[0-9]+)?/.exec(rest);
    if (num) {
      tokens.push({ kind: 'num', text: num[0] });
      i += num[0].length;
      continue;
    }
    const str = /^"((?:\\"|\\\\|[^"\\])*)"/.exec(rest);
    if (str) {
      tokens.push({ kind: 'str', text: (str[1] ?? '').replace(/\\(["\\])/g, '$1') });
      i += str[0].length;
      continue;
    }
    const quotedName = /^'((?:\\'|\\\\|[^'\\])*)'/.exec(rest);
    if (quotedName) {
      tokens.push({ kind: 'name', text: (quotedName[1] ?? '').replace(/\\(['\\])/g, '$1'), quoted: true });
      i += quotedName[0].length;
      continue;
    }
    const name = /^[a-zA-Z$_][.a-zA-Z0-9$_]*/.exec(rest);
    if (name) {
      tokens.push({ kind: KEYWORDS.has(name[0]) ? 'sym' : 'name', text: name[0] });
      i += name[0].length;
      continue;
    }
    const sym = /^(==|!=|<=|>=|[-+*/^<>(),])/.exec(rest);
    if (sym) {
      tokens.push({ kind: 'sym', text: sym[0] });
      i += sym[0].length;
      continue;
    }
    throw new SyntaxError(`unexpected "${rest[0]}" at ${i}`);
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

/** Precedence climbing over filtrex's operator table, lowest first. */
function parse(src: string): Node {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos] as Token;
  const next = () => tokens[pos++] as Token;
  const isSym = (text: string) => peek().kind === 'sym' && peek().text === text;
  const expect = (text: string) => {
    if (!isSym(text)) throw new SyntaxError(`expected "${text}"`);
    next();
  };

  const expr = (): Node => {
    if (isSym('if')) {
      next();
      const cond = expr();
      expect('then');
      const then = expr();
      expect('else');
      return { t: 'if', cond, then, else: expr() };
    }
    return or();
  };
  const or = (): Node => {
    let left = and();
    while (isSym('or')) {
      next();
      left = { t: 'bin', op: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): Node => {
    let left = not();
    while (isSym('and')) {
      next();
      left = { t: 'bin', op: 'and', left, right: not() };
    }
    return left;
  };
  const not = (): Node => {
    if (isSym('not')) {
      next();
      return { t: 'unary', op: 'not', arg: not() };
    }
    return compare();
  };
  const compare = (): Node => {
    let left = member();
    while (['==', '!=', '<', '<=', '>', '>='].some(isSym)) {
      const op = next().text;
      left = { t: 'bin', op, left, right: member() };
    }
    return left;
  };
  const member = (): Node => {
    let left = additive();
    for (;;) {
      if (isSym('in')) {
        next();
        left = { t: 'bin', op: 'in', left, right: additive() };
      } else if (isSym('not') && tokens[pos + 1]?.text === 'in') {
        next();
        next();
        left = { t: 'bin', op: 'not in', left, right: additive() };
      } else return left;
    }
  };
  const additive = (): Node => {
    let left = multiplicative();
    while (isSym('+') || isSym('-')) {
      const op = next().text;
      left = { t: 'bin', op, left, right: multiplicative() };
    }
    return left;
  };
  const multiplicative = (): Node => {
    let left = unary();
    while (isSym('*') || isSym('/') || isSym('mod')) {
      const op = next().text;
      left = { t: 'bin', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Node => {
    if (isSym('-')) {
      next();
      return { t: 'unary', op: '-', arg: unary() };
    }
    return power();
  };
  const power = (): Node => {
    const base = ofExpr();
    if (isSym('^')) {
      next();
      return { t: 'bin', op: '^', left: base, right: unary() };
    }
    return base;
  };
  const ofExpr = (): Node => {
    const tok = peek();
    if (tok.kind === 'name' && tokens[pos + 1]?.text === 'of') {
      next();
      next();
      return { t: 'of', prop: tok.text, obj: ofExpr() };
    }
    return primary();
  };
  const primary = (): Node => {
    const tok = next();
    if (tok.kind === 'num') return { t: 'num', v: tok.text };
    if (tok.kind === 'str') return { t: 'str', v: tok.text };
    if (tok.kind === 'name') {
      if (!tok.quoted && isSym('(')) {
        next();
        const args: Node[] = [];
        if (!isSym(')')) {
          args.push(expr());
          while (isSym(',')) {
            next();
            args.push(expr());
          }
        }
        expect(')');
        return { t: 'call', fn: tok.text, args };
      }
      return { t: 'name', v: tok.text };
    }
    if (tok.kind === 'sym' && tok.text === '(') {
      const first = expr();
      if (isSym(',')) {
        const items = [first];
        while (isSym(',')) {
          next();
          items.push(expr());
        }
        expect(')');
        return { t: 'list', items };
      }
      expect(')');
      return first;
    }
    throw new SyntaxError(`unexpected "${tok.text || 'end'}"`);
  };

  const tree = expr();
  if (peek().kind !== 'end') throw new SyntaxError(`unexpected "${peek().text}"`);
  return tree;
}

const DECIMAL_TEXT = /^\s*-?\d+(\.\d+)?\s*$/;

function toDec(value: unknown): Dec {
  if (value instanceof Dec) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return Dec.of(value);
  if (typeof value === 'string' && DECIMAL_TEXT.test(value)) return Dec.of(value.trim());
  throw new Error(`not a number: ${JSON.stringify(value) ?? String(value)}`);
}

const numeric = (v: unknown) =>
  v instanceof Dec ||
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'string' && DECIMAL_TEXT.test(v));

function equal(a: unknown, b: unknown): boolean {
  return numeric(a) && numeric(b) ? toDec(a).eq(toDec(b)) : a === b;
}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  abs: (x) => toDec(x).abs(),
  ceil: (x) => toDec(x).ceil(),
  floor: (x) => toDec(x).floor(),
  round: (x, places = 0) => toDec(x).toDecimalPlaces(toDec(places).toNumber()),
  max: (...xs) => Dec.max(...xs.map(toDec)),
  min: (...xs) => Dec.min(...xs.map(toDec)),
  sqrt: (x) => toDec(x).sqrt(),
  log: (x) => toDec(x).ln(),
  log2: (x) => Dec.log2(toDec(x)),
  log10: (x) => Dec.log10(toDec(x)),
  exists: (x) => x !== undefined && x !== null,
  empty: (x) => x === undefined || x === null || x === '' || (Array.isArray(x) && x.length === 0),
};

function lookup(obj: unknown, path: string): unknown {
  let current = obj;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function evaluate(node: Node, data: unknown, textMode: boolean): unknown {
  const ev = (n: Node) => evaluate(n, data, textMode);
  switch (node.t) {
    case 'num':
      return textMode ? Number(node.v) : Dec.of(node.v);
    case 'str':
      return node.v;
    case 'name':
      if (node.v === 'true') return true;
      if (node.v === 'false') return false;
      return lookup(data, node.v);
    case 'list':
      return node.items.map(ev);
    case 'of':
      return lookup(ev(node.obj), node.prop);
    case 'call': {
      const fn = FUNCTIONS[node.fn];
      if (!fn || !Object.hasOwn(FUNCTIONS, node.fn)) throw new Error(`unknown function ${node.fn}`);
      return fn(...node.args.map(ev));
    }
    case 'if':
      return ev(node.cond) ? ev(node.then) : ev(node.else);
    case 'unary':
      if (node.op === 'not') return !ev(node.arg);
      return textMode ? -Number(ev(node.arg)) : toDec(ev(node.arg)).neg();
    case 'bin': {
      if (node.op === 'and') return Boolean(ev(node.left)) && Boolean(ev(node.right));
      if (node.op === 'or') return Boolean(ev(node.left)) || Boolean(ev(node.right));
      const a = ev(node.left);
      const b = ev(node.right);
      if (node.op === 'in' || node.op === 'not in') {
        const list = Array.isArray(b) ? b : [b];
        const found = list.some((item) => equal(a, item));
        return node.op === 'in' ? found : !found;
      }
      if (node.op === '==') return equal(a, b);
      if (node.op === '!=') return !equal(a, b);
      if (textMode && node.op === '+' && (typeof a === 'string' || typeof b === 'string')) {
        return `${a ?? ''}${b ?? ''}`;
      }
      const x = toDec(a);
      const y = toDec(b);
      switch (node.op) {
        case '+':
          return x.plus(y);
        case '-':
          return x.minus(y);
        case '*':
          return x.times(y);
        case '/':
          return x.div(y);
        case 'mod':
          return x.mod(y);
        case '^':
          return x.pow(y);
        case '<':
          return x.lt(y);
        case '<=':
          return x.lte(y);
        case '>':
          return x.gt(y);
        case '>=':
          return x.gte(y);
      }
      throw new Error(`unknown operator ${node.op}`);
    }
  }
}

function coerce(value: unknown, type: ComputedField['type'], scale: number): unknown {
  switch (type) {
    case 'money':
      return toDec(value).toDecimalPlaces(scale).toFixed(scale);
    case 'number':
      return toDec(value).toNumber();
    case 'boolean':
      if (typeof value !== 'boolean') throw new Error('not true or false');
      return value;
    case 'string':
      if (value instanceof Dec) return value.toFixed();
      return String(value);
  }
}

const parsed = new Map<string, Node>();

function tree(expression: string): Node {
  let node = parsed.get(expression);
  if (!node) {
    node = parse(expression);
    if (parsed.size > 500) parsed.clear();
    parsed.set(expression, node);
  }
  return node;
}

/** Names an expression reads (dotted), to order computed fields that read each other. */
function namesIn(node: Node, out: Set<string>): Set<string> {
  switch (node.t) {
    case 'name':
      out.add(node.v);
      break;
    case 'list':
      for (const n of node.items) namesIn(n, out);
      break;
    case 'call':
      for (const n of node.args) namesIn(n, out);
      break;
    case 'unary':
      namesIn(node.arg, out);
      break;
    case 'bin':
      namesIn(node.left, out);
      namesIn(node.right, out);
      break;
    case 'if':
      namesIn(node.cond, out);
      namesIn(node.then, out);
      namesIn(node.else, out);
      break;
    case 'of':
      namesIn(node.obj, out);
      break;
  }
  return out;
}

const pointerOfPath = (path: string) => `/${path.split('.').join('/')}`;

function ordered(fields: ComputedField[]): ComputedField[] {
  const byPointer = new Map(fields.map((f) => [f.pointer, f]));
  const out: ComputedField[] = [];
  const state = new Map<ComputedField, 'visiting' | 'done'>();
  const visit = (f: ComputedField) => {
    if (state.get(f)) return;
    state.set(f, 'visiting');
    try {
      for (const name of namesIn(tree(f.expression), new Set())) {
        const dep = byPointer.get(pointerOfPath(name));
        if (dep && state.get(dep) !== 'visiting') visit(dep);
      }
    } catch {
      // an unparsable expression simply fails when evaluated
    }
    state.set(f, 'done');
    out.push(f);
  };
  for (const f of fields) visit(f);
  return out;
}

function setAt(root: Record<string, unknown>, pointer: string, value: unknown): void {
  const segments = pointer.split('/').slice(1);
  if (segments.some((s) => s === '__proto__' || s === 'constructor' || s === 'prototype')) return;
  let current = root;
  for (const segment of segments.slice(0, -1)) {
    const nextValue = current[segment];
    if (typeof nextValue !== 'object' || nextValue === null || Array.isArray(nextValue))
      current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  const last = segments.at(-1);
  if (last === undefined) return;
  if (value === undefined) delete current[last];
  else current[last] = value;
}

/**
 * The data with every computed field written, like the server's evaluateComputedDetailed: a field
 * that cannot be computed (missing inputs, division by zero) is removed, never left stale.
 */
export function applyComputed(
  fields: ComputedField[],
  data: Record<string, unknown>,
): Record<string, unknown> {
  if (fields.length === 0) return data;
  const out = structuredClone(data);
  for (const field of ordered(fields)) {
    let value: unknown;
    try {
      const raw = evaluate(tree(field.expression), out, field.type === 'string');
      value = coerce(raw, field.type, field.scale ?? 2);
    } catch {
      value = undefined;
    }
    setAt(out, field.pointer, value);
  }
  return out;
}

/** For tests and the designer: evaluate one expression against data. */
export function evaluateExpression(
  expression: string,
  data: unknown,
  type: ComputedField['type'] = 'number',
) {
  return coerce(evaluate(tree(expression), data, type === 'string'), type, 2);
}
