import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiToken,
  type Body,
  FakeClock,
  type PackServer,
  packBackends,
  startPackServer,
} from './support/pack-server.js';

// `npm start` on an empty database: the demo loads, with a user per role whose inbox has work.
// The clock is fixed, so the demo (seed "collectflow", as of 10:00 Shanghai that day) is the same
// on every run.

const DEMO_PASSWORD = 'collectflow-demo';

describe.each(packBackends())('a first start with the demo ($name)', (backend) => {
  let server: PackServer;

  beforeAll(async () => {
    server = await startPackServer(backend, {
      clock: new FakeClock('2025-07-01T03:00:00.000Z'),
      env: { COLLECTFLOW_DEMO: 'on' },
    });
  });
  afterAll(() => server?.stop());

  const inboxOf = async (username: string): Promise<Body[]> => {
    const token = await apiToken(server.url, username, DEMO_PASSWORD);
    const res = await server.api('/api/tasks?limit=200', { token });
    expect(res.status).toBe(200);
    return res.body.items;
  };

  it('loads a small demo set: twelve cases with their debtors, contacts, promises and payments', async () => {
    const cases = await server.api('/api/forms/debt-case/records?limit=200');
    expect(cases.body.items).toHaveLength(12);
    for (const form of ['debtor', 'contact-attempt', 'promise-to-pay', 'payment', 'collector']) {
      const page = await server.api(`/api/forms/${form}/records?limit=1`);
      expect(page.body.items, form).toHaveLength(1);
    }
  });

  it('a liaison logs in with the documented demo password and finds calls to make', async () => {
    const inbox = await inboxOf('li.lei');
    expect(inbox.length).toBeGreaterThanOrEqual(3);
    expect(new Set(inbox.map((t) => t.elementId))).toEqual(
      new Set(['call-debtor', 'follow-up-broken-promise']),
    );
  });

  it('the analyst, the manager and the strategist each have work of their own', async () => {
    expect((await inboxOf('han.meimei')).map((t) => t.elementId)).toEqual(
      expect.arrayContaining(['review-dispute', 'build-evidence-pack']),
    );
    expect((await inboxOf('zhang.wei')).map((t) => t.elementId)).toContain('approve-legal-action');
    expect((await inboxOf('chen.jing')).map((t) => t.elementId)).toContain('decide-next-step');
  });

  it('every demo case has a strategy arm on its record, so recovery can be compared by arm', async () => {
    const cases = (await server.api('/api/forms/debt-case/records?limit=200')).body.items as Body[];
    const byArm = new Map<string, number>();
    for (const c of cases) byArm.set(c.data.strategyArm, (byArm.get(c.data.strategyArm) ?? 0) + 1);
    expect([...byArm.keys()].every((arm) => ['champion', 'sms-first'].includes(arm))).toBe(true);
    const champion = await server.api(
      `/api/forms/debt-case/records?${new URLSearchParams({ filter: '/strategyArm:eq:champion', limit: '200' })}`,
    );
    expect(champion.body.items).toHaveLength(byArm.get('champion') ?? 0);
  });

  it('the demo is loaded once: it is recorded, and the next start finds it there', async () => {
    const meta = await server.server.store.transaction((tx) => tx.meta.get<Body>('demo'), { readOnly: true });
    expect(meta).toMatchObject({ seed: 'collectflow', asOf: '2025-07-01T02:00:00.000Z', cases: 12 });
  });
});

describe('a first start with COLLECTFLOW_DEMO=off', () => {
  let server: PackServer;
  beforeAll(async () => {
    server = await startPackServer(packBackends()[0]!, { env: { COLLECTFLOW_DEMO: 'off' } });
  });
  afterAll(() => server?.stop());

  it('has the pack’s forms and flows but no demo case and no demo user', async () => {
    expect((await server.api('/api/forms/debt-case/records?limit=1')).body.items).toEqual([]);
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'li.lei', password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(401);
    expect((await server.api('/api/deployments?limit=10')).body.items).toHaveLength(4);
  });
});
