import { type FormMetadata, formRefUri, resolveFieldSchemas } from '@collectflow/schema';
import type { AnalyticsFieldKind, FormVersionRecord, StoreTx } from '@collectflow/store';
import { loadFormRefClosure } from '../registry/form-refs.loader.js';
import { parsePointer, pointerMatches } from '../registry/json-pointer.js';

/** What a form's published versions say about one field. */
export type FieldLookup =
  | {
      found: true;
      path: string[];
      kind: AnalyticsFieldKind;
      /** Versions typing the field like the latest does; undefined when all of them do. */
      versions?: number[];
      sensitive: boolean;
    }
  | { found: false; reason: 'unknown' | 'list' | 'object' | 'bad_pointer' };

interface VersionShape {
  version: number;
  schema: Record<string, unknown>;
  documents: Map<string, Record<string, unknown>>;
  metadata: Partial<FormMetadata>;
}

/** Every published version of one form, as the dashboards read its fields. */
export class FormShape {
  readonly #kinds = new Map<string, FieldLookup>();

  constructor(
    readonly key: string,
    readonly versions: readonly VersionShape[],
  ) {}

  get latest(): VersionShape {
    return this.versions.at(-1)!;
  }

  /** Sensitive pointers of any version: a field once personal stays masked in old records. */
  get sensitive(): string[] {
    return [
      ...new Set(
        this.versions.flatMap((v) => (Array.isArray(v.metadata.sensitive) ? v.metadata.sensitive : [])),
      ),
    ];
  }

  /** Pointers the latest version marks as indexed. */
  get indexed(): string[] {
    const list = this.latest.metadata.indexed;
    return Array.isArray(list) ? list.filter((p) => typeof p === 'string') : [];
  }

  sensitiveIn(version: number): string[] {
    const list = this.versions.find((v) => v.version === version)?.metadata.sensitive;
    return Array.isArray(list) ? list : this.sensitive;
  }

  field(pointer: string): FieldLookup {
    const cached = this.#kinds.get(pointer);
    if (cached) return cached;
    const found = this.#resolve(pointer);
    this.#kinds.set(pointer, found);
    return found;
  }

  #resolve(pointer: string): FieldLookup {
    const path = parsePointer(pointer);
    if (!path || path.length === 0 || path.some((s) => s === '' || s === '*')) {
      return { found: false, reason: 'bad_pointer' };
    }
    const latest = kindIn(this.latest, path);
    if (latest.kind === undefined) return { found: false, reason: latest.reason };
    const agreeing = this.versions.filter((v) => kindIn(v, path).kind === latest.kind).map((v) => v.version);
    const sensitive = this.sensitive.some(
      (pattern) => pointerMatches(pattern, pointer) || pointerMatches(pointer, pattern),
    );
    return {
      found: true,
      path,
      kind: latest.kind,
      ...(agreeing.length === this.versions.length ? {} : { versions: agreeing }),
      sensitive,
    };
  }
}

function kindIn(
  version: VersionShape,
  path: string[],
):
  | { kind: AnalyticsFieldKind; reason?: undefined }
  | { kind?: undefined; reason: 'unknown' | 'list' | 'object' } {
  // Each step down must go through an object: a value inside a list has no single row value.
  for (let i = 1; i < path.length; i++) {
    const prefix = `/${path.slice(0, i).map(escapeSegment).join('/')}`;
    if (typesOf(resolveFieldSchemas(version.schema, prefix, version.documents)).has('array')) {
      return { reason: 'list' };
    }
  }
  const nodes = resolveFieldSchemas(
    version.schema,
    `/${path.map(escapeSegment).join('/')}`,
    version.documents,
  );
  if (nodes.length === 0) return { reason: 'unknown' };
  const types = typesOf(nodes);
  types.delete('null');
  const formats = new Set(nodes.map((n) => n.format).filter((f) => typeof f === 'string'));
  if (types.has('array')) return { reason: 'list' };
  if (types.has('object')) return { reason: 'object' };
  if (types.has('number') || types.has('integer')) return { kind: 'number' };
  if (types.has('boolean')) return { kind: 'boolean' };
  if (formats.has('decimal')) return { kind: 'decimal' };
  if (formats.has('date-time')) return { kind: 'date-time' };
  if (formats.has('date')) return { kind: 'date' };
  return { kind: 'string' };
}

const escapeSegment = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function typesOf(nodes: Record<string, unknown>[]): Set<string> {
  return new Set(
    nodes.flatMap((n) => (Array.isArray(n.type) ? n.type : n.type === undefined ? [] : [n.type])),
  );
}

/**
 * Form shapes for dashboard queries. Published versions never change, so they are kept for the
 * life of the process; only "which version is the latest" is asked of the database each time.
 */
export class FormFieldsCatalog {
  readonly #versions = new Map<string, VersionShape>();
  /** By key and latest version: a form's shape only changes with a new version. */
  readonly #shapes = new Map<string, FormShape>();

  /**
   * undefined when the form does not exist or has nothing published. `latest` is the form's
   * latest version when the caller has just read it (see AnalyticsQueries.prepare).
   */
  async shape(tx: StoreTx, key: string, latest?: number | null): Promise<FormShape | undefined> {
    const newest = latest === undefined ? await tx.forms.latestVersion(key) : latest;
    if (newest === undefined || newest === null) return undefined;
    const id = `${key}@${newest}`;
    const known = this.#shapes.get(id);
    if (known) return known;
    const versions: VersionShape[] = [];
    for (let version = 1; version <= newest; version++) {
      const shape = await this.#version(tx, key, version);
      if (shape) versions.push(shape);
    }
    if (versions.length === 0) return undefined;
    const shape = new FormShape(key, versions);
    if (this.#shapes.size > 500) this.#shapes.clear();
    this.#shapes.set(id, shape);
    return shape;
  }

  async #version(tx: StoreTx, key: string, version: number): Promise<VersionShape | undefined> {
    const id = `${key}@${version}`;
    const cached = this.#versions.get(id);
    if (cached) return cached;
    const record: FormVersionRecord | undefined = await tx.forms.getVersion(key, version);
    if (!record) return undefined;
    const refs = await loadFormRefClosure(
      record.schema,
      async (k, v) => (await tx.forms.getVersion(k, v))?.schema,
    );
    const documents = new Map(
      [...refs].map(([ref, schema]) => {
        const at = ref.lastIndexOf('@');
        return [formRefUri(ref.slice(0, at), Number(ref.slice(at + 1))), schema] as const;
      }),
    );
    const shape: VersionShape = {
      version,
      schema: record.schema,
      documents,
      metadata: record.metadata as Partial<FormMetadata>,
    };
    this.#versions.set(id, shape);
    return shape;
  }
}
