import { randomBytes } from 'node:crypto';
import type { Store } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';

/** One figure as written to bench/results.json. */
export interface BenchResult {
  id: string;
  value: number;
  unit: string;
  baseline?: { id: string; value: number };
  /** value / baseline, or baseline / value for times, so that higher is always better. */
  ratio?: number;
  backend: 'pglite' | 'postgres';
  note?: string;
}

/** What a group returns; the harness fills in `backend` and `ratio`. */
export interface Figure {
  id: string;
  value: number;
  unit: string;
  baseline?: { id: string; value: number };
  /** 'higher' for rates (ratio = value / baseline), 'lower' for times (ratio = baseline / value). */
  better: 'higher' | 'lower';
  note?: string;
}

export interface BenchContext {
  backend: 'pglite' | 'postgres';
  /** Set when the bench runs on PostgreSQL. */
  databaseUrl: string | undefined;
  repoRoot: string;
  /** A fresh, migrated store on the bench's backend (PGlite in memory, or its own PG schema). */
  freshStore(): Promise<{ store: Store; cleanup: () => Promise<void> }>;
  log(message: string): void;
}

export interface BenchGroup {
  name: string;
  run(ctx: BenchContext): Promise<Figure[]>;
}

export function contextFor(databaseUrl: string | undefined, repoRoot: string): BenchContext {
  const backend = databaseUrl ? 'postgres' : 'pglite';
  const source = testBackends({ TEST_DATABASE_URL: databaseUrl }).find((b) => b.name === backend);
  if (!source) throw new Error(`no ${backend} backend`);
  return {
    backend,
    databaseUrl,
    repoRoot,
    freshStore: async () => {
      const { store, cleanup } = await source.open();
      return { store, cleanup };
    },
    log: (message) => process.stderr.write(`  ${message}\n`),
  };
}

export function toResult(figure: Figure, backend: BenchResult['backend']): BenchResult {
  const result: BenchResult = { id: figure.id, value: round(figure.value), unit: figure.unit, backend };
  if (figure.baseline) {
    result.baseline = { id: figure.baseline.id, value: round(figure.baseline.value) };
    const ratio =
      figure.better === 'higher'
        ? figure.value / figure.baseline.value
        : figure.baseline.value / figure.value;
    result.ratio = round(ratio, 3);
  }
  const direction =
    figure.better === 'higher' ? 'ratio = value / baseline' : 'ratio = baseline / value (a time)';
  result.note = figure.note ? `${figure.note}; ${direction}` : direction;
  return result;
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * Runs `op` for `total` operations with `concurrency` in flight and returns operations per second.
 * A short warm-up first, so that JIT and connection set-up do not count.
 */
export async function throughput(
  op: (i: number) => Promise<unknown>,
  options: { total: number; concurrency: number; warmup?: number },
): Promise<number> {
  const warmup = options.warmup ?? Math.min(50, Math.ceil(options.total / 10));
  await runPool(op, warmup, options.concurrency);
  const started = process.hrtime.bigint();
  await runPool(op, options.total, options.concurrency);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return options.total / seconds;
}

async function runPool(op: (i: number) => Promise<unknown>, total: number, concurrency: number) {
  let next = 0;
  const worker = async () => {
    while (next < total) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** A JSON object that serialises to about `bytes` bytes, different each call. */
export function payload(bytes: number): Record<string, unknown> {
  const notes = randomBytes(Math.ceil(bytes / 2))
    .toString('hex')
    .slice(0, bytes - 60);
  return { caseNo: `C-${randomBytes(4).toString('hex')}`, amount: '1234.56', notes };
}
