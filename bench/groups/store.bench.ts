import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { type BenchGroup, type Figure, payload, throughput } from '../harness.js';

const TOTAL = 2_000;
// The same shape as audit_log, so the raw drivers write rows as large as the store's.
const RAW_TABLE = `create table if not exists bench_raw (
  id uuid primary key, at timestamptz not null default now(), actor text not null, action text not null,
  subject_type text not null, subject_id text, detail jsonb not null default '{}')`;
const RAW_INSERT =
  'insert into bench_raw (id, actor, action, subject_type, subject_id, detail) values ($1, $2, $3, $4, $5, $6)';

/** Committed single-row 2 KB JSONB inserts: through the store, and through the plain drivers. */
export const storeGroup: BenchGroup = {
  name: 'store',
  async run(ctx) {
    const figures: Figure[] = [];
    const { store, cleanup } = await ctx.freshStore();
    const storeRate = (concurrency: number) =>
      throughput(
        () =>
          store.transaction((tx) =>
            tx.audit.append({
              actor: 'bench',
              action: 'insert',
              subjectType: 'bench',
              detail: payload(2048),
            }),
          ),
        { total: TOTAL, concurrency },
      );

    const rawPglite = await PGlite.create();
    await rawPglite.exec(RAW_TABLE);
    const pgliteRate = (concurrency: number) =>
      throughput(() => rawPglite.query(RAW_INSERT, rowValues()), { total: TOTAL, concurrency });

    let pool: pg.Pool | undefined;
    if (ctx.databaseUrl) {
      pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 8 });
      await pool.query(RAW_TABLE);
      await pool.query('truncate bench_raw');
    }
    const pgRate = (concurrency: number) =>
      throughput(() => pool!.query(RAW_INSERT, rowValues()), { total: TOTAL, concurrency });

    try {
      for (const concurrency of [1, 8]) {
        const suffix = concurrency === 1 ? '' : `_c${concurrency}`;
        const value = await storeRate(concurrency);
        const pglite = await pgliteRate(concurrency);
        const pgValue = pool ? await pgRate(concurrency) : undefined;
        const baseline =
          ctx.backend === 'postgres'
            ? { id: `raw.pg_insert_per_s${suffix}`, value: pgValue! }
            : { id: `raw.pglite_insert_per_s${suffix}`, value: pglite };
        const note = `${concurrency} concurrent, ${TOTAL} inserts of 2 KB JSONB, each its own committed transaction`;
        figures.push({
          id: `store.insert_per_s${suffix}`,
          value,
          unit: '1/s',
          baseline,
          better: 'higher',
          note,
        });
        figures.push({
          id: `raw.pglite_insert_per_s${suffix}`,
          value: pglite,
          unit: '1/s',
          better: 'higher',
          note,
        });
        if (pgValue !== undefined)
          figures.push({
            id: `raw.pg_insert_per_s${suffix}`,
            value: pgValue,
            unit: '1/s',
            better: 'higher',
            note,
          });
      }
    } finally {
      if (pool) {
        await pool.query('drop table if exists bench_raw');
        await pool.end();
      }
      await rawPglite.close();
      await cleanup();
    }
    return figures;
  },
};

function rowValues(): unknown[] {
  return [uuidv7(), 'bench', 'insert', 'bench', null, JSON.stringify(payload(2048))];
}
