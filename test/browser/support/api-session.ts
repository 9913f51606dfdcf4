import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
export type Body = any;

/**
 * A logged-in API client for browser tests: the session cookie and CSRF token a browser would
 * hold, so tests set up users, forms, flows and records the way an administrator would.
 */
export class ApiSession {
  private constructor(
    readonly baseUrl: string,
    private readonly cookie: string,
    private readonly csrf: string,
    readonly me: { userId: string; username: string; displayName: string },
  ) {}

  /** The session cookie as `name=value`, to hand to a browser context. */
  get sessionCookie(): { name: string; value: string } {
    const at = this.cookie.indexOf('=');
    return { name: this.cookie.slice(0, at), value: this.cookie.slice(at + 1) };
  }

  static async login(baseUrl: string, username: string, password: string): Promise<ApiSession> {
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json()) as {
      csrfToken: string;
      userId: string;
      username: string;
      displayName: string;
    };
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(body)}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return new ApiSession(baseUrl, cookie, body.csrfToken, body);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Body }> {
    const init: RequestInit = {
      method,
      headers: {
        cookie: this.cookie,
        'x-csrf-token': this.csrf,
        accept: 'application/json',
        ...(typeof body === 'string'
          ? { 'content-type': 'application/xml' }
          : body !== undefined
            ? { 'content-type': 'application/json' }
            : {}),
        ...headers,
      },
    };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${this.baseUrl}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (CSV)
    }
    return { status: res.status, body: parsed };
  }

  /** The request, failing the test unless the status is one of `ok`. */
  async must(method: string, path: string, body?: unknown, ok: number[] = [200, 201, 204]): Promise<Body> {
    const res = await this.request(method, path, body);
    if (!ok.includes(res.status))
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  // ---- set-up helpers -----------------------------------------------------------------------

  async team(id: string, zh: string, en: string): Promise<void> {
    await this.must('PUT', `/api/teams/${id}`, { name: { 'zh-CN': zh, en } });
  }

  /** A user whose initial password is already changed (so no prompt), unless `keepInitial`. */
  async user(
    username: string,
    options: {
      displayName: string;
      roles: string[];
      teamId?: string | null;
      password: string;
      keepInitial?: boolean;
      locale?: string;
    },
  ): Promise<string> {
    const initial = options.keepInitial ? options.password : `${options.password}-initial`;
    const created = await this.must('POST', '/api/users', {
      username,
      displayName: options.displayName,
      password: initial,
      roles: options.roles,
      teamId: options.teamId ?? null,
      locale: options.locale ?? 'en',
    });
    if (!options.keepInitial) {
      const self = await ApiSession.login(this.baseUrl, username, initial);
      await self.must('POST', '/api/auth/password', {
        currentPassword: initial,
        newPassword: options.password,
      });
    }
    return created.id as string;
  }

  /** Creates and publishes a form; returns its version number. */
  async publishForm(definition: { key: string }): Promise<number> {
    await this.must('POST', '/api/forms', definition, [201]);
    const published = await this.must('POST', `/api/forms/${definition.key}/publish`, {}, [201]);
    return published.version.version as number;
  }

  /** Publishes a form unless the server has it already (the definitions pack is loaded at start). */
  async ensureForm(definition: { key: string }): Promise<void> {
    const found = await this.request('GET', `/api/forms/${definition.key}`);
    if (found.status === 200 && found.body.latestVersion) return;
    await this.publishForm(definition);
  }

  async deploy(xml: string): Promise<{ id: string; processKey: string; version: number }> {
    const body = await this.must('POST', '/api/deployments', xml, [200, 201]);
    return body.deployment;
  }

  async startInstance(processKey: string, businessKey: string, variables: Record<string, unknown>) {
    return this.must('POST', '/api/instances', { processKey, businessKey, variables }, [201]) as Promise<{
      instance: { id: string };
      taskIds: string[];
    }>;
  }

  async createRecord(formKey: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return this.must('POST', `/api/forms/${formKey}/records`, { data, ...extra }, [201]) as Promise<{
      id: string;
      version: number;
      data: Record<string, unknown>;
    }>;
  }
}

const definitionsDir = join(import.meta.dirname, '..', '..', '..', 'definitions');

/** A form of the built-in debt-collection pack (definitions/forms). */
export function packForm(key: string): { key: string } & Record<string, unknown> {
  return JSON.parse(readFileSync(join(definitionsDir, 'forms', `${key}.form.json`), 'utf8'));
}
