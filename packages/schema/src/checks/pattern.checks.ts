import safeRegexModule from 'safe-regex2';
import type { Locale, SchemaProblem } from '../definition/form-definition.types.js';
import { walkSchema } from '../definition/schema.walker.js';
import { formatMessage } from '../i18n/problem.messages.js';
import { isPlainObject, joinPointer } from '../pointer/json-pointer.utils.js';

// The CommonJS module is the function itself; its typings also describe a `.default`.
const safeRegex: (re: string | RegExp) => boolean =
  typeof safeRegexModule === 'function'
    ? safeRegexModule
    : (safeRegexModule as { default: typeof safeRegexModule }).default;

/** Longer patterns are not forms; they are data smuggled into a schema. */
const MAX_PATTERN_LENGTH = 1000;

/**
 * Why safe-regex2: it is pure JavaScript (runs in the designer too), small, maintained by the
 * Fastify team, and catches the shape that matters in practice, nested quantifiers with star
 * height > 1 such as ^(a+)+$. It is a heuristic: it misses overlapping alternations like (a|a)*
 * and may flag some safe patterns. Exact analysers (recheck) are large and slow; RE2-style engines
 * need native code and do not support every ECMAScript feature ajv patterns may use. A wrongly
 * flagged pattern can always be rewritten, so erring on the strict side is acceptable.
 */
export function checkPattern(pattern: string, pointer: string, locale: Locale): SchemaProblem | undefined {
  const shown = pattern.length > 80 ? `${pattern.slice(0, 77)}...` : pattern;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return {
      pointer,
      code: 'schema.bad_pattern',
      message: formatMessage('schema.bad_pattern', locale, {
        pattern: shown,
        detail: `longer than ${MAX_PATTERN_LENGTH} characters`,
      }),
    };
  }
  try {
    // The u flag is what ajv compiles with (unicodeRegExp: true).
    new RegExp(pattern, 'u');
  } catch (error) {
    return {
      pointer,
      code: 'schema.bad_pattern',
      message: formatMessage('schema.bad_pattern', locale, {
        pattern: shown,
        detail: (error as Error).message,
      }),
    };
  }
  if (!safeRegex(pattern)) {
    return {
      pointer,
      code: 'schema.unsafe_pattern',
      message: formatMessage('schema.unsafe_pattern', locale, { pattern: shown }),
    };
  }
  return undefined;
}

/** Every `pattern` and every `patternProperties` key in the schema. */
export function checkPatterns(root: Record<string, unknown>, locale: Locale): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  walkSchema(root, ({ node, pointer }) => {
    if (typeof node.pattern === 'string') {
      const problem = checkPattern(node.pattern, joinPointer(pointer, 'pattern'), locale);
      if (problem) problems.push(problem);
    }
    if (isPlainObject(node.patternProperties)) {
      for (const key of Object.keys(node.patternProperties)) {
        const problem = checkPattern(key, joinPointer(pointer, 'patternProperties', key), locale);
        if (problem) problems.push(problem);
      }
    }
  });
  return problems;
}
