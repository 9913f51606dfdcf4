/**
 * A scanner that mirrors filtrex's lexer just enough to list the names an expression reads and
 * the functions it calls, so checkDefinition can point at unknown fields before anything runs.
 * filtrex does not export its parse tree; re-lexing is small and keeps that coupling visible here.
 */
export interface ExpressionReferences {
  /** Data paths read, dotted as written ('loan.principal'). */
  fields: string[];
  functions: string[];
  /** Deprecated filtrex syntax we refuse ('%' and '? :'): filtrex would console.warn on each use. */
  deprecated: string[];
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'of', 'if', 'then', 'else', 'mod']);

export function scanExpression(expression: string): ExpressionReferences {
  const fields = new Set<string>();
  const functions = new Set<string>();
  const deprecated = new Set<string>();
  let i = 0;
  const rest = () => expression.slice(i);
  while (i < expression.length) {
    const text = rest();
    const space = /^\s+/.exec(text);
    if (space) {
      i += space[0].length;
      continue;
    }
    const number = /^[0-9]+(?:\.[0-9]+)?/.exec(text);
    if (number) {
      i += number[0].length;
      continue;
    }
    const quoted = /^"(?:\\"|\\\\|[^"\\])*"/.exec(text);
    if (quoted) {
      i += quoted[0].length;
      continue;
    }
    const symbol = /^'((?:\\'|\\\\|[^'\\])*)'/.exec(text) ?? /^[a-zA-Z$_][.a-zA-Z0-9$_]*/.exec(text);
    if (symbol) {
      i += symbol[0].length;
      const quotedSymbol = symbol[1] !== undefined;
      const name = quotedSymbol ? (symbol[1] ?? '').replace(/\\(['\\])/g, '$1') : symbol[0];
      if (!quotedSymbol && KEYWORDS.has(name)) continue;
      const after = rest();
      if (/^\s*\(/.test(after)) functions.add(name);
      // In `x of y`, x names a property of y, not a field of the form.
      else if (!/^\s*of[^\w]/.test(after) && !(quotedSymbol === false && name === 'true') && name !== 'false')
        fields.add(name);
      continue;
    }
    if (text.startsWith('%')) deprecated.add('%');
    if (text.startsWith('?')) deprecated.add('?');
    i += 1;
  }
  return { fields: [...fields], functions: [...functions], deprecated: [...deprecated] };
}

/** 'loan.principal' → '/loan/principal': the dot-access convention computed fields use. */
export function fieldPathToPointer(path: string): string {
  return path
    .split('.')
    .map((segment) => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}
