import { joinPointer } from './json-pointer.js';

/**
 * PostgreSQL's jsonb cannot hold U+0000 in a string or a key, on either backend. Finding it first
 * turns what would be a database error into a precise 422; the walk is iterative, so a deeply
 * nested body cannot overflow the stack.
 */
export function findNulCharacter(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return joinPointer(path);
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => {
        stack.push({ value: item, path: [...path, String(i)] });
      });
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, item] of Object.entries(node)) {
        if (key.includes('\u0000')) return joinPointer([...path, key]);
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return undefined;
}
