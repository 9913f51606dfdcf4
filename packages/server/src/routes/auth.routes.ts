import { DomainError } from '@collectflow/schema';
import { type Request, type Response, Router } from 'express';
import { type Actor, actorOf, PERMISSIONS, type Permission } from '../auth/actor.js';
import { type AuthService, CSRF_HEADER, SESSION_COOKIE } from '../auth/auth.service.js';
import type { OpenApiDocument } from '../openapi/openapi.document.js';

export interface AuthRoutesDeps {
  auth: AuthService;
  store: import('@collectflow/store').Store;
}

const meta = (req: Request) => ({ ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null });

export function actorJson(actor: Actor) {
  return {
    userId: actor.userId,
    displayName: actor.displayName,
    roles: actor.roles,
    groups: actor.groups,
    teamIds: actor.teamIds,
    permissions: [...actor.permissions].sort(),
    formGrants: actor.formGrants ?? {},
    processGrants: actor.processGrants ?? {},
  };
}

/** Login, logout, the current user, password change and the caller's API tokens. */
export function authRoutes(openapi: OpenApiDocument, deps: AuthRoutesDeps): Router {
  const router = Router();
  const { auth, store } = deps;
  const tags = ['auth'];
  const Me = openapi.schema('Me', {
    type: 'object',
    required: ['userId', 'displayName', 'roles', 'permissions'],
    properties: {
      userId: { type: 'string' },
      displayName: { type: 'string' },
      username: { type: 'string' },
      locale: { type: 'string' },
      roles: { type: 'array', items: { type: 'string' } },
      groups: { type: 'array', items: { type: 'string' } },
      teamIds: { type: 'array', items: { type: 'string' } },
      permissions: { type: 'array', items: { enum: [...PERMISSIONS] } },
      formGrants: {
        type: 'object',
        description: 'rights on single forms beyond the permissions: { formKey: [view|create|edit|design] }',
        additionalProperties: { type: 'array', items: { type: 'string' } },
      },
      processGrants: {
        type: 'object',
        description: 'rights on single processes: { processKey: [deploy|start|administer] }',
        additionalProperties: { type: 'array', items: { type: 'string' } },
      },
      mustChangePassword: { type: 'boolean' },
      csrfToken: { type: ['string', 'null'], description: `echo in the ${CSRF_HEADER} header on writes` },
    },
  });
  const ApiToken = openapi.schema('ApiToken', {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      permissions: { type: 'array', items: { enum: [...PERMISSIONS] } },
      createdAt: { type: 'string', format: 'date-time' },
      expiresAt: { type: ['string', 'null'], format: 'date-time' },
      lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
      revokedAt: { type: ['string', 'null'], format: 'date-time' },
      token: { type: 'string', description: 'the secret; returned once, at creation' },
    },
  });

  const setSessionCookie = (req: Request, res: Response, value: string, expires: Date) =>
    res.cookie(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      expires,
    });

  openapi.operation('post', '/api/auth/login', {
    operationId: 'login',
    summary: 'Log in with user name and password; sets the session cookie',
    tags,
    security: false,
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['username', 'password'],
            properties: { username: { type: 'string' }, password: { type: 'string' } },
          },
        },
      },
    },
    responses: {
      '200': { description: 'logged in', schema: Me },
      '401': { description: 'wrong user name or password' },
      '429': { description: 'too many failed attempts' },
    },
  });
  router.post('/api/auth/login', async (req, res) => {
    const body = (req.body ?? {}) as { username?: unknown; password?: unknown };
    const result = await auth.login(body.username, body.password, meta(req));
    setSessionCookie(req, res, result.sessionToken, result.expiresAt);
    res.json({
      ...actorJson(result.actor),
      username: result.user.username,
      locale: result.user.locale,
      mustChangePassword: result.user.mustChangePassword,
      csrfToken: result.csrfToken,
    });
  });

  openapi.operation('post', '/api/auth/logout', {
    operationId: 'logout',
    summary: 'End the current session',
    tags,
    responses: { '204': { description: 'logged out' } },
  });
  router.post('/api/auth/logout', async (req, res) => {
    actorOf(req);
    const cookie = req.headers.cookie
      ?.split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    await auth.logout(
      cookie ? decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1)) : undefined,
      meta(req),
    );
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.secure });
    res.status(204).end();
  });

  openapi.operation('get', '/api/auth/me', {
    operationId: 'getMe',
    summary: 'The current user, their roles and permissions, and the CSRF token of the session',
    tags,
    responses: { '200': { description: 'the current user', schema: Me } },
  });
  router.get('/api/auth/me', async (req, res) => {
    const actor = actorOf(req);
    const user = await store.transaction((tx) => tx.users.findById(actor.userId), { readOnly: true });
    res.setHeader('cache-control', 'no-store');
    res.json({
      ...actorJson(actor),
      username: user?.username ?? actor.userId,
      locale: user?.locale ?? 'zh-CN',
      mustChangePassword: user?.mustChangePassword ?? false,
      csrfToken: (await auth.csrfTokenOf(req)) ?? null,
    });
  });

  openapi.operation('post', '/api/auth/password', {
    operationId: 'changePassword',
    summary: 'Change your password; your other sessions end',
    tags,
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['currentPassword', 'newPassword'],
            properties: {
              currentPassword: { type: 'string' },
              newPassword: { type: 'string', minLength: 10 },
            },
          },
        },
      },
    },
    responses: {
      '204': { description: 'changed' },
      '403': { description: 'the current password is wrong' },
      '422': { description: 'the new password breaks the policy' },
    },
  });
  router.post('/api/auth/password', async (req, res) => {
    const body = (req.body ?? {}) as { currentPassword?: unknown; newPassword?: unknown };
    await auth.changePassword(actorOf(req), body.currentPassword, body.newPassword, req);
    res.status(204).end();
  });

  openapi.operation('get', '/api/auth/tokens', {
    operationId: 'listApiTokens',
    summary: 'Your API tokens (never their secrets)',
    tags,
    responses: { '200': { description: 'tokens', schema: { type: 'array', items: ApiToken } } },
  });
  router.get('/api/auth/tokens', async (req, res) => {
    const actor = actorOf(req);
    res.json(await store.transaction((tx) => tx.apiTokens.listForUser(actor.userId), { readOnly: true }));
  });

  openapi.operation('post', '/api/auth/tokens', {
    operationId: 'createApiToken',
    summary: 'Create an API token for an integration, scoped to some of your permissions',
    tags,
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['name', 'permissions'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 100 },
              permissions: { type: 'array', items: { enum: [...PERMISSIONS] } },
              expiresAt: { type: ['string', 'null'], format: 'date-time' },
            },
          },
        },
      },
    },
    responses: { '201': { description: 'created; the secret is in `token`, shown once', schema: ApiToken } },
  });
  router.post('/api/auth/tokens', async (req, res) => {
    const actor = actorOf(req);
    const input = tokenInput(req.body, actor);
    const created = await store.transaction(async (tx) => {
      const made = await auth.createToken(tx, actor, input);
      await tx.audit.append({
        actor: actor.userId,
        action: 'token.created',
        subjectType: 'api_token',
        subjectId: made.record.id,
        detail: { name: input.name, permissions: made.record.permissions },
        sourceIp: req.ip ?? null,
      });
      return made;
    });
    res.status(201).json({ ...created.record, token: created.token });
  });

  openapi.operation('delete', '/api/auth/tokens/:id', {
    operationId: 'revokeApiToken',
    summary: 'Revoke one of your API tokens (admins: anyone’s)',
    tags,
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
    responses: { '204': { description: 'revoked' }, '404': { description: 'no such token' } },
  });
  router.delete('/api/auth/tokens/:id', async (req, res) => {
    const actor = actorOf(req);
    const id = String(req.params.id);
    const done = await store.transaction(async (tx) => {
      const token = /^[0-9a-f-]{36}$/i.test(id) ? await tx.apiTokens.get(id) : undefined;
      if (!token || (token.userId !== actor.userId && !actor.permissions.has('users.admin'))) return false;
      await tx.apiTokens.revoke(id, auth.now());
      await tx.audit.append({
        actor: actor.userId,
        action: 'token.revoked',
        subjectType: 'api_token',
        subjectId: id,
        sourceIp: req.ip ?? null,
      });
      return true;
    });
    if (!done) throw new DomainError('auth.token_not_found', 'not_found', `no API token ${id}`);
    res.status(204).end();
  });

  return router;
}

function tokenInput(
  body: unknown,
  actor: Actor,
): { name: string; permissions: Permission[]; expiresAt: Date | null } {
  const b = (body ?? {}) as { name?: unknown; permissions?: unknown; expiresAt?: unknown };
  const errors: { pointer: string; message: string }[] = [];
  if (typeof b.name !== 'string' || !b.name.trim() || b.name.length > 100)
    errors.push({ pointer: '/name', message: 'name must be a non-empty string of at most 100 characters' });
  const known = new Set<string>(PERMISSIONS);
  if (!Array.isArray(b.permissions) || b.permissions.some((p) => typeof p !== 'string' || !known.has(p)))
    errors.push({
      pointer: '/permissions',
      message: `permissions must be a list of: ${PERMISSIONS.join(', ')}`,
    });
  else {
    const missing = (b.permissions as string[]).filter((p) => !actor.permissions.has(p as Permission));
    if (missing.length > 0)
      errors.push({
        pointer: '/permissions',
        message: `you cannot grant what you lack: ${missing.join(', ')}`,
      });
  }
  let expiresAt: Date | null = null;
  if (b.expiresAt !== undefined && b.expiresAt !== null) {
    expiresAt = typeof b.expiresAt === 'string' ? new Date(b.expiresAt) : new Date(Number.NaN);
    if (Number.isNaN(expiresAt.getTime()))
      errors.push({ pointer: '/expiresAt', message: 'expiresAt must be an ISO date-time' });
  }
  if (errors.length > 0)
    throw new DomainError('auth.invalid_token_request', 'invalid', 'the token request is invalid', {
      errors,
    });
  return { name: (b.name as string).trim(), permissions: b.permissions as Permission[], expiresAt };
}
