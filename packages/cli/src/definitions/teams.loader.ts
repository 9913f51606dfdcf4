import type { AssignmentRule } from '@collectflow/collection';
import type { LocalizedText } from '@collectflow/schema';
import type { Store } from '@collectflow/store';
import { definitionFileError, parseJsonFile } from './definition-file.error.js';
import { readTopLevelFile } from './definitions.reader.js';

export interface TeamsFile {
  teams: { id: string; name: LocalizedText }[];
  /** Routing for case.assign: the first rule whose conditions hold picks the team. */
  assignmentRules: AssignmentRule[];
}

const PATH = 'teams.json';
const TEAM_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function bilingual(value: unknown): value is LocalizedText {
  return isObject(value) && typeof value['zh-CN'] === 'string' && typeof value.en === 'string';
}

/** definitions/teams.json, checked; undefined when the installation has none. */
export async function readTeamsFile(dir: string): Promise<TeamsFile | undefined> {
  const content = await readTopLevelFile(dir, PATH);
  if (!content) return undefined;
  const body = parseJsonFile(PATH, content);
  if (!isObject(body) || !Array.isArray(body.teams)) {
    throw definitionFileError(PATH, 'expected { "teams": [...], "assignmentRules": [...] }');
  }
  const teams: TeamsFile['teams'] = [];
  for (const [i, team] of body.teams.entries()) {
    if (!isObject(team) || typeof team.id !== 'string' || !TEAM_ID.test(team.id)) {
      throw definitionFileError(PATH, `/teams/${i}/id must be lower-case letters, digits and dashes`);
    }
    if (!bilingual(team.name)) {
      throw definitionFileError(PATH, `/teams/${i}/name needs "zh-CN" and "en"`);
    }
    teams.push({ id: team.id, name: team.name });
  }
  const ids = new Set(teams.map((t) => t.id));
  const rules = Array.isArray(body.assignmentRules) ? body.assignmentRules : [];
  for (const [i, rule] of rules.entries()) {
    if (!isObject(rule) || typeof rule.id !== 'string' || !isObject(rule.when)) {
      throw definitionFileError(PATH, `/assignmentRules/${i} needs an "id" and a "when"`);
    }
    if (typeof rule.team !== 'string' || !ids.has(rule.team)) {
      throw definitionFileError(
        PATH,
        `/assignmentRules/${i}/team "${String(rule.team)}" is not one of the teams`,
      );
    }
  }
  return { teams, assignmentRules: rules as AssignmentRule[] };
}

/** Creates or renames the file's teams; teams made in the app are left alone. Returns the ids changed. */
export async function ensureTeams(store: Store, file: TeamsFile): Promise<string[]> {
  return store.transaction(async (tx) => {
    const changed: string[] = [];
    for (const team of file.teams) {
      // Compared here by value: the stored name comes back with its keys in another order.
      const current = await tx.teams.get(team.id);
      if (current && current.name['zh-CN'] === team.name['zh-CN'] && current.name.en === team.name.en)
        continue;
      if (await tx.teams.upsert(team)) changed.push(team.id);
    }
    if (changed.length > 0) {
      await tx.audit.append({
        actor: 'system',
        action: 'team.seeded',
        subjectType: 'team',
        detail: { teams: changed, source: `definitions/${PATH}` },
      });
    }
    return changed;
  });
}
