import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '@collectflow/schema';
import type { RoleRecord, Store, StoreTx, UserRecord } from '@collectflow/store';
import type { Request } from 'express';
import { ensureBuiltinRoles } from './access.seed.js';
import { type Actor, PERMISSIONS, type Permission } from './actor.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.hasher.js';

export const SESSION_COOKIE = 'cf_session';
export const CSRF_HEADER = 'x-csrf-token';
const TOKEN_PREFIX = 'cf_';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthServiceOptions {
  clock?: () => Date;
  /** Idle lifetime of a session; it slides forward while the user is active. */
  sessionTtlMs?: number;
  /** Failed logins per user name within `failureWindowMs` before further attempts are refused. */
  maxFailuresPerUser?: number;
  maxFailuresPerIp?: number;
  failureWindowMs?: number;
}

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  actor: Actor;
  user: UserRecord;
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');

/** Login, sessions, API tokens and the actor of each request. */
export class AuthService {
  private readonly clock: () => Date;
  private readonly ttl: number;
  private readonly maxPerUser: number;
  private readonly maxPerIp: number;
  private readonly window: number;

  constructor(
    private readonly store: Store,
    options: AuthServiceOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.ttl = options.sessionTtlMs ?? 8 * 3600_000;
    this.maxPerUser = options.maxFailuresPerUser ?? 5;
    this.maxPerIp = options.maxFailuresPerIp ?? 50;
    this.window = options.failureWindowMs ?? 15 * 60_000;
  }

  async login(username: unknown, password: unknown, meta: RequestMeta): Promise<LoginResult> {
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
      throw new DomainError('auth.invalid_request', 'invalid', 'send "username" and "password" as strings');
    }
    const now = this.clock();
    const since = new Date(now.getTime() - this.window);
    const limited = await this.store.transaction(async (tx) => {
      const byUser = await tx.loginFailures.countSince({ username }, since);
      const byIp = meta.ip ? await tx.loginFailures.countSince({ ip: meta.ip }, since) : 0;
      return byUser >= this.maxPerUser || byIp >= this.maxPerIp;
    });
    if (limited) {
      await this.store.transaction((tx) =>
        tx.audit.append({
          actor: username.toLowerCase(),
          action: 'auth.login_rate_limited',
          subjectType: 'user',
          sourceIp: meta.ip,
        }),
      );
      throw new DomainError('auth.rate_limited', 'rate_limited', 'too many failed logins; try again later', {
        hint: `wait ${Math.round(this.window / 60_000)} minutes, or ask an administrator to reset your password`,
      });
    }
    const user = await this.store.transaction((tx) => tx.users.findByUsername(username), { readOnly: true });
    // Verify even for unknown users, so that response time does not reveal which names exist.
    const ok = (await verifyPassword(password, user?.passwordHash ?? null)) && user?.active === true;
    if (!ok || !user) {
      await this.store.transaction(async (tx) => {
        await tx.loginFailures.record(username, meta.ip, now);
        await tx.audit.append({
          actor: username.toLowerCase(),
          action: 'auth.login_failed',
          subjectType: 'user',
          subjectId: user?.id ?? null,
          sourceIp: meta.ip,
        });
      });
      throw new DomainError('auth.invalid_credentials', 'unauthenticated', 'wrong user name or password');
    }
    const sessionToken = randomToken();
    const csrfToken = randomToken();
    const expiresAt = new Date(now.getTime() + this.ttl);
    const actor = await this.store.transaction(async (tx) => {
      await tx.sessions.create({
        idHash: sha256(sessionToken),
        userId: user.id,
        csrfToken,
        expiresAt,
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      await tx.loginFailures.clear(username);
      await tx.users.touchLogin(user.id);
      await tx.audit.append({
        actor: user.id,
        action: 'auth.login',
        subjectType: 'user',
        subjectId: user.id,
        sourceIp: meta.ip,
      });
      return actorFor(user, await tx.roles.byKeys(user.roles));
    });
    return { sessionToken, csrfToken, expiresAt, actor, user };
  }

  async logout(sessionToken: string | undefined, meta: RequestMeta): Promise<void> {
    if (!sessionToken) return;
    await this.store.transaction(async (tx) => {
      const session = await tx.sessions.findValid(sha256(sessionToken), this.clock());
      await tx.sessions.delete(sha256(sessionToken));
      if (session) {
        await tx.audit.append({
          actor: session.userId,
          action: 'auth.logout',
          subjectType: 'user',
          subjectId: session.userId,
          sourceIp: meta.ip,
        });
      }
    });
  }

  /**
   * The caller of a request: a bearer API token, or a session cookie. Cookie-authenticated writes
   * must echo the session's CSRF token in the x-csrf-token header (a cross-site form cannot).
   */
  async authenticate(req: Request): Promise<Actor | undefined> {
    const authorization = req.headers.authorization;
    if (authorization?.startsWith('Bearer ')) return this.authenticateToken(authorization.slice(7).trim());
    const sessionToken = sessionCookie(req);
    if (!sessionToken) return undefined;
    const now = this.clock();
    const found = await this.store.transaction(async (tx) => {
      const session = await tx.sessions.findValid(sha256(sessionToken), now);
      if (!session) return undefined;
      const user = await tx.users.findById(session.userId);
      if (!user?.active) return undefined;
      // Slide the expiry, but write at most once per half lifetime.
      if (session.expiresAt.getTime() - now.getTime() < this.ttl / 2) {
        await tx.sessions.extend(session.idHash, new Date(now.getTime() + this.ttl));
      }
      return { session, actor: actorFor(user, await tx.roles.byKeys(user.roles)) };
    });
    if (!found) return undefined;
    if (!SAFE_METHODS.has(req.method) && req.headers[CSRF_HEADER] !== found.session.csrfToken) {
      throw new DomainError('auth.csrf', 'forbidden', 'missing or wrong CSRF token', {
        hint: `send the csrfToken from GET /api/auth/me in the ${CSRF_HEADER} header`,
      });
    }
    return found.actor;
  }

  /** The CSRF token of the request's session (for GET /api/auth/me). */
  async csrfTokenOf(req: Request): Promise<string | undefined> {
    const sessionToken = sessionCookie(req);
    if (!sessionToken) return undefined;
    const session = await this.store.transaction((tx) =>
      tx.sessions.findValid(sha256(sessionToken), this.clock()),
    );
    return session?.csrfToken;
  }

  private async authenticateToken(token: string): Promise<Actor | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    return this.store.transaction(async (tx) => {
      const record = await tx.apiTokens.use(sha256(token), this.clock());
      if (!record) return undefined;
      const user = await tx.users.findById(record.userId);
      if (!user?.active) return undefined;
      const actor = actorFor(user, await tx.roles.byKeys(user.roles));
      // A token can only narrow its owner's rights, never widen them.
      const scoped = new Set([...actor.permissions].filter((p) => record.permissions.includes(p)));
      return { ...actor, permissions: scoped };
    });
  }

  async changePassword(actor: Actor, current: unknown, next: unknown, req: Request): Promise<void> {
    const problem = passwordProblem(next);
    if (problem) throw new DomainError('auth.weak_password', 'invalid', problem);
    const user = await this.store.transaction((tx) => tx.users.findById(actor.userId));
    if (!user || typeof current !== 'string' || !(await verifyPassword(current, user.passwordHash))) {
      throw new DomainError('auth.invalid_credentials', 'forbidden', 'the current password is wrong');
    }
    const hash = await hashPassword(next as string);
    const keep = sessionCookie(req);
    await this.store.transaction(async (tx) => {
      await tx.users.setPassword(user.id, hash, false);
      // Other sessions (a stolen cookie, another browser) end with the old password.
      await tx.sessions.deleteForUser(user.id, keep ? sha256(keep) : undefined);
      await tx.audit.append({
        actor: actor.userId,
        action: 'auth.password_changed',
        subjectType: 'user',
        subjectId: user.id,
        sourceIp: req.ip ?? null,
      });
    });
  }

  /** Creates an API token; the secret is returned once and stored only as a hash. */
  async createToken(
    tx: StoreTx,
    actor: Actor,
    input: { name: string; permissions: Permission[]; expiresAt: Date | null },
  ) {
    const token = `${TOKEN_PREFIX}${randomToken()}`;
    const record = await tx.apiTokens.create({
      userId: actor.userId,
      name: input.name,
      tokenHash: sha256(token),
      permissions: input.permissions.filter((p) => actor.permissions.has(p)),
      expiresAt: input.expiresAt,
    });
    return { token, record };
  }

  now(): Date {
    return this.clock();
  }
}

/** An actor from a user and their roles: the union of the roles' permissions. */
export function actorFor(user: UserRecord, roles: RoleRecord[]): Actor {
  const known = new Set<string>(PERMISSIONS);
  const permissions = new Set<Permission>();
  for (const role of roles)
    for (const p of role.permissions) if (known.has(p)) permissions.add(p as Permission);
  const merge = (pick: (r: RoleRecord) => Record<string, string[]>) => {
    const out: Record<string, string[]> = {};
    for (const role of roles)
      for (const [key, grants] of Object.entries(pick(role)))
        out[key] = [...new Set([...(out[key] ?? []), ...grants])];
    return out;
  };
  return {
    userId: user.id,
    displayName: user.displayName,
    formGrants: merge((r) => r.formGrants),
    processGrants: merge((r) => r.processGrants),
    roles: user.roles,
    groups: [...user.roles, ...(user.teamId ? [user.teamId] : [])],
    teamIds: user.teamId ? [user.teamId] : [],
    permissions,
  };
}

function sessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** Creates the first administrator on an empty installation. */
export async function ensureAdmin(
  store: Store,
  env: { password?: string | undefined; username?: string | undefined },
): Promise<{ username: string; generatedPassword?: string } | undefined> {
  const username = env.username?.trim() || 'admin';
  const generated = env.password ? undefined : randomBytes(12).toString('base64url');
  const password = env.password ?? generated!;
  const problem = passwordProblem(password);
  if (problem) {
    throw new DomainError('config.bad_admin_password', 'invalid', `COLLECTFLOW_ADMIN_PASSWORD: ${problem}`);
  }
  const hash = await hashPassword(password);
  await ensureBuiltinRoles(store); // the admin role must exist; a no-op once seeded
  const created = await store.transaction(async (tx) => {
    if ((await tx.users.count()) > 0) return false;
    const user = await tx.users.create({
      username,
      displayName: 'Administrator',
      passwordHash: hash,
      roles: ['admin'],
      mustChangePassword: generated !== undefined,
    });
    await tx.audit.append({
      actor: 'system',
      action: 'user.created',
      subjectType: 'user',
      subjectId: user.id,
    });
    return true;
  });
  if (!created) return undefined;
  return generated ? { username, generatedPassword: generated } : { username };
}
