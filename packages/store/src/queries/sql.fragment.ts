/**
 * SQL text with its bindings. The only ways to make one are `sql` (anything interpolated that is
 * not itself a Fragment becomes a `?` binding) and `keyword` (a constant written in this package),
 * so no caller's text can ever land in the SQL text.
 */
export class Fragment {
  constructor(
    readonly text: string,
    readonly bindings: readonly Binding[],
  ) {}
}

export type Binding = string | number | boolean | null;

export function sql(strings: TemplateStringsArray, ...values: (Fragment | Binding)[]): Fragment {
  let text = strings[0] ?? '';
  const bindings: Binding[] = [];
  values.forEach((value, i) => {
    if (value instanceof Fragment) {
      text += value.text;
      bindings.push(...value.bindings);
    } else {
      text += '?';
      bindings.push(value);
    }
    text += strings[i + 1] ?? '';
  });
  return new Fragment(text, bindings);
}

/** A piece of SQL written in this package (an operator, a function name); never a caller's text. */
export function keyword(text: (typeof KEYWORDS)[number]): Fragment {
  return new Fragment(text, []);
}

// The closed list of words `keyword` accepts: a typo or a caller's string cannot get through.
const KEYWORDS = [
  '=',
  '<>',
  '>',
  '>=',
  '<',
  '<=',
  'asc',
  'desc',
  'day',
  'week',
  'month',
  'text',
  'numeric',
  'boolean',
  'date',
  'timestamptz',
  'true',
  'false',
] as const;

export function join(
  parts: readonly Fragment[],
  separator: ', ' | ' and ' | ' or ' | ' ' | ' union ',
): Fragment {
  return new Fragment(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.bindings),
  );
}

/** (?, ?, ?) for a non-empty list of values. */
export function valueList(values: readonly Binding[]): Fragment {
  if (values.length === 0) throw new Error('valueList needs at least one value');
  return new Fragment(`(${values.map(() => '?').join(', ')})`, values);
}

/** A generated alias (d0, m3, p1_m0): built from numbers only. */
export function alias(prefix: 'd' | 'm' | 'r' | 'p' | 'k', index: number, suffix?: { m: number }): Fragment {
  if (!Number.isSafeInteger(index) || index < 0) throw new Error(`bad alias index ${index}`);
  return new Fragment(suffix ? `${prefix}${index}_m${suffix.m}` : `${prefix}${index}`, []);
}

export const EMPTY = new Fragment('', []);
export const TRUE = new Fragment('true', []);
