import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  DOMAIN_FORMATS,
  evaluateComputedDetailed,
  type FormDefinition,
  ValidatorCache,
} from '@collectflow/schema';
import { type Actor, createApp, createLogger, listen, PERMISSIONS } from '@collectflow/server';
import { PGlite } from '@electric-sql/pglite';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { generateWideForm } from '../../packages/schema/test/fixtures/wide-form.generator.js';
import { type BenchGroup, type Figure, throughput } from '../harness.js';

const SUBMISSIONS = 3_000;
const CLIENTS = 32;
const RAW_CONNECTIONS = 8;
const COMPILE_RUNS = 15;
const VALIDATIONS = 100_000;

// The records table's shape, so the raw drivers write rows as large as a submission's.
const RAW_TABLE = `create table if not exists bench_raw_records (
  id uuid primary key, form_key text not null, form_version integer not null, data jsonb not null,
  computed jsonb not null default '{}', version integer not null default 1, owner_team_id text,
  assignee_id text, created_at timestamptz not null default now(), created_by text not null,
  updated_at timestamptz not null default now(), updated_by text not null)`;
const RAW_INSERT = `insert into bench_raw_records (id, form_key, form_version, data, computed, created_by, updated_by)
  values ($1, 'debtor', 1, $2, $3, 'bench', 'bench')`;

const addFormats = addFormatsModule.default;

/** The bench calls as an administrator; login is not what is measured. */
const BENCH_ADMIN: Actor = {
  userId: 'bench',
  displayName: 'Bench',
  roles: ['admin'],
  groups: ['admin'],
  teamIds: [],
  permissions: new Set(PERMISSIONS),
};

/**
 * The schema registry's figures: HTTP submissions of the 30-field debtor form (validate +
 * computed balance + insert + audit, each its own transaction) against raw inserts of rows of
 * the same size; compiling a 200-field form; validating the debtor form against plain ajv.
 */
export const registryGroup: BenchGroup = {
  name: 'registry',
  async run(ctx) {
    const debtor = JSON.parse(
      readFileSync(join(ctx.repoRoot, 'packages', 'schema', 'test', 'fixtures', 'debtor.form.json'), 'utf8'),
    ) as FormDefinition;
    const figures: Figure[] = [];
    figures.push(...(await submitFigures(ctx, debtor)));
    figures.push(...compileFigures());
    figures.push(...validateFigures(debtor));
    return figures;
  },
};

function debtorData(i: number): Record<string, unknown> {
  return {
    caseNo: `DC-${String(10_000_000 + i).slice(-8)}`,
    debtorName: `债务人 ${i}`,
    idNumber: '11010519491231002X',
    phone: '13800138000',
    principal: `${1000 + (i % 5000)}.00`,
    interest: '50.25',
    fees: '10',
    paid: '60.25',
    currency: 'CNY',
    address: {
      province: '北京',
      city: '北京',
      district: '朝阳区',
      street: '建国路 88 号',
      postcode: '100022',
    },
    overdueDays: i % 180,
    dpdBucket: 'M2',
    product: 'consumer-loan',
    contractNo: `HT-${i}`,
    loanDate: '2025-01-15',
    dueDate: '2025-07-15',
    contacts: [{ name: '李四', relation: 'spouse', phone: '13900139000' }],
    notes: '客户表示下周还款，需跟进。',
    consentToContact: true,
  };
}

/**
 * The 32 clients run in a worker thread with keep-alive connections, as a separate client
 * process would: sharing the server's event loop would measure the client as much as the server.
 */
const CLIENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: workerData.clients });
const post = (body) => new Promise((resolve, reject) => {
  const req = http.request(workerData.url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => res.statusCode === 201 ? resolve() : reject(new Error(res.statusCode + ' ' + Buffer.concat(chunks))));
  });
  req.on('error', reject);
  req.end(body);
});
const run = async (total) => {
  let next = 0;
  await Promise.all(Array.from({ length: workerData.clients }, async () => {
    while (next < total) await post(workerData.bodies[next++ % workerData.bodies.length]);
  }));
};
(async () => {
  await run(workerData.warmup);
  const started = process.hrtime.bigint();
  await run(workerData.total);
  parentPort.postMessage(workerData.total / (Number(process.hrtime.bigint() - started) / 1e9));
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

async function httpRate(url: string, bodies: string[]): Promise<number> {
  const worker = new Worker(CLIENT_WORKER, {
    eval: true,
    workerData: { url, bodies, clients: CLIENTS, total: SUBMISSIONS, warmup: 100 },
  });
  try {
    const result = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (typeof result !== 'number') throw new Error(`submission client failed: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await worker.terminate();
  }
}

async function submitFigures(
  ctx: Parameters<BenchGroup['run']>[0],
  debtor: FormDefinition,
): Promise<Figure[]> {
  const { store, cleanup } = await ctx.freshStore();
  const { app } = createApp({
    store,
    logger: createLogger({ level: 'silent' }),
    version: 'bench',
    authenticate: async () => BENCH_ADMIN,
  });
  const server = await listen(app, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${server.port}`;
  const post = async (path: string, body: unknown, expected: number) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== expected) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  try {
    await post('/api/forms', debtor, 201);
    await post('/api/forms/debtor/publish', {}, 201);
    const bodies = Array.from({ length: 500 }, (_, i) => JSON.stringify({ data: debtorData(i) }));
    const submitRate = await httpRate(`${base}/api/forms/debtor/records`, bodies);
    // The row as the registry stores it (computed balance included), for the raw baseline.
    const computed = evaluateComputedDetailed(debtor, debtorData(1)).data;
    const data = JSON.stringify(computed);
    const comp = JSON.stringify({ '/balance': computed.balance });

    const note = `${SUBMISSIONS} POST /api/forms/debtor/records from ${CLIENTS} concurrent keep-alive clients in a worker thread (30-field form, ~${data.length} bytes of data): validate, compute the balance, insert record + audit row in one transaction each`;
    if (ctx.databaseUrl) {
      const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: RAW_CONNECTIONS });
      try {
        await pool.query(RAW_TABLE);
        await pool.query('truncate bench_raw_records');
        const raw = await throughput(() => pool.query(RAW_INSERT, [uuidv7(), data, comp]), {
          total: SUBMISSIONS,
          concurrency: RAW_CONNECTIONS,
        });
        return [
          {
            id: 'registry.submit_http_per_s',
            value: submitRate,
            unit: '1/s',
            baseline: { id: 'raw.pg_insert_per_s', value: raw },
            better: 'higher',
            note: `${note}; baseline: node-postgres, ${RAW_CONNECTIONS} connections, autocommit inserts of the same records row (not the store group's 2 KB raw.pg_insert_per_s)`,
          },
        ];
      } finally {
        await pool.query('drop table if exists bench_raw_records');
        await pool.end();
      }
    }
    const pglite = await PGlite.create();
    try {
      await pglite.exec(RAW_TABLE);
      const raw = await throughput(() => pglite.query(RAW_INSERT, [uuidv7(), data, comp]), {
        total: SUBMISSIONS,
        concurrency: RAW_CONNECTIONS,
      });
      return [
        {
          id: 'registry.submit_http_per_s',
          value: submitRate,
          unit: '1/s',
          baseline: { id: 'raw.pglite_records_insert_per_s', value: raw },
          better: 'higher',
          note: `${note}; baseline: bare PGlite inserts of the same records row (the issue's raw.pg_insert_per_s needs DATABASE_URL)`,
        },
      ];
    } finally {
      await pglite.close();
    }
  } finally {
    await server.close();
    await cleanup();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeMs(work: () => void): number {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** A plain Ajv 2020 instance that knows the same formats: what the registry's factory is measured against. */
function plainAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const [name, validate] of Object.entries(DOMAIN_FORMATS))
    ajv.addFormat(name, { type: 'string', validate });
  ajv.addKeyword({ keyword: 'enumNames' });
  return ajv;
}

function compileFigures(): Figure[] {
  const wide = generateWideForm(200);
  // Warm the JIT and the lazily loaded ajv code once; every run then compiles in a fresh cache.
  new ValidatorCache().validatorFor('warm', 1, wide.schema);
  plainAjv().compile(wide.schema);
  const registry: number[] = [];
  const plain: number[] = [];
  for (let run = 0; run < COMPILE_RUNS; run++) {
    registry.push(timeMs(() => new ValidatorCache().validatorFor(wide.key, 1, wide.schema)));
    plain.push(timeMs(() => plainAjv().compile(wide.schema)));
  }
  return [
    {
      id: 'registry.compile_200_fields_ms',
      value: median(registry),
      unit: 'ms',
      baseline: { id: 'ajv.compile_200_fields_ms', value: median(plain) },
      better: 'lower',
      note: `median of ${COMPILE_RUNS}: a 200-field form compiled by a fresh ValidatorCache (the factory's Ajv, formats, keywords) vs a fresh plain Ajv2020 with the same formats; once per published version per process`,
    },
  ];
}

function validateFigures(debtor: FormDefinition): Figure[] {
  const cache = new ValidatorCache();
  const data = evaluateComputedDetailed(debtor, debtorData(7)).data;
  const ajv = plainAjv();
  const plain = ajv.compile(debtor.schema);
  if (!plain(data) || !cache.validate('debtor', 1, debtor.schema, data).valid) {
    throw new Error('bench data is not valid against the debtor form');
  }
  const rate = (work: () => unknown) => {
    for (let i = 0; i < 2_000; i++) work();
    const ms = timeMs(() => {
      for (let i = 0; i < VALIDATIONS; i++) work();
    });
    return VALIDATIONS / (ms / 1000);
  };
  const plainRate = rate(() => plain(data));
  const registryRate = rate(() => cache.validate('debtor', 1, debtor.schema, data));
  const withComputed = rate(() =>
    cache.validate('debtor', 1, debtor.schema, evaluateComputedDetailed(debtor, data).data),
  );
  return [
    {
      id: 'registry.validate_per_s',
      value: registryRate,
      unit: '1/s',
      baseline: { id: 'ajv.validate_per_s', value: plainRate },
      better: 'higher',
      note: `${VALIDATIONS} valid 30-field debtor records through ValidatorCache.validate (key@version lookup, compiled once) vs the plain Ajv2020 validate function of the same schema`,
    },
    {
      id: 'registry.validate_with_computed_per_s',
      value: withComputed,
      unit: '1/s',
      baseline: { id: 'ajv.validate_per_s', value: plainRate },
      better: 'higher',
      note: 'the same plus evaluating the computed balance (filtrex + decimal.js) on a copy, as a submission does',
    },
  ];
}
