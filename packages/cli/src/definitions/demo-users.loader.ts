import { hashPassword } from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { definitionFileError, parseJsonFile } from './definition-file.error.js';
import { readTopLevelFile } from './definitions.reader.js';

export interface DemoUser {
  username: string;
  displayName: string;
  roles: string[];
  team: string | null;
  locale: string;
}

export interface DemoUsersFile {
  /** The documented demo password (README.md); COLLECTFLOW_DEMO_PASSWORD replaces it. */
  password: string;
  users: DemoUser[];
}

const PATH = 'users.demo.json';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export async function readDemoUsersFile(dir: string): Promise<DemoUsersFile | undefined> {
  const content = await readTopLevelFile(dir, PATH);
  if (!content) return undefined;
  const body = parseJsonFile(PATH, content);
  if (!isObject(body) || typeof body.password !== 'string' || !Array.isArray(body.users)) {
    throw definitionFileError(PATH, 'expected { "password": "...", "users": [...] }');
  }
  const users: DemoUser[] = body.users.map((user, i) => {
    if (
      !isObject(user) ||
      typeof user.username !== 'string' ||
      !Array.isArray(user.roles) ||
      !user.roles.every((r) => typeof r === 'string')
    ) {
      throw definitionFileError(PATH, `/users/${i} needs a "username" and "roles"`);
    }
    return {
      username: user.username,
      displayName: typeof user.displayName === 'string' ? user.displayName : user.username,
      roles: user.roles as string[],
      team: typeof user.team === 'string' ? user.team : null,
      locale: typeof user.locale === 'string' ? user.locale : 'zh-CN',
    };
  });
  return { password: body.password, users };
}

/**
 * Creates the demo users that do not exist yet, all with the demo password and no forced
 * change (they are for trying the product, and are documented as such). Returns those created.
 */
export async function ensureDemoUsers(
  store: Store,
  file: DemoUsersFile,
  password: string,
): Promise<DemoUser[]> {
  const hash = await hashPassword(password);
  return store.transaction(async (tx) => {
    const teams = new Set((await tx.teams.list()).map((t) => t.id));
    const roles = new Set((await tx.roles.list()).map((r) => r.key));
    const created: DemoUser[] = [];
    for (const user of file.users) {
      if (await tx.users.findByUsername(user.username)) continue;
      const record = await tx.users.create({
        username: user.username,
        displayName: user.displayName,
        passwordHash: hash,
        locale: user.locale,
        teamId: user.team && teams.has(user.team) ? user.team : null,
        roles: user.roles.filter((r) => roles.has(r)),
        mustChangePassword: false,
      });
      await tx.audit.append({
        actor: 'system',
        action: 'user.created',
        subjectType: 'user',
        subjectId: record.id,
        detail: { demo: true, roles: user.roles },
      });
      created.push(user);
    }
    return created;
  });
}
