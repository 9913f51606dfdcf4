import { DomainError, type ProblemDetailItem } from '@collectflow/schema';
import type { RoleRecord, Store, UserRecord } from '@collectflow/store';
import { type Request, Router } from 'express';
import { actorOf, PERMISSIONS, requirePermission } from '../auth/actor.js';
import { hashPassword, passwordProblem } from '../auth/password.hasher.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';

const KEY = /^[a-z][a-z0-9-]{1,40}$/;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,60}$/i;
const LOCALES = ['zh-CN', 'en'];

function invalid(code: string, errors: ProblemDetailItem[]): DomainError {
  return new DomainError(code, 'invalid', errors.map((e) => e.message).join('; '), { errors });
}

function userJson(user: UserRecord) {
  const { passwordHash: _omit, ...rest } = user;
  return rest;
}

const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0 && v.length <= 200;
const localized = (v: unknown) =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((s) => typeof s === 'string');

/** Users, roles and teams: administration. */
/** What a role may grant on one form or one process (see canOnForm, canOnProcess). */
const GRANT_ACTIONS: Record<'formGrants' | 'processGrants', readonly unknown[]> = {
  formGrants: ['view', 'create', 'edit', 'design'],
  processGrants: ['deploy', 'start', 'administer'],
};

export function userRoutes(openapi: OpenApiDocument, deps: { store: Store }): Router {
  const router = Router();
  const { store } = deps;
  const tags = ['users'];
  const Localized = { type: 'object', additionalProperties: { type: 'string' } };
  const User = openapi.schema('User', {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      username: { type: 'string' },
      displayName: { type: 'string' },
      locale: { enum: LOCALES },
      teamId: { type: ['string', 'null'] },
      active: { type: 'boolean' },
      mustChangePassword: { type: 'boolean' },
      roles: { type: 'array', items: { type: 'string' } },
      createdAt: { type: 'string', format: 'date-time' },
      lastLoginAt: { type: ['string', 'null'], format: 'date-time' },
    },
  });
  const Role = openapi.schema('Role', {
    type: 'object',
    required: ['key', 'name', 'permissions'],
    properties: {
      key: { type: 'string', pattern: KEY.source },
      name: Localized,
      permissions: { type: 'array', items: { enum: [...PERMISSIONS] } },
      formGrants: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
      processGrants: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
      builtin: { type: 'boolean', readOnly: true },
    },
  });
  const Team = openapi.schema('Team', {
    type: 'object',
    required: ['id', 'name'],
    properties: { id: { type: 'string' }, name: Localized },
  });
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const body = (schema: unknown) => ({ required: true, content: { 'application/json': { schema } } });
  const admin = (req: Request) => {
    const actor = actorOf(req);
    requirePermission(actor, 'users.admin');
    return actor;
  };

  openapi.operation('get', '/api/users', {
    operationId: 'listUsers',
    summary: 'All users',
    tags,
    permission: 'users.admin',
    responses: { '200': { description: 'users', schema: { type: 'array', items: User } } },
  });
  router.get('/api/users', async (req, res) => {
    admin(req);
    res.json((await store.transaction((tx) => tx.users.list(), { readOnly: true })).map(userJson));
  });

  const DirectoryEntry = openapi.schema('UserDirectoryEntry', {
    type: 'object',
    required: ['id', 'displayName'],
    properties: { id: { type: 'string', format: 'uuid' }, displayName: { type: 'string' } },
  });
  openapi.operation('get', '/api/users/directory', {
    operationId: 'listUserDirectory',
    summary:
      'Display names of the active users (anyone logged in may read them, to show names where the API gives user ids)',
    tags,
    responses: {
      '200': {
        description: 'id and display name of each active user',
        schema: { type: 'array', items: DirectoryEntry },
      },
    },
  });
  router.get('/api/users/directory', async (req, res) => {
    actorOf(req);
    const users = await store.transaction((tx) => tx.users.list(), { readOnly: true });
    // Only what a name needs: no user names, roles, teams or login times.
    res.json(users.filter((u) => u.active).map((u) => ({ id: u.id, displayName: u.displayName })));
  });

  openapi.operation('post', '/api/users', {
    operationId: 'createUser',
    summary: 'Create a user with an initial password they must change',
    tags,
    permission: 'users.admin',
    requestBody: body({
      type: 'object',
      required: ['username', 'displayName', 'password', 'roles'],
      properties: {
        username: { type: 'string' },
        displayName: { type: 'string' },
        password: { type: 'string', minLength: 10 },
        locale: { enum: LOCALES },
        teamId: { type: ['string', 'null'] },
        roles: { type: 'array', items: { type: 'string' } },
      },
    }),
    responses: {
      '201': { description: 'created', schema: User },
      '409': { description: 'the user name is taken' },
    },
  });
  router.post('/api/users', async (req, res) => {
    const actor = admin(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const errors: ProblemDetailItem[] = [];
    if (typeof b.username !== 'string' || !USERNAME.test(b.username))
      errors.push({
        pointer: '/username',
        message: 'username: 2 to 61 letters, digits, dots, dashes or underscores',
      });
    if (!text(b.displayName)) errors.push({ pointer: '/displayName', message: 'displayName is required' });
    const weak = passwordProblem(b.password);
    if (weak) errors.push({ pointer: '/password', message: weak });
    if (b.locale !== undefined && !LOCALES.includes(b.locale as string))
      errors.push({ pointer: '/locale', message: 'locale must be zh-CN or en' });
    if (!Array.isArray(b.roles) || b.roles.some((r) => typeof r !== 'string'))
      errors.push({ pointer: '/roles', message: 'roles must be a list of role keys' });
    if (b.teamId !== undefined && b.teamId !== null && typeof b.teamId !== 'string')
      errors.push({ pointer: '/teamId', message: 'teamId must be a team id or null' });
    if (errors.length) throw invalid('users.invalid', errors);
    const hash = await hashPassword(b.password as string);
    const user = await store.transaction(async (tx) => {
      await checkRefs(tx, b.roles as string[], b.teamId as string | null | undefined);
      if (await tx.users.findByUsername(b.username as string)) {
        throw new DomainError('users.username_taken', 'conflict', `user name "${b.username}" is taken`);
      }
      const created = await tx.users.create({
        username: b.username as string,
        displayName: (b.displayName as string).trim(),
        passwordHash: hash,
        locale: (b.locale as string | undefined) ?? 'zh-CN',
        teamId: (b.teamId as string | null | undefined) ?? null,
        roles: b.roles as string[],
        mustChangePassword: true,
      });
      await tx.audit.append({
        actor: actor.userId,
        action: 'user.created',
        subjectType: 'user',
        subjectId: created.id,
        detail: { after: userJson(created) },
        sourceIp: req.ip ?? null,
      });
      return created;
    });
    res.status(201).json(userJson(user));
  });

  openapi.operation('patch', '/api/users/:id', {
    operationId: 'updateUser',
    summary: 'Change a user’s name, locale, team, roles or active flag',
    tags,
    permission: 'users.admin',
    parameters: [idParam],
    requestBody: body({
      type: 'object',
      properties: {
        displayName: { type: 'string' },
        locale: { enum: LOCALES },
        teamId: { type: ['string', 'null'] },
        roles: { type: 'array', items: { type: 'string' } },
        active: { type: 'boolean' },
      },
    }),
    responses: { '200': { description: 'updated', schema: User }, '404': { description: 'no such user' } },
  });
  router.patch('/api/users/:id', async (req, res) => {
    const actor = admin(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const errors: ProblemDetailItem[] = [];
    if (b.displayName !== undefined && !text(b.displayName))
      errors.push({ pointer: '/displayName', message: 'displayName must be a non-empty string' });
    if (b.locale !== undefined && !LOCALES.includes(b.locale as string))
      errors.push({ pointer: '/locale', message: 'locale must be zh-CN or en' });
    if (b.roles !== undefined && (!Array.isArray(b.roles) || b.roles.some((r) => typeof r !== 'string')))
      errors.push({ pointer: '/roles', message: 'roles must be a list of role keys' });
    if (b.active !== undefined && typeof b.active !== 'boolean')
      errors.push({ pointer: '/active', message: 'active must be true or false' });
    if (errors.length) throw invalid('users.invalid', errors);
    const id = String(req.params.id);
    const updated = await store.transaction(async (tx) => {
      const before = /^[0-9a-f-]{36}$/i.test(id) ? await tx.users.findById(id) : undefined;
      if (!before) throw new DomainError('users.not_found', 'not_found', `no user ${id}`);
      await checkRefs(tx, (b.roles as string[] | undefined) ?? [], b.teamId as string | null | undefined);
      if (
        id === actor.userId &&
        (b.active === false || (b.roles && !(b.roles as string[]).includes('admin')))
      ) {
        throw new DomainError(
          'users.self_lockout',
          'conflict',
          'you cannot deactivate yourself or drop your own admin role',
        );
      }
      const after = await tx.users.update(id, {
        ...(b.displayName !== undefined ? { displayName: (b.displayName as string).trim() } : {}),
        ...(b.locale !== undefined ? { locale: b.locale as string } : {}),
        ...(b.teamId !== undefined ? { teamId: b.teamId as string | null } : {}),
        ...(b.active !== undefined ? { active: b.active as boolean } : {}),
        ...(b.roles !== undefined ? { roles: b.roles as string[] } : {}),
      });
      if (b.active === false) await tx.sessions.deleteForUser(id);
      await tx.audit.append({
        actor: actor.userId,
        action: b.roles !== undefined ? 'user.permissions_changed' : 'user.updated',
        subjectType: 'user',
        subjectId: id,
        detail: { before: userJson(before), after: after && userJson(after) },
        sourceIp: req.ip ?? null,
      });
      return after!;
    });
    res.json(userJson(updated));
  });

  openapi.operation('post', '/api/users/:id/password', {
    operationId: 'resetUserPassword',
    summary: 'Set a new initial password for a user (they must change it); ends their sessions',
    tags,
    permission: 'users.admin',
    parameters: [idParam],
    requestBody: body({
      type: 'object',
      required: ['password'],
      properties: { password: { type: 'string' } },
    }),
    responses: { '204': { description: 'reset' }, '404': { description: 'no such user' } },
  });
  router.post('/api/users/:id/password', async (req, res) => {
    const actor = admin(req);
    const password = req.body?.password;
    const weak = passwordProblem(password);
    if (weak) throw invalid('users.invalid', [{ pointer: '/password', message: weak }]);
    const hash = await hashPassword(password as string);
    const id = String(req.params.id);
    await store.transaction(async (tx) => {
      const user = /^[0-9a-f-]{36}$/i.test(id) ? await tx.users.findById(id) : undefined;
      if (!user) throw new DomainError('users.not_found', 'not_found', `no user ${id}`);
      await tx.users.setPassword(id, hash, true);
      await tx.sessions.deleteForUser(id);
      await tx.loginFailures.clear(user.username);
      await tx.audit.append({
        actor: actor.userId,
        action: 'user.password_reset',
        subjectType: 'user',
        subjectId: id,
        sourceIp: req.ip ?? null,
      });
    });
    res.status(204).end();
  });

  openapi.operation('get', '/api/roles', {
    operationId: 'listRoles',
    summary: 'Roles with their permissions (anyone logged in may read them, e.g. to pick candidate groups)',
    tags,
    responses: { '200': { description: 'roles', schema: { type: 'array', items: Role } } },
  });
  router.get('/api/roles', async (req, res) => {
    actorOf(req);
    res.json(await store.transaction((tx) => tx.roles.list(), { readOnly: true }));
  });

  openapi.operation('put', '/api/roles/:key', {
    operationId: 'putRole',
    summary: 'Create or edit a role',
    tags,
    permission: 'users.admin',
    parameters: [
      { name: 'key', in: 'path', required: true, schema: { type: 'string', pattern: KEY.source } },
    ],
    requestBody: body(Role),
    responses: { '200': { description: 'saved', schema: Role } },
  });
  router.put('/api/roles/:key', async (req, res) => {
    const actor = admin(req);
    const key = String(req.params.key);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const errors: ProblemDetailItem[] = [];
    if (!KEY.test(key)) errors.push({ pointer: '/key', message: `role key must match ${KEY.source}` });
    if (!localized(b.name)) errors.push({ pointer: '/name', message: 'name must map locales to strings' });
    const known = new Set<string>(PERMISSIONS);
    if (!Array.isArray(b.permissions) || b.permissions.some((p) => !known.has(p as string)))
      errors.push({
        pointer: '/permissions',
        message: `permissions must be a list of: ${PERMISSIONS.join(', ')}`,
      });
    for (const [field, actions] of Object.entries(GRANT_ACTIONS)) {
      const v = b[field];
      if (
        v !== undefined &&
        (typeof v !== 'object' ||
          v === null ||
          Array.isArray(v) ||
          Object.values(v).some((g) => !Array.isArray(g) || g.some((x) => !actions.includes(x))))
      )
        errors.push({
          pointer: `/${field}`,
          message: `${field} must map keys to lists of: ${actions.join(', ')}`,
        });
    }
    if (errors.length) throw invalid('roles.invalid', errors);
    const saved = await store.transaction(async (tx) => {
      const before = await tx.roles.get(key);
      if (key === 'admin' && !(b.permissions as string[]).includes('users.admin')) {
        throw new DomainError('roles.admin_lockout', 'conflict', 'the admin role must keep users.admin');
      }
      const role: RoleRecord = {
        key,
        name: b.name as Record<string, string>,
        permissions: b.permissions as string[],
        formGrants: (b.formGrants as Record<string, string[]>) ?? {},
        processGrants: (b.processGrants as Record<string, string[]>) ?? {},
        builtin: before?.builtin ?? false,
      };
      await tx.roles.upsert(role);
      await tx.audit.append({
        actor: actor.userId,
        action: 'role.saved',
        subjectType: 'role',
        subjectId: key,
        detail: { before: before ?? null, after: role },
        sourceIp: req.ip ?? null,
      });
      return role;
    });
    res.json(saved);
  });

  openapi.operation('delete', '/api/roles/:key', {
    operationId: 'deleteRole',
    summary: 'Delete a custom role (built-in roles stay)',
    tags,
    permission: 'users.admin',
    parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string' } }],
    responses: {
      '204': { description: 'deleted' },
      '404': { description: 'no such role' },
      '409': { description: 'a built-in role' },
    },
  });
  router.delete('/api/roles/:key', async (req, res) => {
    const actor = admin(req);
    const key = String(req.params.key);
    await store.transaction(async (tx) => {
      const role = await tx.roles.get(key);
      if (!role) throw new DomainError('roles.not_found', 'not_found', `no role ${key}`);
      if (role.builtin)
        throw new DomainError('roles.builtin', 'conflict', `${key} is built in; edit it instead`);
      await tx.roles.delete(key);
      await tx.audit.append({
        actor: actor.userId,
        action: 'role.deleted',
        subjectType: 'role',
        subjectId: key,
        detail: { before: role },
        sourceIp: req.ip ?? null,
      });
    });
    res.status(204).end();
  });

  openapi.operation('get', '/api/teams', {
    operationId: 'listTeams',
    summary: 'Collection teams',
    tags,
    responses: { '200': { description: 'teams', schema: { type: 'array', items: Team } } },
  });
  router.get('/api/teams', async (req, res) => {
    actorOf(req);
    res.json(await store.transaction((tx) => tx.teams.list(), { readOnly: true }));
  });

  openapi.operation('put', '/api/teams/:id', {
    operationId: 'putTeam',
    summary: 'Create or rename a team',
    tags,
    permission: 'users.admin',
    parameters: [idParam],
    requestBody: body(Team),
    responses: { '200': { description: 'saved', schema: Team } },
  });
  router.put('/api/teams/:id', async (req, res) => {
    const actor = admin(req);
    const id = String(req.params.id);
    const name = req.body?.name;
    const errors: ProblemDetailItem[] = [];
    if (!KEY.test(id)) errors.push({ pointer: '/id', message: `team id must match ${KEY.source}` });
    if (!localized(name)) errors.push({ pointer: '/name', message: 'name must map locales to strings' });
    if (errors.length) throw invalid('teams.invalid', errors);
    await store.transaction(async (tx) => {
      await tx.teams.upsert({ id, name });
      await tx.audit.append({
        actor: actor.userId,
        action: 'team.saved',
        subjectType: 'team',
        subjectId: id,
        detail: { name },
        sourceIp: req.ip ?? null,
      });
    });
    res.json({ id, name });
  });

  return router;
}

async function checkRefs(
  tx: import('@collectflow/store').StoreTx,
  roles: string[],
  teamId: string | null | undefined,
): Promise<void> {
  const found = new Set((await tx.roles.byKeys(roles)).map((r) => r.key));
  const unknown = roles.filter((r) => !found.has(r));
  const errors: ProblemDetailItem[] = unknown.map((r) => ({
    pointer: '/roles',
    message: `unknown role "${r}"`,
  }));
  if (teamId && !(await tx.teams.get(teamId)))
    errors.push({ pointer: '/teamId', message: `unknown team "${teamId}"` });
  if (errors.length) throw invalid('users.invalid', errors);
}
