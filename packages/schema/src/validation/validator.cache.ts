import type { ValidateFunction } from 'ajv';
import {
  type AjvInstance,
  createAjv,
  detectDraft,
  registerExtensionKeywords,
  type SchemaDraft,
} from '../ajv/ajv.factory.js';
import { LruCache } from '../cache/lru.cache.js';
import type { Locale } from '../definition/form-definition.types.js';
import { DomainError } from '../errors/domain.error.js';
import { localizeAjvErrors } from '../i18n/ajv.localize.js';
import { isPlainObject } from '../pointer/json-pointer.utils.js';
import { formRefUri, type ResolveFormSchema } from '../refs/form-ref.syntax.js';
import { loadReferencedForms } from '../refs/ref.graph.js';
import { errorPointer } from './error.pointer.js';

export interface ValidationError {
  /** JSON pointer of the offending field; for `required`, the missing property itself ('/phone'). */
  pointer: string;
  keyword: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationError[];
}

export interface ValidatorCacheOptions {
  /**
   * Compiled validators kept. 500 covers every live version of every form of a large tenant
   * (forms × the few versions still in flight); the bound matters because each compiled
   * validator is generated code plus closures, and versions keep being published for years.
   */
  maxEntries?: number;
  /** Other forms' schemas, for `collectflow:key@version` refs. */
  resolveRef?: ResolveFormSchema;
  /** Extra schema documents by URI (shared definitions, or the conformance suite's remotes). */
  documents?: Record<string, unknown>;
}

interface Entry {
  validate: ValidateFunction;
  ajv: AjvInstance;
  schema: Record<string, unknown>;
}

/**
 * Compiled validators keyed by `key@version`. A published version is immutable, so it is
 * compiled once and reused for every request; the schema argument is only read on a miss.
 */
export class ValidatorCache {
  readonly #entries: LruCache<string, Entry>;
  readonly #shared = new Map<SchemaDraft, AjvInstance>();
  readonly #resolveRef: ResolveFormSchema | undefined;
  readonly #documents: Record<string, unknown>;

  constructor(options: ValidatorCacheOptions = {}) {
    this.#resolveRef = options.resolveRef;
    this.#documents = options.documents ?? {};
    this.#entries = new LruCache(options.maxEntries ?? 500, (id, entry) => {
      // Drop ajv's own references too, or evicted validators would stay reachable through it.
      entry.ajv.removeSchema(id);
      entry.ajv.removeSchema(entry.schema);
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  has(key: string, version: number): boolean {
    return this.#entries.has(formRefUri(key, version));
  }

  /** The compiled validator, compiling it on a miss. Throws DomainError for a schema that cannot compile. */
  validatorFor(key: string, version: number, schema: Record<string, unknown>): ValidateFunction {
    const id = formRefUri(key, version);
    const cached = this.#entries.get(id);
    if (cached) return cached.validate;
    const entry = this.#compile(id, schema);
    this.#entries.set(id, entry);
    return entry.validate;
  }

  validate(
    key: string,
    version: number,
    schema: Record<string, unknown>,
    data: unknown,
    options: { locale?: Locale } = {},
  ): ValidationResult {
    const validate = this.validatorFor(key, version, schema);
    let valid: boolean;
    try {
      valid = validate(data) as boolean;
    } catch (error) {
      if (error instanceof RangeError) {
        throw new DomainError('schema.ref_cycle', 'invalid', `Form ${key}@${version} has a $ref cycle`, {
          cause: error,
          hint: 'Run checkDefinition on the form and fix the reported cycle',
        });
      }
      throw error;
    }
    if (valid) return { valid: true, errors: [] };
    const errors = [...(validate.errors ?? [])];
    localizeAjvErrors(errors, options.locale ?? 'en');
    return {
      valid: false,
      errors: errors.map((e) => ({
        pointer: errorPointer(e),
        keyword: e.keyword,
        message: e.message ?? e.keyword,
      })),
    };
  }

  delete(key: string, version: number): void {
    const id = formRefUri(key, version);
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    entry.ajv.removeSchema(id);
    entry.ajv.removeSchema(entry.schema);
  }

  #compile(id: string, schema: Record<string, unknown>): Entry {
    const draft = detectDraft(schema);
    if (!draft) {
      throw new DomainError(
        'schema.unsupported_draft',
        'invalid',
        `Form ${id} declares an unsupported $schema`,
      );
    }
    const forms = loadReferencedForms(schema, draft, this.#resolveRef, 'en');
    if (forms.problems.length > 0) {
      throw new DomainError('schema.unresolved_ref', 'invalid', `Form ${id} has refs that do not resolve`, {
        errors: forms.problems,
      });
    }
    const shared = this.#sharedAjv(draft);
    try {
      return { ajv: shared, schema, validate: this.#compileIn(shared, id, schema, forms.documents) };
    } catch (error) {
      // Two forms may declare the same $id with different content; the shared instance cannot
      // hold both, so the later one gets an instance of its own (rare, and still cached).
      if (!/already exists|resolves to more than one schema/.test((error as Error).message))
        throw compileError(id, error);
      shared.removeSchema(id);
      const own = this.#newAjv(draft);
      try {
        return { ajv: own, schema, validate: this.#compileIn(own, id, schema, forms.documents) };
      } catch (second) {
        throw compileError(id, second);
      }
    }
  }

  #compileIn(
    ajv: AjvInstance,
    id: string,
    schema: Record<string, unknown>,
    documents: Map<string, Record<string, unknown>>,
  ): ValidateFunction {
    for (const [uri, document] of documents) {
      if (ajv.schemas[uri] || ajv.refs[uri]) continue;
      registerExtensionKeywords(ajv, document);
      ajv.addSchema(document, uri);
    }
    registerExtensionKeywords(ajv, schema);
    if (!ajv.schemas[id]) ajv.addSchema(schema, id);
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error(`schema ${id} did not compile`);
    return validate;
  }

  #sharedAjv(draft: SchemaDraft): AjvInstance {
    let ajv = this.#shared.get(draft);
    if (!ajv) {
      ajv = this.#newAjv(draft);
      this.#shared.set(draft, ajv);
    }
    return ajv;
  }

  #newAjv(draft: SchemaDraft): AjvInstance {
    const ajv = createAjv({ draft });
    for (const [uri, document] of Object.entries(this.#documents)) {
      // A document that declares another draft cannot live in this instance; undeclared ones go in both.
      if (isPlainObject(document) && document.$schema !== undefined && detectDraft(document) !== draft)
        continue;
      registerExtensionKeywords(ajv, document);
      try {
        ajv.addSchema(document as Record<string, unknown>, uri);
      } catch {
        // Invalid under this draft's meta-schema: no schema of this draft can use it anyway, and
        // a ref to it is reported as unresolved when that schema compiles.
      }
    }
    return ajv;
  }
}

function compileError(id: string, error: unknown): DomainError {
  return new DomainError(
    'schema.compile',
    'invalid',
    `Form ${id} cannot be compiled: ${(error as Error).message}`,
    {
      cause: error,
      hint: 'Run checkDefinition on the form to see every problem',
    },
  );
}
