import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Two real server processes (`collectflow start`) on one PostgreSQL database: 1,000 instances,
 * each waiting on a timer and then a user task completed by two requests at once (one per node).
 * One node is SIGKILLed while timers fire and completions run, then started again. Afterwards
 * every timer has fired exactly once, every instance took exactly its three steps, every task
 * was completed once, and nothing is left waiting.
 */
const url = process.env.TEST_DATABASE_URL?.trim();
if (!url) {
  console.warn(
    '\n*** SKIPPED test/multi-node.test.ts: it needs PostgreSQL. Set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ***\n',
  );
}

const INSTANCES = 1_000;
const emptyDefinitions = mkdtempSync(join(tmpdir(), 'collectflow-multinode-defs-'));
const ADMIN_PASSWORD = `multi-node-${randomBytes(6).toString('hex')}`;
/** Bearer token of the administrator, made on node a once it is up. */
let token = '';
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const bin = `${repoRoot}packages/cli/dist/bin.js`;
const fixture = readFileSync(`${repoRoot}packages/server/test/fixtures/bpmn/wait-then-confirm.bpmn`);

interface Node {
  name: string;
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  alive: boolean;
}

async function startNode(name: string, databaseUrl: string): Promise<Node> {
  const child = spawn(process.execPath, [bin, 'start'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      COLLECTFLOW_NODE_ID: name,
      // The runtime is under test, not the definitions pack: start from an empty definitions folder.
      COLLECTFLOW_DEFINITIONS_DIR: emptyDefinitions,
      COLLECTFLOW_SCHEDULER_POLL_MS: '100',
      COLLECTFLOW_DB_POOL_MAX: '8',
      // The first start creates this administrator; the test logs in once and uses an API token.
      COLLECTFLOW_ADMIN_USERNAME: 'admin',
      COLLECTFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const node: Partial<Node> = { name, child, alive: true };
  node.exited = new Promise((resolve) =>
    child.once('exit', (code) => {
      node.alive = false;
      resolve(code);
    }),
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  node.url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const match = /serving (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) =>
      reject(new Error(`node ${name} exited with ${code}: ${stderr.slice(-2000)}`)),
    );
  });
  return node as Node;
}

async function call(
  node: Node,
  path: string,
  init: { method?: string; json?: unknown; body?: Uint8Array<ArrayBuffer>; type?: string } = {},
) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.body) {
    headers['content-type'] = init.type ?? 'application/xml';
    body = init.body;
  }
  const res = await fetch(`${node.url}${path}`, { method: init.method ?? 'GET', headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Logs in as the administrator and makes an API token for the rest of the test. */
async function apiToken(node: Node): Promise<string> {
  const login = await fetch(`${node.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const made = await fetch(`${node.url}/api/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({
      name: 'multi-node test',
      permissions: ['forms.design', 'process.deploy', 'process.start', 'process.admin', 'tasks.work'],
    }),
  });
  if (made.status !== 201) throw new Error(`token answered ${made.status}: ${await made.text()}`);
  return ((await made.json()) as { token: string }).token;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe.skipIf(!url)('two server nodes on one PostgreSQL', () => {
  const database = `cf_multinode_${randomBytes(4).toString('hex')}`;
  const nodes: Node[] = [];
  let admin: pg.Client | undefined;
  let db: pg.Pool | undefined;

  afterAll(async () => {
    for (const node of nodes) if (node.alive) node.child.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.exited));
    await db?.end();
    rmSync(emptyDefinitions, { recursive: true, force: true });
    if (admin) {
      await admin
        .query(`drop database if exists ${database}`)
        .catch(() => admin?.query(`drop database if exists ${database} with (force)`))
        .catch(() => undefined);
      await admin.end();
    }
  });

  it('runs 1,000 instances with timers and concurrent completions across a SIGKILL: every timer fires once, no step runs twice, nothing is lost', async () => {
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${database}`);
    const databaseUrl = new URL(url!);
    databaseUrl.pathname = `/${database}`;
    db = new pg.Pool({ connectionString: databaseUrl.toString(), max: 2 });
    // The database is dropped at the end; a connection cut by that is expected, not an error.
    db.on('error', () => undefined);
    const count = async (sql: string) => Number((await db!.query(sql)).rows[0].n);

    const a = await startNode('node-a', databaseUrl.toString());
    nodes.push(a);
    let b = await startNode('node-b', databaseUrl.toString());
    nodes.push(b);
    token = await apiToken(a);

    const form = {
      key: 'review',
      title: { 'zh-CN': '审核', en: 'Review' },
      schema: { type: 'object', properties: { approved: { type: 'boolean' } } },
    };
    expect((await call(a, '/api/forms', { method: 'POST', json: form })).status).toBe(201);
    expect((await call(a, '/api/forms/review/publish', { method: 'POST', json: {} })).status).toBe(201);
    expect(
      (await call(b, '/api/deployments', { method: 'POST', body: new Uint8Array(fixture) })).status,
    ).toBe(201);

    // Starts, spread over both nodes; timers of 2 to 8 seconds.
    const started = new Set<string>();
    let startsDone = false;
    const starter = pool(
      Array.from({ length: INSTANCES }, (_, i) => i),
      12,
      async (i) => {
        const json = {
          processKey: 'wait-then-confirm',
          businessKey: `case-${i}`,
          variables: { coolOff: `PT${2 + (i % 7)}S` },
        };
        const preferred = i % 2 === 0 ? a : b;
        let res = await call(preferred, '/api/instances', { method: 'POST', json }).catch(() => undefined);
        // The node died under the request: start it on the survivor. (If the dead node had
        // committed, that instance exists too; the checks below count what is in the database.)
        if (!res) res = await call(a, '/api/instances', { method: 'POST', json });
        expect(res.status).toBe(201);
        started.add(res.body.instance.id);
      },
    ).then(() => {
      startsDone = true;
    });

    // Kill node b once a good share of the timers has fired, then bring it back.
    let killedAt: { timersFired: number; completions: number } | undefined;
    const killer = (async () => {
      while ((await count("select count(*) as n from process_history where event = 'timer.fire'")) < 250) {
        await new Promise((r) => setTimeout(r, 100));
      }
      killedAt = {
        timersFired: await count("select count(*) as n from process_history where event = 'timer.fire'"),
        completions: await count("select count(*) as n from process_history where event = 'task.complete'"),
      };
      b.child.kill('SIGKILL');
      await b.exited;
      b = await startNode('node-b2', databaseUrl.toString());
      nodes.push(b);
    })();

    // Every open task is completed by two requests at once, one to each node.
    const outcomes = new Map<string, number[]>();
    const completer = (async () => {
      for (;;) {
        const running = await count("select count(*) as n from process_instances where status = 'running'");
        if (startsDone && running === 0) return;
        const page = await call(a, '/api/tasks?scope=all&status=open&limit=200');
        const tasks = (page.body.items as { id: string }[]).filter((t) => !outcomes.has(t.id));
        if (tasks.length === 0) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        await pool(tasks, 8, async (task) => {
          outcomes.set(task.id, []);
          const both = await Promise.all(
            [a, b].map((node) =>
              call(node, `/api/tasks/${task.id}/complete`, {
                method: 'POST',
                json: { data: { approved: true } },
              })
                .then((r) => r.status)
                .catch(() => 0),
            ),
          );
          outcomes.set(task.id, both);
          // A request lost with a dying node: make sure the task is done by asking the survivor.
          if (!both.includes(200) && !both.includes(409)) {
            const retry = await call(a, `/api/tasks/${task.id}/complete`, {
              method: 'POST',
              json: { data: { approved: true } },
            });
            outcomes.set(task.id, [...both, retry.status]);
          }
        });
      }
    })();

    await Promise.all([starter, killer, completer]);

    expect(killedAt, 'node b was killed mid-run').toBeDefined();
    expect(killedAt!.timersFired).toBeLessThan(INSTANCES);

    const total = await count('select count(*) as n from process_instances');
    expect(total).toBeGreaterThanOrEqual(INSTANCES);
    const ids = (await db.query('select id from process_instances')).rows.map((r) => r.id as string);
    for (const id of started) expect(ids).toContain(id);

    // Nothing lost: every instance completed, nothing waits, no job is left.
    expect(await count("select count(*) as n from process_instances where status <> 'completed'")).toBe(0);
    expect(await count("select count(*) as n from process_tasks where status = 'open'")).toBe(0);
    expect(await count('select count(*) as n from process_jobs')).toBe(0);
    expect(await count("select count(*) as n from process_incidents where status = 'open'")).toBe(0);

    // Every timer fired exactly once.
    expect(await count("select count(*) as n from process_history where event = 'timer.fire'")).toBe(total);
    expect(
      await count(
        "select count(*) as n from (select instance_id from process_history where event = 'timer.fire' group by 1 having count(*) <> 1) d",
      ),
    ).toBe(0);
    // No step ran twice: start, timer, completion, so version 3, and each element entered once.
    expect(await count('select count(*) as n from process_instances where version <> 3')).toBe(0);
    expect(
      await count(
        "select count(*) as n from (select instance_id, element_id from process_history where event = 'activity.start' group by 1, 2 having count(*) > 1) d",
      ),
    ).toBe(0);
    expect(await count("select count(*) as n from process_history where event = 'task.complete'")).toBe(
      total,
    );

    // Exactly-once completion as the callers saw it: never two 200s for one task; where both
    // requests got an answer, one won and the other got a 409.
    for (const [taskId, statuses] of outcomes) {
      expect(statuses.filter((s) => s === 200).length, taskId).toBeLessThanOrEqual(1);
      expect(
        statuses.every((s) => [0, 200, 409].includes(s)),
        `${taskId}: ${statuses}`,
      ).toBe(true);
      if (statuses.length === 2 && !statuses.includes(0))
        expect([...statuses].sort(), taskId).toEqual([200, 409]);
    }

    for (const node of nodes) if (node.alive) node.child.kill('SIGTERM');
    const codes = await Promise.all(nodes.filter((n) => n.name !== 'node-b').map((n) => n.exited));
    expect(codes).toEqual([0, 0]);
    console.log(
      `multi-node: ${total} instances, node-b killed after ${killedAt!.timersFired} timers and ${killedAt!.completions} completions; ` +
        `${[...outcomes.values()].filter((s) => s.includes(0)).length} completion requests lost with the killed node`,
    );
  }, 300_000);
});
