/**
 * Stands in for fast-uri, which @rjsf/utils imports only to resolve `$ref`s against `$id`s and to
 * compare `$id`s (findSchemaDefinition.js: `resolve` and `equal`). fast-uri also parses IPv6 hosts,
 * URNs, UUIDs and IDNs: 23 KB that every task form downloaded. This is RFC 3986's reference
 * resolution (section 5.2) and syntax-based normalization (6.2.2), which is what `$ref`s and
 * `$id`s need. Wired in vite.config.ts.
 */

interface Parts {
  scheme?: string;
  authority?: string;
  path: string;
  query?: string;
  fragment?: string;
}

// RFC 3986, appendix B.
const URI = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

function parse(uri: string): Parts {
  const m = URI.exec(uri) as RegExpExecArray;
  return { scheme: m[1], authority: m[2], path: m[3] ?? '', query: m[4], fragment: m[5] };
}

function serialize(p: Parts): string {
  let out = '';
  if (p.scheme !== undefined) out += `${p.scheme}:`;
  if (p.authority !== undefined) out += `//${p.authority}`;
  out += p.path;
  if (p.query !== undefined) out += `?${p.query}`;
  if (p.fragment !== undefined) out += `#${p.fragment}`;
  return out;
}

/**
 * RFC 3986, 5.2.4. In a reference that stays relative (no scheme, no authority: a base `$id` like
 * `root.json`), `..` above the start is kept, as fast-uri keeps it.
 */
function removeDotSegments(path: string, relative = false): string {
  let input = path;
  const output: string[] = [];
  while (input.length > 0) {
    if (relative && output.every((s) => s === '../') && (input.startsWith('../') || input === '..')) {
      output.push('../');
      input = input.slice(3);
    } else if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../')) {
      input = input.slice(3);
      output.pop();
    } else if (input === '/..') {
      input = '/';
      output.pop();
    } else if (input === '.' || input === '..') input = '';
    else {
      const next = input.indexOf('/', input.startsWith('/') ? 1 : 0);
      const segment = next === -1 ? input : input.slice(0, next);
      output.push(segment);
      input = input.slice(segment.length);
    }
  }
  return output.join('');
}

/** RFC 3986, 5.2.3. */
function merge(base: Parts, path: string): string {
  if (base.authority !== undefined && base.path === '') return `/${path}`;
  const slash = base.path.lastIndexOf('/');
  return slash === -1 ? path : base.path.slice(0, slash + 1) + path;
}

/** RFC 3986, 5.2.2 (strict). */
export function resolve(baseURI: string, relativeURI: string): string {
  const base = parse(baseURI);
  const ref = parse(relativeURI);
  const target: Parts = { path: '' };
  if (ref.scheme !== undefined) {
    target.scheme = ref.scheme;
    target.authority = ref.authority;
    target.path = removeDotSegments(ref.path);
    target.query = ref.query;
  } else {
    if (ref.authority !== undefined) {
      target.authority = ref.authority;
      target.path = removeDotSegments(ref.path);
      target.query = ref.query;
    } else {
      if (ref.path === '') {
        target.path = base.path;
        target.query = ref.query ?? base.query;
      } else {
        target.path = removeDotSegments(
          ref.path.startsWith('/') ? ref.path : merge(base, ref.path),
          base.scheme === undefined && base.authority === undefined,
        );
        target.query = ref.query;
      }
      target.authority = base.authority;
    }
    target.scheme = base.scheme;
  }
  target.fragment = ref.fragment;
  // fast-uri hands back scheme and host in lower case.
  target.scheme = target.scheme?.toLowerCase();
  target.authority = target.authority?.toLowerCase();
  return serialize(target);
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodings in upper case, and decoded where they stand for unreserved characters. */
function normalizeEncoding(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

function normalize(uri: string): string {
  const p = parse(uri);
  const scheme = p.scheme?.toLowerCase();
  let path = removeDotSegments(normalizeEncoding(p.path), scheme === undefined && p.authority === undefined);
  // A URN's namespace identifier is case-insensitive (RFC 8141).
  if (scheme === 'urn') path = path.replace(/^[^:]*/, (nid) => nid.toLowerCase());
  return serialize({
    scheme,
    authority: p.authority === undefined ? undefined : normalizeEncoding(p.authority.toLowerCase()),
    path,
    query: p.query === undefined ? undefined : normalizeEncoding(p.query),
    fragment: p.fragment === undefined ? undefined : normalizeEncoding(p.fragment),
  });
}

/** Whether two URIs are the same after syntax-based normalization (RFC 3986, 6.2.2). */
export function equal(uriA: string, uriB: string): boolean {
  return normalize(uriA) === normalize(uriB);
}

export default { resolve, equal };
