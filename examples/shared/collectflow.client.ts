// A small client for the examples: fetch with an API token, JSON in and out, problems as errors.
//
// COLLECTFLOW_URL    the server (default http://localhost:3000)
// COLLECTFLOW_TOKEN  an API token (POST /api/auth/tokens as an admin); or, to have one made:
// COLLECTFLOW_USERNAME / COLLECTFLOW_PASSWORD  an administrator's login

export interface Problem {
  status: number;
  code?: string;
  detail?: string;
  errors?: { pointer: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly problem: Problem,
  ) {
    super(
      `${method} ${path} answered ${problem.status}: ${problem.detail ?? ''}${
        problem.errors?.length
          ? ` (${problem.errors.map((e) => `${e.pointer} ${e.message}`).join('; ')})`
          : ''
      }`,
    );
  }
}

export class CollectflowClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** From the environment: a token, or an admin login that makes one (permissions as the admin's). */
  static async fromEnv(env: NodeJS.ProcessEnv = process.env): Promise<CollectflowClient> {
    const baseUrl = (env.COLLECTFLOW_URL ?? 'http://localhost:3000').replace(/\/$/, '');
    if (env.COLLECTFLOW_TOKEN) return new CollectflowClient(baseUrl, env.COLLECTFLOW_TOKEN);
    if (!env.COLLECTFLOW_USERNAME || !env.COLLECTFLOW_PASSWORD) {
      throw new Error(
        'set COLLECTFLOW_TOKEN (an API token), or COLLECTFLOW_USERNAME and COLLECTFLOW_PASSWORD',
      );
    }
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: env.COLLECTFLOW_USERNAME, password: env.COLLECTFLOW_PASSWORD }),
    });
    if (!login.ok) throw new Error(`login answered ${login.status}`);
    const me = (await login.json()) as { csrfToken: string; permissions: string[] };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const made = await fetch(`${baseUrl}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': me.csrfToken },
      body: JSON.stringify({ name: 'collectflow examples', permissions: me.permissions }),
    });
    if (made.status !== 201) throw new Error(`creating an API token answered ${made.status}`);
    return new CollectflowClient(baseUrl, ((await made.json()) as { token: string }).token);
  }

  async request<T>(method: string, path: string, body?: unknown, type = 'application/json'): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = type;
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) throw new ApiError(method, path, { status: res.status, ...(parsed as object) });
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  /** Uploads a BPMN file; the same bytes as the latest version deploy nothing new. */
  deploy(xml: string): Promise<{ deployment: { processKey: string; version: number }; unchanged: boolean }> {
    return this.request('POST', '/api/deployments', xml, 'application/xml');
  }

  /** Creates a form or saves its draft, then publishes it; a draft equal to the latest version is left as it is. */
  async publishForm(definition: { key: string } & Record<string, unknown>): Promise<number> {
    const key = definition.key;
    const exists = await this.get(`/api/forms/${key}`).then(
      () => true,
      (error: unknown) =>
        error instanceof ApiError && error.problem.status === 404 ? false : Promise.reject(error),
    );
    if (exists) await this.put(`/api/forms/${key}/draft`, definition);
    else await this.post('/api/forms', definition);
    try {
      const published = await this.post<{ version: { version: number } }>(`/api/forms/${key}/publish`, {});
      return published.version.version;
    } catch (error) {
      if (error instanceof ApiError && error.problem.code === 'forms.nothing_to_publish') {
        return (await this.get<{ latestVersion: number }>(`/api/forms/${key}`)).latestVersion;
      }
      throw error;
    }
  }
}
