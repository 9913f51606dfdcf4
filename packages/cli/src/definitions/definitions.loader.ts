import { createHash } from 'node:crypto';
import type { JurisdictionProfile } from '@collectflow/collection';
import type { FormRegistryService, Logger, ProcessRuntime } from '@collectflow/server';
import { packActor } from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { complianceProfiles } from './compliance.loader.js';
import { parseJsonFile } from './definition-file.error.js';
import { type DefinitionFile, readDefinitions, readTopLevelFile } from './definitions.reader.js';
import { type DemoUsersFile, readDemoUsersFile } from './demo-users.loader.js';
import {
  checkExternalRefs,
  type FormFile,
  type FormLoadOutcome,
  orderByRefs,
  parseFormFile,
  publishFormFile,
} from './forms.loader.js';
import { deployProcessFile, type ProcessLoadOutcome } from './processes.loader.js';
import { ensureTeams, readTeamsFile, type TeamsFile } from './teams.loader.js';

export type { DefinitionFile } from './definitions.reader.js';
export { readDefinitions } from './definitions.reader.js';

/** definitions/ read and checked, before anything is written: a broken file stops the start here. */
export interface PreparedDefinitions {
  dir: string;
  files: DefinitionFile[];
  hash: string;
  /** In dependency order: a form after the forms its $refs name. */
  forms: FormFile[];
  processes: DefinitionFile[];
  teams: TeamsFile | undefined;
  profiles: Record<string, JurisdictionProfile>;
  demoUsers: DemoUsersFile | undefined;
}

export interface LoadReport {
  files: number;
  /** False when the same definitions were loaded before: a second start changes nothing. */
  changed: boolean;
  hash: string;
  /** Forms published from a new or changed file (unchanged ones are not listed). */
  published: FormLoadOutcome[];
  /** Processes deployed from a new or changed file. */
  deployed: ProcessLoadOutcome[];
  teams: string[];
}

interface LoadedMeta {
  hash: string;
  files: { path: string; sha256: string }[];
  /** 2 once forms and processes are published and deployed from the files (not only hashed). */
  loader?: number;
}

const LOADER_VERSION = 2;
const META_KEY = 'definitions';
const ACTOR = 'system';

export async function prepareDefinitions(dir: string): Promise<PreparedDefinitions> {
  const files = await readDefinitions(dir);
  const hash = createHash('sha256')
    .update(files.map((f) => `${f.path}\0${f.sha256}`).join('\n'))
    .digest('hex');
  const forms = orderByRefs(
    files.filter((f) => f.kind === 'form' && f.path.endsWith('.json')).map(parseFormFile),
  );
  return {
    dir,
    files,
    hash,
    forms,
    processes: files.filter((f) => f.kind === 'process' && f.path.endsWith('.bpmn')),
    teams: await readTeamsFile(dir),
    profiles: complianceProfiles(files),
    demoUsers: await readDemoUsersFile(dir),
  };
}

/**
 * Loads definitions/ into the running product: teams, then every form (published in dependency
 * order), then every process (deployed). A file is loaded when it is new or changed since the last
 * start; an unchanged file is left alone, so what admins changed in the app stays, and a second
 * start on the same data writes nothing at all. A changed file publishes a new version of its form
 * or deploys a new version of its process.
 */
export async function loadDefinitions(
  store: Store,
  prepared: PreparedDefinitions,
  targets: { registry: FormRegistryService; runtime: ProcessRuntime; logger: Logger },
): Promise<LoadReport> {
  const { registry, runtime, logger } = targets;
  const previous = await store.transaction((tx) => tx.meta.get<LoadedMeta>(META_KEY), { readOnly: true });
  const recorded = new Map(
    previous?.loader === LOADER_VERSION ? previous.files.map((f) => [f.path, f.sha256] as const) : [],
  );
  const unchanged = (file: { path: string }, sha: string | undefined) =>
    sha !== undefined && recorded.get(file.path) === sha;
  const sha = new Map(prepared.files.map((f) => [f.path, f.sha256]));

  const teams = prepared.teams ? await ensureTeams(store, prepared.teams) : [];
  await checkExternalRefs(registry, prepared.forms);

  const actor = packActor(ACTOR);
  const published: FormLoadOutcome[] = [];
  for (const form of prepared.forms) {
    if (unchanged(form, sha.get(form.path)) && (await registry.formExists(form.key))) continue;
    const outcome = await publishFormFile(registry, form, actor, logger);
    if (outcome.published !== null) published.push(outcome);
  }
  const deployed: ProcessLoadOutcome[] = [];
  for (const file of prepared.processes) {
    if (unchanged(file, file.sha256) && (await hasDeployment(runtime, file))) continue;
    const outcome = await deployProcessFile(runtime, file, ACTOR);
    if (outcome.deployed !== null) deployed.push(outcome);
  }

  const changed = await store.transaction(async (tx) => {
    const current = await tx.meta.get<LoadedMeta>(META_KEY);
    if (current?.hash === prepared.hash && current.loader === LOADER_VERSION) return false;
    const value: LoadedMeta = {
      hash: prepared.hash,
      files: prepared.files.map((f) => ({ path: f.path, sha256: f.sha256 })),
      loader: LOADER_VERSION,
    };
    await tx.meta.set(META_KEY, value);
    await tx.audit.append({
      actor: ACTOR,
      action: 'definitions.loaded',
      subjectType: 'definitions',
      detail: {
        hash: prepared.hash,
        files: prepared.files.length,
        published: published.map((p) => `${p.key}@${p.published}`),
        deployed: deployed.map((d) => `${d.processKey}@${d.deployed}`),
      },
    });
    return true;
  });
  return { files: prepared.files.length, changed, hash: prepared.hash, published, deployed, teams };
}

/** Recorded as loaded, but is it there? (An installation from before processes were deployed.) */
async function hasDeployment(runtime: ProcessRuntime, file: DefinitionFile): Promise<boolean> {
  const key = /<bpmn2?:process\b[^>]*\bid="([^"]+)"/.exec(file.content.toString())?.[1];
  if (!key) return false;
  return (await runtime.deployments.list({ processKey: key, limit: 1 })).length > 0;
}

/** Role names in zh-CN and en from definitions/roles.json (absent file: none). */
export async function roleNames(dir: string): Promise<Record<string, Record<string, string>>> {
  const content = await readTopLevelFile(dir, 'roles.json');
  if (!content) return {};
  const parsed = parseJsonFile('roles.json', content) as {
    roles?: { key: string; name: Record<string, string> }[];
  };
  return Object.fromEntries((parsed.roles ?? []).map((r) => [r.key, r.name]));
}
