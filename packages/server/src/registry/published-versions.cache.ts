import type { FormVersionRecord } from '@collectflow/store';

/**
 * Published form versions by `key@version`. A published version is immutable (the database
 * refuses to change it), so a copy read once stays right on every node for ever; only the bound
 * matters. Least recently used entries go first.
 */
export class PublishedVersionsCache {
  readonly #entries = new Map<string, FormVersionRecord>();

  constructor(readonly maxEntries = 1000) {}

  get(key: string, version: number): FormVersionRecord | undefined {
    const id = `${key}@${version}`;
    const entry = this.#entries.get(id);
    if (entry) {
      this.#entries.delete(id);
      this.#entries.set(id, entry);
    }
    return entry;
  }

  set(entry: FormVersionRecord): void {
    const id = `${entry.key}@${entry.version}`;
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}
