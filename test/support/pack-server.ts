import { randomBytes } from 'node:crypto';
import { type StartedServer, start } from '@collectflow/cli';
import type { Clock } from '@collectflow/engine';
import { createLogger } from '@collectflow/server';
import type { StoreConfig } from '@collectflow/store';
import pg from 'pg';

/** The runtime's clock in a test: moved by hand, never waited for. */
export class FakeClock implements Clock {
  #at: number;

  constructor(at: string | Date) {
    this.#at = new Date(at).getTime();
  }

  now(): Date {
    return new Date(this.#at);
  }

  set(at: string | Date): void {
    this.#at = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.#at += ms;
  }
}

export interface PackBackend {
  name: 'pglite' | 'postgres';
  /** A fresh, empty database for one server: PGlite in memory, or a schema of its own on PostgreSQL. */
  open(): Promise<{ store: StoreConfig; cleanup(): Promise<void> }>;
}

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (each server in its own schema). */
export function packBackends(env: NodeJS.ProcessEnv = process.env): PackBackend[] {
  const backends: PackBackend[] = [
    {
      name: 'pglite',
      open: async () => ({ store: { backend: 'pglite', dataDir: 'memory://' }, cleanup: async () => {} }),
    },
  ];
  const url = env.TEST_DATABASE_URL?.trim();
  if (url) {
    backends.push({
      name: 'postgres',
      open: async () => {
        const schema = `t_${randomBytes(6).toString('hex')}`;
        return {
          store: { backend: 'postgres', databaseUrl: url, schema },
          cleanup: async () => {
            const client = new pg.Client({ connectionString: url });
            await client.connect();
            try {
              await client.query(`drop schema if exists "${schema}" cascade`);
            } finally {
              await client.end();
            }
          },
        };
      },
    });
  }
  return backends;
}

export const ADMIN_PASSWORD = 'admin-password-for-tests';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in assertions
export type Body = Record<string, any>;

export interface PackServer {
  server: StartedServer;
  url: string;
  clock: FakeClock | undefined;
  /** An admin API token (every permission). */
  token: string;
  /** JSON in, JSON out, with the admin token unless `token` says otherwise. */
  api(
    path: string,
    init?: { method?: string; json?: unknown; body?: string; type?: string; token?: string },
  ): Promise<{ status: number; body: Body }>;
  stop(): Promise<void>;
}

/**
 * The real server as `collectflow start` runs it (definitions/ loaded, the pack's handlers and
 * sink), on a random port, with the scheduler off and the clock in the test's hands: `settle()`
 * of the pack runs what is due at the clock's time.
 */
export async function startPackServer(
  backend: PackBackend,
  /** login: false makes no API token (a start that writes nothing of its own). */
  options: { clock?: FakeClock; env?: Record<string, string>; scheduler?: boolean; login?: boolean } = {},
): Promise<PackServer> {
  const { runtimeConfigFromEnv } = await import('@collectflow/cli');
  const db = await backend.open();
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    COLLECTFLOW_ADMIN_USERNAME: 'admin',
    COLLECTFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
    COLLECTFLOW_DEMO: 'off',
    ...options.env,
  };
  const config = { ...runtimeConfigFromEnv({ COLLECTFLOW_DATA_DIR: 'memory://', ...env }), store: db.store };
  const server = await start(config, createLogger({ level: 'silent' }), {
    ...(options.clock ? { clock: options.clock } : {}),
    scheduler: options.scheduler ?? false,
    env,
  });
  const url = server.url.replace('localhost', '127.0.0.1');
  const request = async (
    path: string,
    init: {
      method?: string;
      json?: unknown;
      body?: string;
      type?: string;
      token?: string;
      headers?: Record<string, string>;
    } = {},
  ) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.body !== undefined) {
      headers['content-type'] = init.type ?? 'application/xml';
      body = init.body;
    }
    const res = await fetch(`${url}${path}`, { method: init.method ?? 'GET', headers, body });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body, headers: res.headers };
  };
  const token = options.login === false ? '' : await apiToken(url, 'admin', ADMIN_PASSWORD);
  return {
    server,
    url,
    clock: options.clock,
    token,
    api: (path, init = {}) => request(path, { ...init, token: init.token ?? token }),
    stop: async () => {
      await server.stop();
      await db.cleanup();
    },
  };
}

/** Logs in and makes an API token with every permission the user has. */
export async function apiToken(url: string, username: string, password: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200)
    throw new Error(`login as ${username} answered ${login.status}: ${await login.text()}`);
  const { csrfToken, permissions } = (await login.json()) as { csrfToken: string; permissions: string[] };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const made = await fetch(`${url}/api/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: `test ${username}`, permissions }),
  });
  if (made.status !== 201)
    throw new Error(`token for ${username} answered ${made.status}: ${await made.text()}`);
  return ((await made.json()) as { token: string }).token;
}

/** A CN debtor who may be texted, and a case of 10,600 CNY that fell due on 2025-06-16. */
export function caseFixture(caseNumber: string, debtorNo: string, debtor: Record<string, unknown> = {}) {
  return {
    debtor: {
      debtorNo,
      partyType: 'PERSON',
      name: '王伟',
      idType: 'CN_RESIDENT_ID',
      idNumber: '11010519491231002X',
      phones: [{ number: '13800138000', kind: 'MOBILE', status: 'VALID', smsConsent: true, primary: true }],
      emails: [],
      timeZone: 'Asia/Shanghai',
      preferredLanguage: 'zh',
      doNotContact: [],
      bankruptcy: { status: 'NONE' },
      deceased: false,
      ...debtor,
    },
    debtCase: {
      caseNumber,
      debtorNo,
      jurisdiction: 'CN',
      creditor: { name: '华信消费金融有限公司' },
      currency: 'CNY',
      principal: '10000.00',
      interest: '500.00',
      fees: '100.00',
      costs: '0.00',
      paid: '0.00',
      dueDate: '2025-06-16',
      stage: 'EARLY',
      status: 'OPEN',
      limitationExpiresOn: '2028-06-16',
      legalApproval: false,
    },
    /** What soft collection reads: the case fields plus the debtor's zone and language. */
    variables: {
      caseNumber,
      debtorNo,
      jurisdiction: 'CN',
      currency: 'CNY',
      principal: '10000.00',
      interest: '500.00',
      fees: '100.00',
      costs: '0.00',
      paid: '0.00',
      balance: '10600.00',
      dueDate: '2025-06-16',
      status: 'OPEN',
      stage: 'EARLY',
      timeZone: 'Asia/Shanghai',
      preferredLanguage: 'zh',
      limitationExpiresOn: '2028-06-16',
      legalApproval: false,
      bankruptcyStatus: 'NONE',
      brokenPromises: 0,
      contactAttempts: 0,
      rightPartyContacts: 0,
    },
  };
}

/** The debtor number openCase gives the debtor of a case. */
export const debtorNoOf = (caseNumber: string) => `DB-${caseNumber.replace(/\D/g, '').slice(-8)}`;

/** Writes the debtor and the case as records and starts soft collection for the case. */
export async function openCase(
  server: PackServer,
  caseNumber: string,
  debtor: Record<string, unknown> = {},
): Promise<{ instanceId: string; caseRecordId: string; variables: Record<string, unknown> }> {
  const debtorNo = debtorNoOf(caseNumber);
  const fixture = caseFixture(caseNumber, debtorNo, debtor);
  const d = await server.api('/api/forms/debtor/records', { method: 'POST', json: { data: fixture.debtor } });
  if (d.status !== 201) throw new Error(`debtor: ${d.status} ${JSON.stringify(d.body)}`);
  const c = await server.api('/api/forms/debt-case/records', {
    method: 'POST',
    json: { data: fixture.debtCase },
  });
  if (c.status !== 201) throw new Error(`case: ${c.status} ${JSON.stringify(c.body)}`);
  const started = await server.api('/api/instances', {
    method: 'POST',
    json: { processKey: 'soft-collection', businessKey: caseNumber, variables: fixture.variables },
  });
  if (started.status !== 201) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
  return { instanceId: started.body.instance.id, caseRecordId: c.body.id, variables: fixture.variables };
}
