import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compileTemplate, type DeploymentDefinition } from '@collectflow/engine';
import { type Actor, createApp, createLogger, listen, type Permission } from '@collectflow/server';
import { openStore, type Store } from '@collectflow/store';
import { rawSelect } from '@collectflow/store/testing';
import { PGlite } from '@electric-sql/pglite';
import * as Elements from 'bpmn-elements';
import { Engine } from 'bpmn-engine';
import { deserialize, TypeResolver } from 'moddle-context-serializer';
import pg from 'pg';
import { type BenchContext, type BenchGroup, type Figure, throughput } from '../harness.js';
import {
  benchRuntime,
  cloneWaitingInstance,
  fixture,
  REFERENCE_FLOW,
  REFERENCE_KEY,
  runDurableFlows,
  startChildServer,
  TIMER_TO_END_BPMN,
} from './engine.support.js';

const INMEMORY_FLOWS = 2_000;
const NAIVE_FLOWS = 400;
const DURABLE_FLOWS_PER_WORKER = 600;
const DURABLE_CONCURRENCY = 8;
const COMPLETIONS = 2_000;
const COMPLETION_CLIENTS = 32;
const OVERDUE_TIMERS = 10_000;
const CPU_FLOWS = 500;
const RSS_WAITING = 100_000;

// --- the baselines: plain bpmn-engine on the same flow, with the same expression language and
// the same wait-state service task, so that only durability differs.

const silentLogger = () => ({ debug() {}, error() {}, warn() {} });
const elements = { ...Elements, ServiceTask: Elements.SignalTask };
const expressions = {
  resolveExpression(template: unknown, context?: { environment?: { variables?: Record<string, unknown> } }) {
    if (typeof template !== 'string' || !template.includes('${')) return template;
    const variables = context?.environment?.variables ?? {};
    return compileTemplate(template).evaluate({ ...variables, variables });
  },
};

interface WaitApi {
  type: string;
  signal(message?: unknown): void;
  environment: { assignVariables(vars: Record<string, unknown>): void };
}

interface EngineLike {
  state: string;
  execution: { getPostponed(): WaitApi[] };
  execute(): Promise<unknown>;
  resume(): Promise<unknown>;
  recover(state: unknown): EngineLike;
  getState(): Promise<unknown>;
  stop(): Promise<unknown>;
}

/** Answers the wait the way the host does: the review approved, the letter posted. */
function answer(engine: EngineLike): void {
  const [api] = engine.execution.getPostponed();
  if (!api) throw new Error('nothing waits');
  const output = api.type === 'bpmn:UserTask' ? { approved: true } : { letterId: 'x' };
  api.environment.assignVariables(output);
  api.signal(output);
}

async function inMemoryFlow(sourceContext: unknown): Promise<void> {
  const engine = new Engine({
    name: REFERENCE_KEY,
    sourceContext,
    expressions,
    Logger: silentLogger,
    settings: { disableTrackState: true },
  } as never) as unknown as EngineLike;
  await engine.execute();
  // bpmn-engine runs synchronously to the next wait state after each signal.
  while (engine.state === 'running') answer(engine);
}

/**
 * The naive way to make bpmn-engine durable: parse the XML for every instance, store
 * getState() (which embeds the whole model) after each wait, and recover from it to continue.
 */
async function naiveDurableFlow(
  xml: string,
  save: (id: string, state: unknown) => Promise<void>,
  load: (id: string) => Promise<unknown>,
  id: string,
): Promise<void> {
  const options = { name: REFERENCE_KEY, expressions, elements, Logger: silentLogger };
  let engine = new Engine({ ...options, source: xml } as never) as unknown as EngineLike;
  await engine.execute();
  while (engine.state === 'running') {
    await save(id, await engine.getState());
    await engine.stop();
    engine = (new Engine(options as never) as unknown as EngineLike).recover(await load(id));
    await engine.resume();
    answer(engine);
  }
  await save(id, await engine.getState());
}

async function naiveStorage(ctx: BenchContext) {
  const table = `bench_naive_${randomBytes(4).toString('hex')}`;
  if (ctx.databaseUrl) {
    const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 8 });
    await pool.query(`create table ${table} (id text primary key, state jsonb not null)`);
    return {
      save: async (id: string, state: unknown) => {
        await pool.query(
          `insert into ${table} (id, state) values ($1, $2) on conflict (id) do update set state = excluded.state`,
          [id, JSON.stringify(state)],
        );
      },
      load: async (id: string) =>
        (await pool.query(`select state from ${table} where id = $1`, [id])).rows[0].state,
      close: async () => {
        await pool.query(`drop table ${table}`);
        await pool.end();
      },
    };
  }
  const db = await PGlite.create();
  await db.exec(`create table ${table} (id text primary key, state jsonb not null)`);
  return {
    save: async (id: string, state: unknown) => {
      await db.query(
        `insert into ${table} (id, state) values ($1, $2) on conflict (id) do update set state = excluded.state`,
        [id, JSON.stringify(state)],
      );
    },
    load: async (id: string) =>
      (await db.query<{ state: unknown }>(`select state from ${table} where id = $1`, [id])).rows[0]!.state,
    close: () => db.close(),
  };
}

// --- ours

async function deployReference(store: Store, repoRoot: string): Promise<DeploymentDefinition> {
  const runtime = benchRuntime(store);
  const outcome = await runtime.deployments.deploy(fixture(repoRoot, REFERENCE_FLOW), 'bench');
  const { definition } = await runtime.deployments.get(outcome.deployment!.id);
  return definition as DeploymentDefinition;
}

/** On PostgreSQL, one worker thread per core, each with its own runtime and connection pool. */
/** Flows per second, and Node CPU per flow (every thread of this process; PostgreSQL's own CPU not included). */
async function durableRate(ctx: BenchContext): Promise<{ rate: number; cpuMsPerFlow: number; note: string }> {
  if (!ctx.databaseUrl) {
    const { store, cleanup } = await ctx.freshStore();
    try {
      await deployReference(store, ctx.repoRoot);
      const runtime = benchRuntime(store, { serviceConcurrency: DURABLE_CONCURRENCY });
      await runDurableFlows(runtime, store, { flows: 20, concurrency: DURABLE_CONCURRENCY, prefix: 'warm' });
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      await runDurableFlows(runtime, store, {
        flows: DURABLE_FLOWS_PER_WORKER,
        concurrency: DURABLE_CONCURRENCY,
        prefix: 'run',
      });
      const used = process.cpuUsage(cpu);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return {
        rate: DURABLE_FLOWS_PER_WORKER / seconds,
        cpuMsPerFlow: (used.user + used.system) / 1000 / DURABLE_FLOWS_PER_WORKER,
        note: 'PGlite has one connection: one thread (its wasm database runs in the same process)',
      };
    } finally {
      await cleanup();
    }
  }
  const schema = `bench_engine_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ backend: 'postgres', databaseUrl: ctx.databaseUrl, schema });
  await store.migrate();
  await deployReference(store, ctx.repoRoot);
  const threads = availableParallelism();
  const workers = Array.from(
    { length: threads },
    (_, index) =>
      new Worker(new URL('./ts-worker.boot.mjs', import.meta.url), {
        workerData: {
          script: new URL('./engine-durable.worker.ts', import.meta.url).href,
          databaseUrl: ctx.databaseUrl,
          schema,
          flows: DURABLE_FLOWS_PER_WORKER,
          concurrency: DURABLE_CONCURRENCY,
          index,
        },
      }),
  );
  const message = (worker: Worker, key: string) =>
    new Promise<void>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (m[key]) {
          worker.off('message', onMessage);
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  try {
    await Promise.all(workers.map((w) => message(w, 'ready')));
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const done = workers.map((w) => message(w, 'done'));
    for (const w of workers) w.postMessage('go');
    await Promise.all(done);
    const used = process.cpuUsage(cpu);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      rate: (threads * DURABLE_FLOWS_PER_WORKER) / seconds,
      cpuMsPerFlow: (used.user + used.system) / 1000 / (threads * DURABLE_FLOWS_PER_WORKER),
      note: `${threads} worker threads × ${DURABLE_CONCURRENCY} concurrent flows, each its own runtime and pool`,
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await store.rollbackAll();
    await store.close();
    const client = new pg.Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
}

/** p99 of POST /api/tasks/:id/complete with 32 clients, each completing a different open task. */
async function completionP99(ctx: BenchContext): Promise<number> {
  const { store, cleanup } = await ctx.freshStore();
  const runtime = benchRuntime(store);
  const actor: Actor = {
    userId: 'bench',
    displayName: 'Bench',
    roles: ['liaison'],
    groups: ['collectors'],
    teamIds: [],
    permissions: new Set<Permission>(['tasks.work', 'process.start']),
  };
  const { app } = createApp({
    store,
    logger: createLogger({ level: 'silent' }),
    version: 'bench',
    runtime,
    authenticate: async () => actor,
  });
  const server = await listen(app, 0, '127.0.0.1');
  try {
    await deployReference(store, ctx.repoRoot);
    const taskIds: string[] = [];
    await throughput(
      async () => {
        const started = await runtime.instances.start({ processKey: REFERENCE_KEY }, 'bench');
        taskIds.push(started.taskIds[0]!);
      },
      { total: COMPLETIONS + 100, concurrency: 8, warmup: 0 },
    );
    const latencies: number[] = [];
    let next = 0;
    const complete = async (record: boolean) => {
      const id = taskIds[next++]!;
      const t0 = process.hrtime.bigint();
      const res = await fetch(`http://127.0.0.1:${server.port}/api/tasks/${id}/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: { approved: true } }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`completion answered ${res.status}`);
      if (record) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    };
    // Warm-up outside the figure.
    await Promise.all(Array.from({ length: COMPLETION_CLIENTS }, () => complete(false)));
    await Promise.all(
      Array.from({ length: COMPLETION_CLIENTS }, async () => {
        while (next < taskIds.length) await complete(true);
      }),
    );
    latencies.sort((a, b) => a - b);
    return latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!;
  } finally {
    await server.close();
    await cleanup();
  }
}

interface ScratchDatabase {
  /** Environment for a `collectflow start` child on this database. */
  env: Record<string, string>;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

/** A database of its own for a child server: a PostgreSQL database, or a PGlite data directory. */
async function scratchDatabase(ctx: BenchContext): Promise<ScratchDatabase> {
  if (ctx.databaseUrl) {
    const name = `bench_engine_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ctx.databaseUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(ctx.databaseUrl);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString() },
      open: () => openStore({ backend: 'postgres', databaseUrl: url.toString() }),
      drop: async () => {
        const client = new pg.Client({ connectionString: ctx.databaseUrl });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'collectflow-bench-'));
  return {
    env: { DATABASE_URL: '', COLLECTFLOW_DATA_DIR: dir },
    open: () => openStore({ backend: 'pglite', dataDir: dir }),
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Restart with `count` overdue timers: seconds from `collectflow start` until every one has fired. */
export async function overdueTimersSeconds(ctx: BenchContext, count: number): Promise<number> {
  const db = await scratchDatabase(ctx);
  try {
    const store = await db.open();
    try {
      await store.migrate();
      const runtime = benchRuntime(store);
      await runtime.deployments.deploy(Buffer.from(TIMER_TO_END_BPMN), 'bench');
      const template = await runtime.instances.start({ processKey: 'bench-timer-to-end' }, 'bench');
      await cloneWaitingInstance(store, template.instance.id, count, 'overdue');
      await rawSelect(store, 'delete from process_instances where id = ? returning id', [
        template.instance.id,
      ]);
    } finally {
      await store.close();
    }
    const started = process.hrtime.bigint();
    const server = await startChildServer(ctx.repoRoot, { ...db.env, COLLECTFLOW_SCHEDULER_POLL_MS: '100' });
    try {
      for (;;) {
        const res = await fetch(`${server.url}/api/instances?status=running&limit=1`, {
          headers: { authorization: `Bearer ${server.token}` },
        });
        const body = (await res.json()) as { items: unknown[] };
        if (body.items.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return Number(process.hrtime.bigint() - started) / 1e9;
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}

/** RSS of a server with `waiting` instances at a user task, after a round of inbox and instance reads and starts. */
export async function serverRssMb(ctx: BenchContext, waiting: number): Promise<number> {
  const db = await scratchDatabase(ctx);
  try {
    const store = await db.open();
    try {
      await store.migrate();
      const runtime = benchRuntime(store);
      await deployReference(store, ctx.repoRoot);
      const template = await runtime.instances.start({ processKey: REFERENCE_KEY }, 'bench');
      await cloneWaitingInstance(store, template.instance.id, waiting - 1, 'waiting');
    } finally {
      await store.close();
    }
    const server = await startChildServer(ctx.repoRoot, db.env);
    try {
      const get = async (path: string) => {
        const res = await fetch(`${server.url}${path}`, {
          headers: { authorization: `Bearer ${server.token}` },
        });
        return (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
      };
      for (let round = 0; round < 5; round++) {
        let cursor: string | null = null;
        for (let page = 0; page < 10; page++) {
          const tasks = await get(`/api/tasks?scope=all&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
          cursor = tasks.nextCursor;
          if (!cursor) break;
        }
        const instances = await get('/api/instances?status=running&limit=200');
        for (const instance of instances.items.slice(0, 20)) await get(`/api/instances/${instance.id}`);
        await Promise.all(
          Array.from({ length: 20 }, () =>
            fetch(`${server.url}/api/instances`, {
              method: 'POST',
              headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ processKey: REFERENCE_KEY }),
            }).then((r) => r.arrayBuffer()),
          ),
        );
      }
      return server.rssMb();
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}

export const engineGroup: BenchGroup = {
  name: 'engine',
  async run(ctx) {
    const figures: Figure[] = [];

    // Baseline 1: plain bpmn-engine in memory, pre-serialized source, one process.
    const { store, cleanup } = await ctx.freshStore();
    let definition: DeploymentDefinition;
    try {
      definition = await deployReference(store, ctx.repoRoot);
    } finally {
      await cleanup();
    }
    const typeResolver = TypeResolver(elements as never);
    const sourceContext = deserialize(JSON.parse(definition.sourceContext) as object, typeResolver);
    ctx.log('in-memory bpmn-engine baseline');
    const inMemory = await throughput(() => inMemoryFlow(sourceContext), {
      total: INMEMORY_FLOWS,
      concurrency: DURABLE_CONCURRENCY,
    });
    const inMemoryCpu = process.cpuUsage();
    for (let i = 0; i < CPU_FLOWS; i++) await inMemoryFlow(sourceContext);
    const inMemoryUsed = process.cpuUsage(inMemoryCpu);
    const inMemoryCpuMs = (inMemoryUsed.user + inMemoryUsed.system) / 1000 / CPU_FLOWS;

    // Baseline 2: naive durability (XML parsed per instance, getState to the database per wait).
    ctx.log('naive durable bpmn-engine baseline');
    const xml = fixture(ctx.repoRoot, REFERENCE_FLOW).toString('utf8');
    const storage = await naiveStorage(ctx);
    let naive: number;
    try {
      naive = await throughput(
        (i) => naiveDurableFlow(xml, storage.save, storage.load, `n${i}-${Math.random()}`),
        {
          total: NAIVE_FLOWS,
          concurrency: DURABLE_CONCURRENCY,
        },
      );
    } finally {
      await storage.close();
    }

    ctx.log('durable flows through the runtime');
    const durable = await durableRate(ctx);
    const flowNote =
      'reference flow start → user task → complete → exclusive gateway → service task → end, flows to their end';
    figures.push({
      id: 'engine.durable_flow_per_s',
      value: durable.rate,
      unit: '1/s',
      baseline: { id: 'engine.bpmn_engine_inmemory_per_s', value: inMemory },
      better: 'higher',
      note: `${flowNote}; state committed at each wait (3 steps, 4 transactions); ${durable.note}; 1-minute load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores after the run`,
    });
    figures.push({
      id: 'engine.bpmn_engine_inmemory_per_s',
      value: inMemory,
      unit: '1/s',
      better: 'higher',
      note: `${flowNote}; plain bpmn-engine, in memory, pre-serialized source, one thread`,
    });
    // Throughput on a shared 2-core machine moves with whatever else runs; CPU per flow does not.
    figures.push({
      id: 'engine.durable_cpu_ms_per_flow',
      value: durable.cpuMsPerFlow,
      unit: 'ms',
      baseline: { id: 'engine.bpmn_engine_inmemory_cpu_ms_per_flow', value: inMemoryCpuMs },
      better: 'lower',
      note: `${flowNote}; Node CPU (user + system, all threads) per durable flow, PostgreSQL's CPU not included`,
    });
    figures.push({
      id: 'engine.bpmn_engine_inmemory_cpu_ms_per_flow',
      value: inMemoryCpuMs,
      unit: 'ms',
      better: 'lower',
      note: `${flowNote}; plain bpmn-engine in memory, ${CPU_FLOWS} flows one after another`,
    });
    figures.push({
      id: 'engine.bpmn_engine_naive_durable_per_s',
      value: naive,
      unit: '1/s',
      baseline: { id: 'engine.durable_flow_per_s', value: durable.rate },
      better: 'higher',
      note: `${flowNote}; XML parsed per instance, getState() to the database after each wait, recover to continue, one thread`,
    });

    ctx.log('task completion latency over HTTP');
    const p99 = await completionP99(ctx);
    figures.push({
      id: 'engine.task_complete_p99_ms',
      value: p99,
      unit: 'ms',
      better: 'lower',
      note: `POST /api/tasks/:id/complete, ${COMPLETION_CLIENTS} concurrent clients, ${COMPLETIONS} completions of different tasks (validate, lock, step, commit)`,
    });

    // The last two run `collectflow start` as a child process: a failure there (a broken build of
    // another package, a port) is reported and skipped instead of losing the figures above.
    try {
      ctx.log('restart with 10,000 overdue timers');
      const overdue = await overdueTimersSeconds(ctx, OVERDUE_TIMERS);
      figures.push({
        id: 'engine.overdue_timers_10k_s',
        value: overdue,
        unit: 's',
        better: 'lower',
        note: `${OVERDUE_TIMERS} instances whose timers came due while the server was down; from \`collectflow start\` (migrate, definitions, listen) until the last has fired, one node`,
      });
    } catch (error) {
      ctx.log(`engine.overdue_timers_10k_s skipped: ${(error as Error).message}`);
    }

    if (ctx.databaseUrl && process.platform === 'linux') {
      try {
        ctx.log('server memory with 100,000 waiting instances');
        const small = await serverRssMb(ctx, 100);
        const large = await serverRssMb(ctx, RSS_WAITING);
        figures.push({
          id: 'engine.rss_mb_100k_waiting',
          value: large,
          unit: 'MB',
          baseline: { id: 'engine.rss_mb_100_waiting', value: small },
          better: 'lower',
          note: `VmRSS of \`collectflow start\` with ${RSS_WAITING} instances waiting at a user task, after paging the inbox, reading instances and starting 100 more; baseline the same with 100 waiting`,
        });
      } catch (error) {
        ctx.log(`engine.rss_mb_100k_waiting skipped: ${(error as Error).message}`);
      }
    } else {
      ctx.log(
        'engine.rss_mb_100k_waiting: PostgreSQL on Linux only (100,000 6 KB snapshots are too much for an embedded bench run)',
      );
    }
    ctx.log(
      `load average during the run: ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}`,
    );
    return figures;
  },
};
