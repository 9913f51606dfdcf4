import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DomainError, FORM_KEY_PATTERN, generateTypes } from '@collectflow/schema';
import { FormRegistryService } from '@collectflow/server';
import { openStore, type StoreConfig } from '@collectflow/store';

export interface CodegenOptions {
  /** Form definition files or directories, or `key` / `key@version` of forms in the database. */
  sources: string[];
  /** Where `<key>.types.ts` files go; the caller prints them when absent. */
  outDir?: string;
  /** definitions/ of the installation: its forms/ are the default sources and resolve refs between files. */
  definitionsDir: string;
  /** The database for `key@version` sources. */
  store: StoreConfig;
}

export interface GeneratedTypes {
  key: string;
  /** The published version, or null for a definition file. */
  version: number | null;
  /** Where it was written, when `outDir` was given. */
  path?: string;
  source: string;
}

interface FileForm {
  key: string;
  title?: { 'zh-CN': string; en: string };
  schema: Record<string, unknown>;
  path: string;
}

const STORED_FORM = new RegExp(`${FORM_KEY_PATTERN.slice(0, -1)}(@[1-9]\\d{0,8})?$`);

/** `collectflow codegen [--out DIR] [FORM...]` as options; FORM may repeat. */
export function parseCodegenArgs(argv: string[]): { sources: string[]; outDir?: string } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string', short: 'o' } },
  });
  return { sources: positionals, ...(values.out ? { outDir: values.out } : {}) };
}

/**
 * TypeScript declarations for form data, with json-schema-to-typescript (through the schema
 * package). Files are read as they are; refs between them (`collectflow:debtor@1`) resolve to
 * the file of that key, which is the content being published. Stored forms are read from the
 * database at the version asked for (the latest when none is).
 */
export async function codegen(options: CodegenOptions): Promise<GeneratedTypes[]> {
  const formsDir = join(options.definitionsDir, 'forms');
  const sources = options.sources.length > 0 ? options.sources : existsSync(formsDir) ? [formsDir] : [];
  if (sources.length === 0) {
    throw new DomainError('codegen.nothing_to_do', 'invalid', `no forms given and no ${formsDir}`, {
      hint: 'name form files, directories or key@version of stored forms',
    });
  }
  const files: string[] = [];
  const stored: Array<{ key: string; version: number | 'latest' }> = [];
  for (const source of sources) {
    if (existsSync(source)) files.push(...(await jsonFiles(source)));
    else if (STORED_FORM.test(source)) {
      const [key = '', version] = source.split('@');
      stored.push({ key, version: version ? Number(version) : 'latest' });
    } else {
      throw new DomainError('codegen.bad_source', 'invalid', `"${source}" is neither a file nor a form key`, {
        hint: 'give a .json form definition, a directory of them, or key[@version] of a stored form',
      });
    }
  }

  const generated: GeneratedTypes[] = [];
  if (files.length > 0) {
    const forms = await Promise.all(files.map(readForm));
    // Refs may point at any form of the installation, not only the ones asked for.
    const known = new Map<string, FileForm>();
    if (existsSync(formsDir))
      for (const path of await jsonFiles(formsDir)) addForm(known, await readForm(path));
    for (const form of forms) addForm(known, form);
    for (const form of forms) {
      const source = await generateTypes(form, { resolveRef: (key) => known.get(key)?.schema });
      generated.push({ key: form.key, version: null, source });
    }
  }
  if (stored.length > 0) {
    const store = await openStore(options.store);
    try {
      const registry = new FormRegistryService(store);
      for (const { key, version } of stored) {
        const types = await registry.typesFor(key, version);
        generated.push({ key, version: types.version, source: types.source });
      }
    } finally {
      await store.close();
    }
  }

  if (options.outDir) {
    await mkdir(options.outDir, { recursive: true });
    for (const item of generated) {
      item.path = join(options.outDir, `${item.key}.types.ts`);
      await writeFile(item.path, item.source);
    }
  }
  return generated;
}

function addForm(known: Map<string, FileForm>, form: FileForm): void {
  const other = known.get(form.key);
  if (other && other.path !== form.path) {
    throw new DomainError(
      'codegen.duplicate_key',
      'invalid',
      `${form.path} and ${other.path} both define "${form.key}"`,
    );
  }
  known.set(form.key, form);
}

async function jsonFiles(source: string): Promise<string[]> {
  if (!(await stat(source)).isDirectory()) return [source];
  const entries = await readdir(source, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json') && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function readForm(path: string): Promise<FileForm> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new DomainError('codegen.bad_file', 'invalid', `${path} is not valid JSON`, { cause });
  }
  const form = parsed as Partial<FileForm> | null;
  if (
    typeof form !== 'object' ||
    form === null ||
    typeof form.key !== 'string' ||
    typeof form.schema !== 'object' ||
    form.schema === null
  ) {
    throw new DomainError('codegen.bad_file', 'invalid', `${path} is not a form definition`, {
      hint: 'a form definition has at least "key" and "schema"',
    });
  }
  return {
    key: form.key,
    schema: form.schema,
    path: resolve(path),
    ...(form.title ? { title: form.title } : {}),
  };
}
