import { Ajv, type Options } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isPlainObject } from '../pointer/json-pointer.utils.js';
import { DOMAIN_FORMATS } from './domain.formats.js';

export type SchemaDraft = '2020-12' | 'draft-07';

/** Both Ajv classes share this core API; callers never need to know which one they hold. */
export type AjvInstance = Ajv | Ajv2020;

export interface AjvFactoryOptions {
  draft: SchemaDraft;
  /**
   * Receives strict-mode problems (ajv calls them warnings in 'log' mode). checkDefinition collects
   * them as data; the validator cache leaves them silent because definitions were checked on publish.
   */
  onStrictProblem?: (message: string) => void;
}

const DRAFT_2020_IDS = new Set(['https://json-schema.org/draft/2020-12/schema']);
const DRAFT_07_IDS = new Set([
  'http://json-schema.org/draft-07/schema',
  'https://json-schema.org/draft-07/schema',
]);

/** The draft a schema declares with `$schema`; no `$schema` means 2020-12. undefined: unsupported. */
export function detectDraft(schema: unknown): SchemaDraft | undefined {
  if (!isPlainObject(schema) || schema.$schema === undefined) return '2020-12';
  if (typeof schema.$schema !== 'string') return undefined;
  const id = schema.$schema.replace(/#$/, '');
  if (DRAFT_2020_IDS.has(id)) return '2020-12';
  if (DRAFT_07_IDS.has(id)) return 'draft-07';
  return undefined;
}

/**
 * Annotation keywords written by @rjsf and by our designer. They must be known to ajv so strict
 * mode does not flag them, yet they never assert anything.
 */
export const ANNOTATION_KEYWORDS = ['enumNames', 'enumDescriptions', 'ui:order'] as const;

// Under NodeNext a default import of this CommonJS module types as the namespace; at runtime it
// is the plugin function, which also carries itself on `.default`.
const addFormats = addFormatsModule.default;

/**
 * The one place an Ajv instance is made. Everything that validates (definition checks, the
 * validator cache, the server's request bodies, the conformance suite) goes through here so that
 * options, formats and keywords cannot drift apart.
 */
export function createAjv(options: AjvFactoryOptions): AjvInstance {
  const onStrictProblem = options.onStrictProblem;
  const config: Options = {
    allErrors: true,
    // 'log' instead of true: a strict problem must surface as data from checkDefinition, never as
    // an exception thrown while a collector submits a form.
    strictSchema: 'log',
    strictTypes: 'log',
    strictTuples: 'log',
    strictRequired: 'log',
    // NaN/Infinity never come from JSON, and accepting them would hide a programming error.
    strictNumbers: true,
    // type: ['string', 'null'] is the normal way to write an optional field in a form.
    allowUnionTypes: true,
    unicodeRegExp: true,
    logger: {
      log: () => {},
      warn: (...args: unknown[]) => onStrictProblem?.(args.map(String).join(' ')),
      error: () => {},
    },
  };
  const ajv: AjvInstance = options.draft === '2020-12' ? new Ajv2020(config) : new Ajv(config);
  addFormats(ajv);
  for (const [name, validate] of Object.entries(DOMAIN_FORMATS)) {
    ajv.addFormat(name, { type: 'string', validate });
  }
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword });
  return ajv;
}

/**
 * `x-*` vendor extensions are allowed anywhere in a schema. Ajv has no wildcard keywords, so the
 * names a schema uses are registered (once per instance) as annotations before it is compiled.
 */
export function registerExtensionKeywords(ajv: AjvInstance, schema: unknown): void {
  const names = new Set<string>();
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (isPlainObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('x-')) names.add(key);
        if (typeof value === 'object' && value !== null) stack.push(value);
      }
    }
  }
  for (const name of names) {
    // Names ajv cannot take as keywords (e.g. with dots) stay unknown and are reported by strict mode.
    if (ajv.RULES.all[name] || !/^[a-z_$][a-z0-9_$:-]*$/i.test(name)) continue;
    ajv.addKeyword({ keyword: name });
  }
}
