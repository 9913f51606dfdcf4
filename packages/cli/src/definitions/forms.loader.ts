import { type DomainError, isDomainError, parseFormRef } from '@collectflow/schema';
import type { Actor, FormRegistryService, FormVersionView, Logger } from '@collectflow/server';
import { definitionFileError, firstProblem, parseJsonFile } from './definition-file.error.js';
import type { DefinitionFile } from './definitions.reader.js';

export interface FormFile {
  path: string;
  key: string;
  definition: Record<string, unknown>;
  /** `key@version` of the forms its schema refers to (`collectflow:debtor@1#/$defs/address`). */
  refs: { key: string; version: number }[];
}

export interface FormLoadOutcome {
  key: string;
  path: string;
  /** The version published from the file, or null when the stored latest already is the file. */
  published: number | null;
  breaking: number;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function refsIn(node: unknown, found: Map<string, { key: string; version: number }>): void {
  if (Array.isArray(node)) for (const item of node) refsIn(item, found);
  else if (isObject(node)) {
    for (const [name, value] of Object.entries(node)) {
      if (name === '$ref' && typeof value === 'string' && value.startsWith('collectflow:')) {
        const ref = parseFormRef(value);
        if (ref) found.set(`${ref.key}@${ref.version}`, { key: ref.key, version: ref.version });
      } else refsIn(value, found);
    }
  }
}

export function parseFormFile(file: DefinitionFile): FormFile {
  const body = parseJsonFile(file.path, file.content);
  if (!isObject(body)) throw definitionFileError(file.path, 'a form definition must be a JSON object');
  if (typeof body.key !== 'string' || body.key === '') {
    throw definitionFileError(file.path, 'the form has no "key"', 'give it a key such as "debt-case"');
  }
  const found = new Map<string, { key: string; version: number }>();
  refsIn(body.schema, found);
  return { path: file.path, key: body.key, definition: body, refs: [...found.values()] };
}

/**
 * Forms in an order where every form comes after the forms it refers to, so that a ref always
 * finds its target published. A cycle, or a key defined twice, is an error in the file.
 */
export function orderByRefs(forms: FormFile[]): FormFile[] {
  const byKey = new Map<string, FormFile>();
  for (const form of forms) {
    const twin = byKey.get(form.key);
    if (twin) throw definitionFileError(form.path, `form "${form.key}" is defined in ${twin.path} too`);
    byKey.set(form.key, form);
  }
  const ordered: FormFile[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (form: FormFile, trail: string[]) => {
    if (state.get(form.key) === 'done') return;
    if (state.get(form.key) === 'visiting') {
      throw definitionFileError(
        form.path,
        `forms refer to each other in a cycle: ${[...trail, form.key].join(' → ')}`,
      );
    }
    state.set(form.key, 'visiting');
    for (const ref of form.refs) {
      const target = byKey.get(ref.key);
      if (target && target !== form) visit(target, [...trail, form.key]);
    }
    state.set(form.key, 'done');
    ordered.push(form);
  };
  for (const form of [...forms].sort((a, b) => a.path.localeCompare(b.path))) visit(form, []);
  return ordered;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** What the registry stores of a definition (see registry/definition.input.ts): the defaults filled in. */
function contentOf(definition: Record<string, unknown>) {
  const metadata = isObject(definition.metadata) ? definition.metadata : {};
  return {
    t: definition.title,
    s: definition.schema,
    u: definition.uiSchema ?? {},
    m: { sensitive: [], indexed: [], computed: [], ...metadata },
  };
}

function sameAs(version: FormVersionView, definition: Record<string, unknown>): boolean {
  return (
    canonical({ t: version.title, s: version.schema, u: version.uiSchema, m: version.metadata }) ===
    canonical(contentOf(definition))
  );
}

async function latestVersion(
  registry: FormRegistryService,
  key: string,
): Promise<FormVersionView | undefined> {
  try {
    return await registry.getVersion(key, 'latest');
  } catch (error) {
    if (isDomainError(error) && error.kind === 'not_found') return undefined;
    throw error;
  }
}

async function formExists(registry: FormRegistryService, key: string): Promise<boolean> {
  try {
    await registry.getForm(key);
    return true;
  } catch (error) {
    if (isDomainError(error) && error.kind === 'not_found') return false;
    throw error;
  }
}

function asFileError(path: string, error: unknown): unknown {
  if (!isDomainError(error)) return error;
  const problem = firstProblem((error as DomainError).errors, error.message);
  return definitionFileError(path, problem === error.message ? problem : `${error.message}: ${problem}`);
}

/**
 * Makes the latest published version of the file's form equal the file: creates the form, or saves
 * the file as its draft, and publishes. Nothing is written when the latest version already is the
 * file. Breaking changes are accepted (the file is the installation's own decision) and logged.
 */
export async function publishFormFile(
  registry: FormRegistryService,
  form: FormFile,
  actor: Actor,
  logger: Logger,
): Promise<FormLoadOutcome> {
  const { key, path, definition } = form;
  const latest = await latestVersion(registry, key);
  if (latest && sameAs(latest, definition)) return { key, path, published: null, breaking: 0 };
  try {
    if (await formExists(registry, key)) await registry.saveDraft(key, definition, actor, 'en');
    else {
      try {
        await registry.createForm(definition, actor, 'en');
      } catch (error) {
        // Another node created it a moment ago: carry on as an update.
        if (!(isDomainError(error) && error.code === 'forms.exists')) throw error;
        await registry.saveDraft(key, definition, actor, 'en');
      }
    }
    const result = await registry.publish(key, { acceptBreaking: true }, actor, 'en');
    const breaking = result.compatibility?.breaking.length ?? 0;
    if (breaking > 0) {
      logger.warn(
        { form: key, version: result.version.version, breaking },
        `definitions/${path}: published with breaking changes; records keep the version they were saved with`,
      );
    }
    return { key, path, published: result.version.version, breaking };
  } catch (error) {
    // Another node published the same content first.
    if (isDomainError(error) && error.code === 'forms.nothing_to_publish') {
      return { key, path, published: null, breaking: 0 };
    }
    throw asFileError(path, error);
  }
}

/** Refs to forms that no file defines must already be published. */
export async function checkExternalRefs(registry: FormRegistryService, forms: FormFile[]): Promise<void> {
  const keys = new Set(forms.map((f) => f.key));
  for (const form of forms) {
    for (const ref of form.refs) {
      if (keys.has(ref.key)) continue;
      const found = await registry.getVersion(ref.key, ref.version).catch(() => undefined);
      if (!found) {
        throw definitionFileError(
          form.path,
          `refers to collectflow:${ref.key}@${ref.version}, which is neither in definitions/forms nor published`,
        );
      }
    }
  }
}
