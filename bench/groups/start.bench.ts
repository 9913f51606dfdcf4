import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { BenchGroup } from '../harness.js';

/** `npm start` on a fresh database until the first 200 from /api/health, beside a bare PGlite open. */
export const startGroup: BenchGroup = {
  name: 'start',
  async run(ctx) {
    const dir = await mkdtemp(join(tmpdir(), 'collectflow-bench-start-'));
    try {
      const rawStarted = process.hrtime.bigint();
      const raw = await PGlite.create(join(dir, 'raw'));
      await raw.query('select 1');
      const rawSeconds = Number(process.hrtime.bigint() - rawStarted) / 1e9;
      await raw.close();

      const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', PORT: String(await freePort()) };
      let dropDatabase: (() => Promise<void>) | undefined;
      if (ctx.databaseUrl) {
        const name = `collectflow_bench_${randomBytes(4).toString('hex')}`;
        const admin = new pg.Client({ connectionString: ctx.databaseUrl });
        await admin.connect();
        await admin.query(`create database ${name}`);
        await admin.end();
        const url = new URL(ctx.databaseUrl);
        url.pathname = `/${name}`;
        env.DATABASE_URL = url.toString();
        dropDatabase = async () => {
          const c = new pg.Client({ connectionString: ctx.databaseUrl });
          await c.connect();
          await c.query(`drop database if exists ${name} with (force)`);
          await c.end();
        };
      } else {
        delete env.DATABASE_URL;
        env.COLLECTFLOW_DATA_DIR = join(dir, 'data');
      }
      try {
        const seconds = await timeToHealth(ctx.repoRoot, env);
        return [
          {
            id: 'start.first_health_s',
            value: seconds,
            unit: 's',
            baseline: { id: 'raw.pglite_fresh_open_s', value: rawSeconds },
            better: 'lower',
            note: 'fresh database, `npm start` (already built) to the first 200 from /api/health',
          },
        ];
      } finally {
        await dropDatabase?.();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

async function timeToHealth(repoRoot: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: repoRoot, env, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const url = `http://127.0.0.1:${env.PORT}/api/health`;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      const ok = await fetch(url).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return Number(process.hrtime.bigint() - started) / 1e9;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}
