import type { ErrorObject } from 'ajv';
import {
  type AjvInstance,
  createAjv,
  detectDraft,
  registerExtensionKeywords,
  type SchemaDraft,
} from '../ajv/ajv.factory.js';
import type { Locale, SchemaProblem } from '../definition/form-definition.types.js';
import { walkSchema } from '../definition/schema.walker.js';
import { localizeAjvErrors } from '../i18n/ajv.localize.js';
import { formatMessage } from '../i18n/problem.messages.js';
import { isPlainObject, joinPointer } from '../pointer/json-pointer.utils.js';
import type { ResolveFormSchema } from '../refs/form-ref.syntax.js';
import { checkLocalRefs, findRefCycles, loadReferencedForms } from '../refs/ref.graph.js';
import { checkPatterns } from './pattern.checks.js';

export type ProblemSeverity = 'error' | 'warning';

/** A check finding: errors block publishing, warnings are shown to the author. */
export interface DefinitionProblem extends SchemaProblem {
  severity: ProblemSeverity;
}

export interface SchemaLimits {
  /** Serialized size in UTF-8 bytes. */
  maxBytes: number;
  /** Entries of all `properties` maps together. */
  maxProperties: number;
  /** Nesting of subschemas. */
  maxDepth: number;
}

export const DEFAULT_SCHEMA_LIMITS: SchemaLimits = {
  maxBytes: 512 * 1024,
  maxProperties: 2000,
  maxDepth: 64,
};

export interface CheckOptions {
  resolveRef?: ResolveFormSchema;
  /**
   * Extra schema documents by URI that refs may point to (shared definitions, or the
   * conformance suite's remotes); the same documents the ValidatorCache is given.
   */
  documents?: Record<string, unknown>;
  locale?: Locale;
  limits?: Partial<SchemaLimits>;
}

export interface SchemaCheckResult {
  problems: DefinitionProblem[];
  /** Set once the schema got far enough to know its draft. */
  draft: SchemaDraft | undefined;
}

const error = (p: SchemaProblem): DefinitionProblem => ({ ...p, severity: 'error' });

/**
 * All checks of a JSON Schema as the root of a form, pointers relative to the schema. Cheap
 * checks go first and the expensive ones are skipped once the schema is known to be unusable,
 * so a hostile 10 MB upload costs one bounded walk and no compilation.
 */
export function checkSchema(schema: unknown, options: CheckOptions = {}): SchemaCheckResult {
  const locale = options.locale ?? 'en';
  const limits = { ...DEFAULT_SCHEMA_LIMITS, ...options.limits };
  if (!isPlainObject(schema)) {
    return {
      draft: undefined,
      problems: [
        error({
          pointer: '',
          code: 'schema.not_object',
          message: formatMessage('schema.not_object', locale),
        }),
      ],
    };
  }
  const tooLarge = (detail: string): SchemaCheckResult => ({
    draft: undefined,
    problems: [
      error({
        pointer: '',
        code: 'schema.too_large',
        message: formatMessage('schema.too_large', locale, { detail }),
      }),
    ],
  });
  const bytes = serializedBytes(schema, limits.maxBytes);
  if (bytes === undefined) return tooLarge(`more than ${limits.maxBytes} bytes of JSON`);

  const draft = detectDraft(schema);
  if (!draft) {
    return {
      draft: undefined,
      problems: [
        error({
          pointer: '/$schema',
          code: 'schema.unsupported_draft',
          message: formatMessage('schema.unsupported_draft', locale, { value: String(schema.$schema) }),
        }),
      ],
    };
  }

  let propertyCount = 0;
  const withinDepth = walkSchema(
    schema,
    ({ node }) => {
      if (isPlainObject(node.properties)) propertyCount += Object.keys(node.properties).length;
    },
    { maxDepth: limits.maxDepth },
  );
  if (!withinDepth) return tooLarge(`subschemas nested deeper than ${limits.maxDepth} levels`);
  if (propertyCount > limits.maxProperties) {
    return tooLarge(`${propertyCount} properties, at most ${limits.maxProperties} allowed`);
  }

  const strictProblems: string[] = [];
  const ajv = createAjv({ draft, onStrictProblem: (message) => strictProblems.push(message) });
  registerExtensionKeywords(ajv, schema);
  const problems: DefinitionProblem[] = [];

  // Meta-schema first: when it fails, the schema's structure cannot be trusted by later passes.
  if (!ajv.validateSchema(schema)) {
    const errors = [...(ajv.errors ?? [])];
    localizeAjvErrors(errors, locale);
    for (const e of errors) problems.push(error(metaProblem(e, locale)));
    return { draft, problems };
  }

  problems.push(...checkKeywordsAndFormats(ajv, schema, draft, locale).map(error));
  problems.push(...checkPatterns(schema, locale).map(error));
  problems.push(...checkLocalRefs(schema, locale).map(error));
  const forms = loadReferencedForms(schema, draft, options.resolveRef, locale);
  problems.push(...forms.problems.map(error));
  problems.push(...findRefCycles(schema, forms.documents, locale).map(error));
  if (problems.length > 0) return { draft, problems };

  // Only a schema that passed everything above is compiled: compiling is where ajv would
  // otherwise throw, overflow its stack or run an unsafe pattern.
  for (const [uri, document] of forms.documents) {
    registerExtensionKeywords(ajv, document);
    ajv.addSchema(document, uri);
  }
  addSharedDocuments(ajv, draft, options.documents ?? {});
  try {
    ajv.compile(schema);
  } catch (e) {
    problems.push(error(compileProblem(e, schema, locale)));
  }
  problems.push(...strictToProblems(strictProblems, locale));
  return { draft, problems };
}

/**
 * UTF-8 size of the JSON text, or undefined once it exceeds the limit. Strings are measured
 * while walking, so a 10 MB schema is rejected after reading at most `max` bytes of it.
 */
function serializedBytes(value: unknown, max: number): number | undefined {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') total += utf8Length(node) + 2;
    else if (typeof node === 'number' || typeof node === 'boolean') total += String(node).length;
    else if (node === null || node === undefined) total += 4;
    else if (Array.isArray(node)) {
      total += 2 + node.length;
      for (const item of node) stack.push(item);
    } else if (typeof node === 'object') {
      const entries = Object.entries(node);
      total += 2 + entries.length;
      for (const [key, item] of entries) {
        total += utf8Length(key) + 3;
        stack.push(item);
      }
    }
    if (total > max) return undefined;
  }
  return total;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A surrogate pair is two code units and four bytes: 2 + 2.
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3;
  }
  return bytes;
}

function metaProblem(e: ErrorObject, locale: Locale): SchemaProblem {
  const extra = e.params as { additionalProperty?: string; missingProperty?: string };
  const pointer = e.instancePath;
  return {
    pointer,
    code: 'schema.meta',
    message: formatMessage('schema.meta', locale, {
      detail: `${pointer || '/'} ${e.message ?? e.keyword}${extra.additionalProperty ? ` (${extra.additionalProperty})` : ''}`,
    }),
  };
}

/**
 * Shared documents go in like the ValidatorCache adds them: one declaring another draft cannot
 * live in this instance, and one this draft's meta-schema refuses is left out, so a ref to it is
 * reported as unresolved when the schema compiles.
 */
function addSharedDocuments(ajv: AjvInstance, draft: SchemaDraft, documents: Record<string, unknown>): void {
  for (const [uri, document] of Object.entries(documents)) {
    if (!isPlainObject(document) || ajv.schemas[uri] || ajv.refs[uri]) continue;
    if (document.$schema !== undefined && detectDraft(document) !== draft) continue;
    registerExtensionKeywords(ajv, document);
    try {
      ajv.addSchema(document, uri);
    } catch {
      // see above
    }
  }
}

/**
 * Keywords ajv resolves while compiling but does not list among its rules (its own strict mode
 * calls them unknown too): `$anchor` is core vocabulary in 2020-12.
 */
const RESOLVED_KEYWORDS: Record<SchemaDraft, ReadonlySet<string>> = {
  '2020-12': new Set(['$anchor']),
  'draft-07': new Set(),
};

/** Unknown keywords (typos such as "maxLenght") and unknown formats, each at its own pointer. */
function checkKeywordsAndFormats(
  ajv: AjvInstance,
  schema: Record<string, unknown>,
  draft: SchemaDraft,
  locale: Locale,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  walkSchema(schema, ({ node, pointer }) => {
    for (const key of Object.keys(node)) {
      if (ajv.RULES.keywords[key] || key.startsWith('x-') || RESOLVED_KEYWORDS[draft].has(key)) continue;
      problems.push({
        pointer: joinPointer(pointer, key),
        code: 'schema.strict',
        message: formatMessage('schema.unknown_keyword', locale, { keyword: key }),
      });
    }
    if (typeof node.format === 'string' && !ajv.formats[node.format]) {
      problems.push({
        pointer: joinPointer(pointer, 'format'),
        code: 'schema.unknown_format',
        message: formatMessage('schema.unknown_format', locale, { format: node.format }),
      });
    }
  });
  return problems;
}

/**
 * Ajv's strict messages end with `at "<base>#/json/pointer"`; that pointer is the location.
 * Unknown keywords were already reported with exact pointers, so their messages are dropped.
 * Type, tuple and required hints are warnings: ajv flags common, harmless rjsf idioms with them.
 */
function strictToProblems(messages: string[], locale: Locale): DefinitionProblem[] {
  const seen = new Set<string>();
  const problems: DefinitionProblem[] = [];
  for (const raw of messages) {
    if (seen.has(raw) || raw.includes('unknown keyword')) continue;
    seen.add(raw);
    const at = /at (?:path )?"[^"#]*#([^"]*)"/.exec(raw);
    const fragment = at?.[1] ?? '';
    let pointer = fragment;
    try {
      pointer = decodeURIComponent(fragment);
    } catch {
      // keep the encoded form
    }
    const detail = raw.replace(/^strict mode: /, '');
    problems.push({
      pointer,
      code: 'schema.strict',
      severity: /\((strictTypes|strictRequired)\)$|-tuple, but/.test(raw) ? 'warning' : 'error',
      message: formatMessage('schema.strict', locale, { detail }),
    });
  }
  return problems;
}

function compileProblem(e: unknown, schema: Record<string, unknown>, locale: Locale): SchemaProblem {
  const err = e as Error & { missingRef?: string };
  if (typeof err.missingRef === 'string') {
    const ref = err.missingRef;
    return {
      pointer: findRefPointer(schema, ref) ?? '',
      code: 'schema.unresolved_ref',
      message: formatMessage('schema.unresolved_ref', locale, { ref, detail: '' }),
    };
  }
  if (e instanceof RangeError) {
    return {
      pointer: '',
      code: 'schema.ref_cycle',
      message: formatMessage('schema.ref_cycle', locale, { path: err.message }),
    };
  }
  return {
    pointer: '',
    code: 'schema.compile',
    message: formatMessage('schema.compile', locale, { detail: err.message }),
  };
}

/** The first $ref whose text is, or resolves to, the reference ajv could not find. */
function findRefPointer(schema: Record<string, unknown>, missing: string): string | undefined {
  let exact: string | undefined;
  let suffix: string | undefined;
  walkSchema(schema, ({ node, pointer }) => {
    if (typeof node.$ref !== 'string') return;
    if (node.$ref === missing) exact ??= joinPointer(pointer, '$ref');
    else if (missing.endsWith(node.$ref.replace(/^\.?\//, ''))) suffix ??= joinPointer(pointer, '$ref');
  });
  return exact ?? suffix;
}
