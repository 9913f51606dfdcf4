import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '@collectflow/store';
import { rawSelect } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function baseEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1' };
  delete env.DATABASE_URL;
  delete env.COLLECTFLOW_DEBUG;
  return { ...env, ...extra };
}

/** Runs `collectflow start` and waits for it to exit (for the failures). */
function runToExit(env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'start'], { env: baseEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `collectflow start` and resolves once /api/health answers 200. */
async function startServing(
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string; stop(): Promise<number | null> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'start'], {
    env: baseEnv({ ...env, PORT: String(port) }),
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`collectflow start exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Every table's rows, as a comparable snapshot of what the database holds. */
async function snapshot(dataDir: string): Promise<Record<string, unknown>> {
  const store = await openStore({ backend: 'pglite', dataDir });
  try {
    const tables = await rawSelect<{ table_name: string }>(
      store,
      "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1",
    );
    const out: Record<string, unknown> = {};
    for (const { table_name } of tables) {
      out[table_name] = await rawSelect(store, `select * from "${table_name}" order by 1`);
    }
    return out;
  } finally {
    await store.close();
  }
}

function expectOneClearLine(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.code).not.toBe(0);
  const lines = outcome.stderr.trim().split('\n');
  expect(lines, outcome.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^collectflow: /);
  expect(lines[0]).toMatch(pattern);
  expect(outcome.stderr).not.toMatch(/\n\s+at /);
}

// Starting loads the definitions pack and, on a fresh embedded database, the demo: give the
// two tests that start real servers room on a loaded 2-core machine (a time limit, not an assertion).
describe('collectflow start: bad input gives one clear line and a non-zero exit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'collectflow-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a malformed DATABASE_URL', async () => {
    const outcome = await runToExit({ DATABASE_URL: 'mysql:/oops' });
    expectOneClearLine(outcome, /DATABASE_URL .*postgres:\/\/user:password@host:5432\/database/);
  });

  it('an unreachable PostgreSQL, named without its password', async () => {
    const outcome = await runToExit({ DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/collect' });
    expectOneClearLine(outcome, /cannot connect to PostgreSQL at .*127\.0\.0\.1:1.*running/);
    expect(outcome.stderr).not.toContain('hunter2');
  });

  it('an unwritable data directory', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, '');
    const outcome = await runToExit({ COLLECTFLOW_DATA_DIR: join(file, 'data') });
    expectOneClearLine(outcome, /data directory .* is not writable.*COLLECTFLOW_DATA_DIR/);
  });

  it('a port in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const outcome = await runToExit({ COLLECTFLOW_DATA_DIR: 'memory://', PORT: String(port) });
      expectOneClearLine(outcome, new RegExp(`port ${port} is already in use.*PORT`));
    } finally {
      blocker.close();
    }
  });

  it('a PORT that is not a port number', async () => {
    const outcome = await runToExit({ COLLECTFLOW_DATA_DIR: 'memory://', PORT: 'eighty' });
    expectOneClearLine(outcome, /PORT/);
  });

  it('a second process on the same data directory is refused and the first loses nothing', async () => {
    const dataDir = join(dir, 'shared');
    const first = await startServing({ COLLECTFLOW_DATA_DIR: dataDir });
    try {
      const second = await runToExit({ COLLECTFLOW_DATA_DIR: dataDir, PORT: String(await freePort()) });
      expectOneClearLine(second, /is in use by another collectflow process \(pid \d+\)/);
      expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const after = await snapshot(dataDir);
    expect(after.knex_migrations).not.toHaveLength(0);
  }, 300_000);
});

describe('collectflow start is idempotent', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'collectflow-idem-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a second start on the same data changes nothing and SIGTERM stops it cleanly', async () => {
    const dataDir = join(dir, 'data');
    const first = await startServing({ COLLECTFLOW_DATA_DIR: dataDir });
    expect(await first.stop()).toBe(0);
    const before = await snapshot(dataDir);
    const second = await startServing({ COLLECTFLOW_DATA_DIR: dataDir });
    expect(await second.stop()).toBe(0);
    expect(await snapshot(dataDir)).toEqual(before);
  }, 300_000);
});
