import { ensureAdmin, ensureBuiltinRoles } from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

const ADMIN_PASSWORD = 'correct horse battery';

/** A cookie jar of one session: the cookie and the CSRF token a browser would hold. */
interface Session {
  cookie: string;
  csrf: string;
}

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'login, sessions and tokens on %s',
  (_n, backend) => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let app: RunningTestApp;
    let now = new Date('2026-11-23T09:00:00Z');

    const login = async (username: string, password: string) => {
      const res = await app.request('/api/auth/login', { method: 'POST', json: { username, password } });
      return res;
    };
    const sessionOf = async (res: Response): Promise<Session> => {
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
      const body = await res.json();
      return { cookie, csrf: body.csrfToken };
    };
    const as = (s: Session, path: string, init: RequestInit & { json?: unknown; csrf?: boolean } = {}) => {
      const { csrf = true, ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set('cookie', s.cookie);
      if (csrf) headers.set('x-csrf-token', s.csrf);
      return app.request(path, { ...rest, headers });
    };

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      await ensureBuiltinRoles(store);
      await ensureAdmin(store, { password: ADMIN_PASSWORD });
      app = await startTestApp(store, {
        authenticate: undefined,
        auth: { clock: () => now, maxFailuresPerUser: 5, sessionTtlMs: 3600_000 },
      });
    });
    afterAll(async () => {
      await app.close();
      await cleanup();
    });

    it('the first start creates one administrator; later starts create none', async () => {
      expect(await ensureAdmin(store, { password: 'another password' })).toBeUndefined();
      const generated = await (async () => {
        const { store: fresh, cleanup: drop } = await backend.open();
        try {
          return await ensureAdmin(fresh, {});
        } finally {
          await drop();
        }
      })();
      expect(generated?.username).toBe('admin');
      expect(generated?.generatedPassword).toMatch(/^[\w-]{16}$/);
    });

    it('every API route but login, health and the OpenAPI document needs a login', async () => {
      const doc = await (await app.request('/api/openapi.json')).json();
      const open: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        for (const method of Object.keys(ops)) {
          const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-7000-8000-000000000000');
          const res = await app.request(concrete, {
            method: method.toUpperCase(),
            ...(method === 'get' ? {} : { json: {} }),
          });
          if (res.status !== 401) open.push(`${method.toUpperCase()} ${path} → ${res.status}`);
          else expect((await res.json()).code).toBe('auth.unauthenticated');
        }
      }
      expect(open.sort()).toEqual([
        'GET /api/health → 200',
        'GET /api/openapi.json → 200',
        'POST /api/auth/login → 422',
      ]);
    });

    it('a wrong password is refused with one clear problem and audited', async () => {
      const res = await login('admin', 'wrong password!');
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({
        code: 'auth.invalid_credentials',
        detail: 'wrong user name or password',
      });
      const failures = await store.transaction((tx) =>
        tx.audit.list({ limit: 5, action: 'auth.login_failed' }),
      );
      expect(failures[0]).toMatchObject({ actor: 'admin', subjectType: 'user' });
      expect(failures[0]?.sourceIp).toBeTruthy();
    });

    it('a login sets an HttpOnly SameSite=Lax cookie and /api/auth/me names the user', async () => {
      const res = await login('admin', ADMIN_PASSWORD);
      expect(res.status).toBe(200);
      const setCookie = res.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/^cf_session=/);
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);
      expect(setCookie).not.toMatch(/Secure/i); // plain HTTP here; Secure behind TLS
      const session = await sessionOf(res);
      const me = await (await as(session, '/api/auth/me')).json();
      expect(me).toMatchObject({ username: 'admin', roles: ['admin'], csrfToken: session.csrf });
      expect(me.permissions).toContain('users.admin');
    });

    it('a cookie-authenticated write without the CSRF token is refused', async () => {
      const session = await sessionOf(await login('admin', ADMIN_PASSWORD));
      const body = { json: { id: 'team-east', name: { 'zh-CN': '华东组', en: 'East' } }, method: 'PUT' };
      const refused = await as(session, '/api/teams/team-east', { ...body, csrf: false });
      expect(refused.status).toBe(403);
      expect((await refused.json()).code).toBe('auth.csrf');
      expect((await as(session, '/api/teams/team-east', body)).status).toBe(200);
    });

    it('a tampered cookie and an expired session are both simply unauthenticated', async () => {
      const session = await sessionOf(await login('admin', ADMIN_PASSWORD));
      const tampered = { ...session, cookie: `${session.cookie.slice(0, -3)}abc` };
      expect((await as(tampered, '/api/auth/me')).status).toBe(401);
      now = new Date(now.getTime() + 2 * 3600_000);
      expect((await as(session, '/api/auth/me')).status).toBe(401);
    });

    it('logout ends the session', async () => {
      const session = await sessionOf(await login('admin', ADMIN_PASSWORD));
      expect((await as(session, '/api/auth/logout', { method: 'POST' })).status).toBe(204);
      expect((await as(session, '/api/auth/me')).status).toBe(401);
    });

    it('after five failures even the right password is refused for a while (rate limit)', async () => {
      const admin = await sessionOf(await login('admin', ADMIN_PASSWORD));
      await as(admin, '/api/users', {
        method: 'POST',
        json: { username: 'li.lei', displayName: '李雷', password: 'initial password', roles: ['liaison'] },
      });
      for (let i = 0; i < 5; i++) expect((await login('li.lei', `bad guess ${i}`)).status).toBe(401);
      const limited = await login('li.lei', 'initial password');
      expect(limited.status).toBe(429);
      expect((await limited.json()).code).toBe('auth.rate_limited');
      now = new Date(now.getTime() + 16 * 60_000);
      expect((await login('li.lei', 'initial password')).status).toBe(200);
    });

    it('a role with grants on one form and one process shows them in /api/auth/me; an unknown grant is refused', async () => {
      const admin = await sessionOf(await login('admin', ADMIN_PASSWORD));
      const role = {
        name: { 'zh-CN': '外访员', en: 'Field agent' },
        permissions: ['tasks.work'],
        formGrants: { 'contact-attempt': ['view', 'create'] },
        processGrants: { 'field-visit': ['start'] },
      };
      const bad = await as(admin, '/api/roles/field-agent', {
        method: 'PUT',
        json: { ...role, processGrants: { 'field-visit': ['fly'] } },
      });
      expect(bad.status).toBe(422);
      expect((await bad.json()).errors[0]).toMatchObject({ pointer: '/processGrants' });
      expect((await as(admin, '/api/roles/field-agent', { method: 'PUT', json: role })).status).toBe(200);
      await as(admin, '/api/users', {
        method: 'POST',
        json: {
          username: 'wu.gang',
          displayName: '吴刚',
          password: 'initial password',
          roles: ['field-agent'],
        },
      });
      const agent = await sessionOf(await login('wu.gang', 'initial password'));
      const me = await (await as(agent, '/api/auth/me')).json();
      expect(me).toMatchObject({
        roles: ['field-agent'],
        permissions: ['tasks.work'],
        formGrants: { 'contact-attempt': ['view', 'create'] },
        processGrants: { 'field-visit': ['start'] },
      });
    });

    it('anyone logged in reads the display names of active users, and nothing else about them', async () => {
      const admin = await sessionOf(await login('admin', ADMIN_PASSWORD));
      const created = await as(admin, '/api/users', {
        method: 'POST',
        json: {
          username: 'gone.user',
          displayName: '离职员工',
          password: 'initial password',
          roles: ['liaison'],
        },
      });
      const gone = await created.json();
      expect(
        (await as(admin, `/api/users/${gone.id}`, { method: 'PATCH', json: { active: false } })).status,
      ).toBe(200);
      const agent = await sessionOf(await login('wu.gang', 'initial password'));
      expect((await as(agent, '/api/users')).status).toBe(403);
      const res = await as(agent, '/api/users/directory');
      expect(res.status).toBe(200);
      const entries = (await res.json()) as { id: string; displayName: string }[];
      expect(entries.map((e) => e.displayName)).toEqual(expect.arrayContaining(['吴刚', '李雷']));
      expect(entries.some((e) => e.id === gone.id)).toBe(false);
      for (const entry of entries) expect(Object.keys(entry).sort()).toEqual(['displayName', 'id']);
    });

    it('a password change needs the current password, checks the policy and ends other sessions', async () => {
      const first = await sessionOf(await login('li.lei', 'initial password'));
      const second = await sessionOf(await login('li.lei', 'initial password'));
      const wrong = await as(first, '/api/auth/password', {
        method: 'POST',
        json: { currentPassword: 'nope nope nope', newPassword: 'a much better one' },
      });
      expect(wrong.status).toBe(403);
      const weak = await as(first, '/api/auth/password', {
        method: 'POST',
        json: { currentPassword: 'initial password', newPassword: 'short' },
      });
      expect(weak.status).toBe(422);
      const ok = await as(first, '/api/auth/password', {
        method: 'POST',
        json: { currentPassword: 'initial password', newPassword: 'a much better one' },
      });
      expect(ok.status).toBe(204);
      expect((await as(first, '/api/auth/me')).status).toBe(200);
      expect((await as(second, '/api/auth/me')).status).toBe(401);
      expect((await login('li.lei', 'a much better one')).status).toBe(200);
    });

    it('an API token works as a bearer, only within its scope, records its use and dies when revoked', async () => {
      const admin = await sessionOf(await login('admin', ADMIN_PASSWORD));
      const created = await as(admin, '/api/auth/tokens', {
        method: 'POST',
        json: { name: 'CSV import', permissions: ['records.view'] },
      });
      expect(created.status).toBe(201);
      const { token, id } = await created.json();
      expect(token).toMatch(/^cf_/);
      const bearer = (path: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });
      expect((await bearer('/api/auth/me')).status).toBe(200);
      expect((await bearer('/api/users')).status).toBe(403); // users.admin is outside the token's scope
      const listed = await (await as(admin, '/api/auth/tokens')).json();
      expect(listed.find((t: { id: string }) => t.id === id).lastUsedAt).toBeTruthy();
      expect(JSON.stringify(listed)).not.toContain(token);
      expect((await as(admin, `/api/auth/tokens/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await bearer('/api/auth/me')).status).toBe(401);
      expect(
        (await app.request('/api/auth/me', { headers: { authorization: 'Bearer cf_forged' } })).status,
      ).toBe(401);
    });

    it('users: unknown roles and taken names are refused; a liaison cannot administer', async () => {
      const admin = await sessionOf(await login('admin', ADMIN_PASSWORD));
      const unknownRole = await as(admin, '/api/users', {
        method: 'POST',
        json: {
          username: 'han.meimei',
          displayName: '韩梅梅',
          password: 'initial password',
          roles: ['wizard'],
        },
      });
      expect(unknownRole.status).toBe(422);
      expect((await unknownRole.json()).errors[0]).toMatchObject({ pointer: '/roles' });
      const taken = await as(admin, '/api/users', {
        method: 'POST',
        json: { username: 'LI.LEI', displayName: 'dup', password: 'initial password', roles: ['liaison'] },
      });
      expect(taken.status).toBe(409);
      const liaison = await sessionOf(await login('li.lei', 'a much better one'));
      expect((await as(liaison, '/api/users')).status).toBe(403);
      expect((await as(liaison, '/api/audit')).status).toBe(403);
    });

    it('the audit log is append-only, in the database too', async () => {
      await expect(rawSelect(store, "update audit_log set actor = 'mallory' returning id")).rejects.toThrow(
        /append-only/,
      );
      await expect(rawSelect(store, 'delete from audit_log returning id')).rejects.toThrow(/append-only/);
    });

    it('admins filter the audit log and export it as CSV, and the export is audited', async () => {
      const admin = await sessionOf(await login('admin', ADMIN_PASSWORD));
      const page = await (await as(admin, '/api/audit?action=auth.login&limit=2')).json();
      expect(page.items).toHaveLength(2);
      expect(page.items.every((e: { action: string }) => e.action === 'auth.login')).toBe(true);
      const csv = await as(admin, '/api/audit/export.csv?action=user.created');
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
      const text = await csv.text();
      expect(text.split('\r\n')[0]).toContain('"id"'.replaceAll('"', ''));
      expect(text).toContain('user.created');
      const exported = await (await as(admin, '/api/audit?action=audit.exported')).json();
      expect(exported.items).toHaveLength(1);
    });

    it('security headers are set and no CORS header is sent by default', async () => {
      const res = await app.request('/api/health', { headers: { origin: 'https://evil.example' } });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });
  },
);
