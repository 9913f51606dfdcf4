import { describe, expect, it } from 'vitest';
import uri from '../src/forms/uri.stub';

// The answers fast-uri gave for the same calls (the stub replaces it in the browser build).
describe('the $ref resolver that stands in for fast-uri', () => {
  it('resolves references against a base as RFC 3986 says', () => {
    const cases: [string, string, string][] = [
      ['#', '#/definitions/a', '#/definitions/a'],
      ['#', '#/$defs/a%20b', '#/$defs/a%20b'],
      ['#', 'other.json#/a', 'other.json#/a'],
      ['#', '../c', '../c'],
      ['root.json', '#/a', 'root.json#/a'],
      ['urn:x:y', '#/a', 'urn:x:y#/a'],
      ['https://X.org/s/root.json', 'other.json#/a', 'https://x.org/s/other.json#/a'],
      ['https://x.org/s/root.json', '/abs/p#x', 'https://x.org/abs/p#x'],
      ['http://a/b/c/d;p?q', '../../../g', 'http://a/g'],
      ['http://a/b/c/d;p?q', '?y', 'http://a/b/c/d;p?y'],
      ['http://a/b/c/d;p?q', '//g', 'http://g'],
      ['http://a/b/c/d;p?q', 'b/./c/../d', 'http://a/b/c/b/d'],
    ];
    for (const [base, ref, expected] of cases)
      expect(uri.resolve(base, ref), `${base} + ${ref}`).toBe(expected);
  });

  it('compares ids after normalizing case, dot segments and percent-encoding', () => {
    expect(uri.equal('https://X.org/a', 'https://x.org/a')).toBe(true);
    expect(uri.equal('https://x.org/%7euser', 'https://x.org/~user')).toBe(true);
    expect(uri.equal('https://x.org/a/../b', 'https://x.org/b')).toBe(true);
    expect(uri.equal('urn:A:b', 'urn:a:b')).toBe(true);
    expect(uri.equal('a/', 'a')).toBe(false);
    expect(uri.equal('https://x.org/a', 'https://x.org/b')).toBe(false);
  });
});
