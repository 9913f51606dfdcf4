import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ProgressLine, parseSeedArgs, runtimeConfigFromEnv, seed } from '@collectflow/cli';
import { openStore, type StoreConfig } from '@collectflow/store';
import { rawSelect } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packBackends } from '../../../test/support/pack-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'dist', 'bin.js');
const AS_OF = '2025-07-01T02:00:00.000Z';
// Seeding replays every flow through the runtime; on a busy machine two seeds take a while.
const SEEDING = 240_000;

class Captured extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

/** What a demo seed wrote, without what differs by nature (ids, times of writing). */
async function demoContent(config: StoreConfig) {
  const store = await openStore(config);
  try {
    const records = await rawSelect<{ form_key: string; data: Record<string, unknown> }>(
      store,
      'select form_key, data from records order by form_key, data::text',
    );
    const instances = await rawSelect<{
      process_key: string;
      business_key: string;
      active_element_ids: string[];
    }>(store, 'select process_key, business_key, active_element_ids from process_instances order by 1, 2');
    return { records, instances };
  } finally {
    await store.close();
  }
}

describe.each(packBackends())('collectflow seed --demo ($name)', (backend) => {
  const opened: { store: StoreConfig; cleanup(): Promise<void> }[] = [];
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'collectflow-seed-'));
  });
  afterAll(async () => {
    for (const db of opened) await db.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  /** A database that outlives one seed: a data directory on PGlite, a schema on PostgreSQL. */
  async function database(name: string): Promise<StoreConfig> {
    if (backend.name === 'pglite') return { backend: 'pglite', dataDir: join(dir, name) };
    const db = await backend.open();
    opened.push(db);
    return db.store;
  }

  it(
    'the same seed writes the same debtors, cases, contacts, promises and payments, and flows waiting at the same steps; seeding again adds nothing',
    async () => {
      const config = runtimeConfigFromEnv({ COLLECTFLOW_DATA_DIR: 'memory://' });
      const args = parseSeedArgs(['--demo', '--cases', '12', '--seed', 'same', '--as-of', AS_OF]);
      const first = await database('first');
      const second = await database('second');
      const progress = new Captured();
      const one = await seed({ ...config, store: first }, args, { progress, progressFrom: 1, env: {} });
      const two = await seed({ ...config, store: second }, args, { env: {} });
      expect(one.report).toMatchObject({ cases: 12, skipped: 0, mismatches: [] });
      expect(two.report.records).toBe(one.report.records);
      expect(one.users.map((u) => u.username)).toContain('li.lei');

      const a = await demoContent(first);
      const b = await demoContent(second);
      expect(a.records.length).toBe(one.report.records);
      expect(b).toEqual(a);
      expect(a.instances.length).toBe(one.report.instances);

      // Progress: a line per tenth of each phase, on the stream it was given.
      expect(progress.text).toContain('writing records: 100% (12/12)');
      expect(progress.text).toMatch(/replaying flows: 100% \(\d+\/\d+\)/);

      const again = await seed({ ...config, store: first }, args, { env: {} });
      expect(again.report).toMatchObject({ cases: 0, skipped: 12, records: 0, instances: 0 });
      expect(await demoContent(first)).toEqual(a);
    },
    SEEDING,
  );
});

describe('the progress line', () => {
  it('redraws one bar in place on a terminal', () => {
    const tty = new Captured(true);
    const bar = new ProgressLine(tty as unknown as NodeJS.WritableStream, { records: 'writing records' });
    for (let done = 1; done <= 200; done++) bar.update('records', done, 200);
    const frames = tty.text.split('\r').filter(Boolean);
    expect(frames[0]).toMatch(/^writing records \[#*-*\]\s+0% 1\/200$/);
    expect(tty.text.endsWith('100% 200/200\n')).toBe(true);
    expect(tty.text.split('\n')).toHaveLength(2);
  });

  it('prints a line per tenth where stderr is not a terminal (CI logs)', () => {
    const log = new Captured(false);
    const bar = new ProgressLine(log, { flows: 'replaying flows' });
    for (let done = 1; done <= 1000; done++) bar.update('flows', done, 1000);
    const lines = log.text.trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe('replaying flows: 100% (1000/1000)');
  });
});

describe('collectflow seed: bad arguments give one clear line', () => {
  for (const [args, pattern] of [
    [['--cases', '3'], /seed needs --demo/],
    [['--demo', '--cases', 'many'], /--cases "many" is not a number of cases/],
    [['--demo', '--as-of', 'yesterday'], /--as-of "yesterday" is not a date and time/],
    [['--demo', '--tables'], /Unknown option '--tables'/],
  ] as const) {
    it(`seed ${args.join(' ')}`, () => {
      const outcome = spawnSync(process.execPath, [bin, 'seed', ...args], {
        env: { ...process.env, COLLECTFLOW_DATA_DIR: 'memory://' },
        encoding: 'utf8',
      });
      expect(outcome.status).not.toBe(0);
      const lines = outcome.stderr.trim().split('\n');
      expect(lines, outcome.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^collectflow: /);
      expect(lines[0]).toMatch(pattern);
    });
  }
});
