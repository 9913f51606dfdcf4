import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store, StoreError } from '@collectflow/store';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** One suite, every backend: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
describe.each(testBackends().map((b) => [b.name, b] as const))('store contract on %s', (_name, backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
  });
  afterAll(() => cleanup());

  it('a fresh database migrates to the newest version and a second migrate changes nothing', async () => {
    const first = await store.migrationStatus();
    expect(first.pending).toEqual([]);
    expect(first.version).toBe(first.applied.at(-1));
    const again = await store.migrate();
    expect(again).toEqual(first);
  });

  it('count(*) and int8 come back as numbers, never strings or BigInt', async () => {
    await store.transaction((tx) => tx.audit.append({ actor: 'test', action: 'probe', subjectType: 'int8' }));
    const n = await store.transaction((tx) => tx.audit.count({ subjectType: 'int8' }));
    expect(n).toBe(1);
    const [row] = await rawSelect<{ big: unknown; c: unknown }>(
      store,
      'select 9007199254740991::int8 as big, (select count(*) from audit_log) as c',
    );
    expect(row).toEqual({ big: 9007199254740991, c: expect.any(Number) });
  });

  it('an int8 beyond the safe integer range fails loudly instead of losing digits', async () => {
    await expect(rawSelect(store, 'select 9007199254740993::int8 as n')).rejects.toMatchObject({
      code: 'store.integer_overflow',
    });
  });

  it('a date is a calendar day string and a numeric is an exact decimal string on both backends', async () => {
    const [row] = await rawSelect<{ d: unknown; m: unknown; ts: unknown }>(
      store,
      "select date '2026-02-28' as d, 12345678901234567890.12::numeric as m, timestamptz '2026-02-28T23:30:00Z' as ts",
    );
    expect(row?.d).toBe('2026-02-28');
    expect(row?.m).toBe('12345678901234567890.12');
    expect(row?.ts).toEqual(new Date('2026-02-28T23:30:00Z'));
  });

  it('a store call inside an open transaction is refused at once instead of deadlocking', async () => {
    const outcome = await store.transaction(async (tx) => {
      await tx.audit.append({ actor: 'test', action: 'outer', subjectType: 'nesting' });
      const inner = await store
        .transaction((inner) => inner.audit.count())
        .then(
          () => 'ran',
          (error: unknown) => (error as StoreError).code,
        );
      return inner;
    });
    expect(outcome).toBe('store.nested_transaction');
    // The outer transaction still committed.
    expect(await store.transaction((tx) => tx.audit.count({ subjectType: 'nesting' }))).toBe(1);
  });

  it('a transaction that throws leaves nothing behind', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.audit.append({ actor: 'test', action: 'doomed', subjectType: 'rollback' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.transaction((tx) => tx.audit.count({ subjectType: 'rollback' }))).toBe(0);
  });

  it('eight concurrent transactions all commit', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.transaction((tx) =>
          tx.audit.append({ actor: 'test', action: `c${i}`, subjectType: 'concurrent', detail: { i } }),
        ),
      ),
    );
    expect(await store.transaction((tx) => tx.audit.count({ subjectType: 'concurrent' }))).toBe(8);
  });

  it('a read-only transaction refuses writes', async () => {
    await expect(
      store.transaction((tx) => tx.audit.append({ actor: 't', action: 'x', subjectType: 'ro' }), {
        readOnly: true,
      }),
    ).rejects.toThrow(/read-only/);
  });

  it('meta values are written only when they change', async () => {
    expect(await store.transaction((tx) => tx.meta.set('k', { a: 1 }))).toBe(true);
    expect(await store.transaction((tx) => tx.meta.set('k', { a: 1 }))).toBe(false);
    expect(await store.transaction((tx) => tx.meta.get('k'))).toEqual({ a: 1 });
  });

  it('the audit log pages newest first with a cursor', async () => {
    const page1 = await store.transaction((tx) => tx.audit.list({ limit: 3 }));
    const page2 = await store.transaction((tx) => tx.audit.list({ limit: 3, cursor: page1.at(-1)?.id }));
    expect(page1).toHaveLength(3);
    expect(page2[0]!.id < page1[2]!.id).toBe(true);
  });

  it('migrations roll back to an empty database and apply again', async () => {
    const { store: scratch, cleanup: drop } = await backend.open();
    try {
      await scratch.rollbackAll();
      expect((await scratch.migrationStatus()).applied).toEqual([]);
      const status = await scratch.migrate();
      expect(status.pending).toEqual([]);
    } finally {
      await drop();
    }
  });

  it('a closed store says so', async () => {
    const { store: scratch, cleanup: drop } = await backend.open({ migrate: false });
    await drop();
    await expect(scratch.ping()).rejects.toMatchObject({ code: 'store.closed' });
  });
});

describe('embedded PGlite data directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'collectflow-store-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps its rows across a close and reopen', async () => {
    const dataDir = join(dir, 'persist');
    const a = await openStore({ backend: 'pglite', dataDir });
    await a.migrate();
    await a.transaction((tx) => tx.audit.append({ actor: 't', action: 'kept', subjectType: 'persist' }));
    await a.close();
    const b = await openStore({ backend: 'pglite', dataDir });
    expect(await b.transaction((tx) => tx.audit.count({ subjectType: 'persist' }))).toBe(1);
    await b.close();
  });

  it('a second opener of the same directory is refused and the first loses nothing', async () => {
    const dataDir = join(dir, 'locked');
    const first = await openStore({ backend: 'pglite', dataDir });
    await first.migrate();
    await first.transaction((tx) => tx.audit.append({ actor: 't', action: 'a', subjectType: 'lock' }));
    const second = await openStore({ backend: 'pglite', dataDir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(StoreError);
    expect(second).toMatchObject({ code: 'store.data_dir_locked' });
    expect((second as StoreError).hint).toBeTruthy();
    await first.transaction((tx) => tx.audit.append({ actor: 't', action: 'b', subjectType: 'lock' }));
    expect(await first.transaction((tx) => tx.audit.count({ subjectType: 'lock' }))).toBe(2);
    await first.close();
    // Released on close: the next opener gets in.
    const third = await openStore({ backend: 'pglite', dataDir });
    expect(await third.transaction((tx) => tx.audit.count({ subjectType: 'lock' }))).toBe(2);
    await third.close();
  });

  it('an unwritable data directory is reported with what to do', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a directory');
    await expect(openStore({ backend: 'pglite', dataDir: join(file, 'data') })).rejects.toMatchObject({
      code: 'store.data_dir_unwritable',
      hint: expect.stringContaining('COLLECTFLOW_DATA_DIR'),
    });
  });
});

describe('PostgreSQL connection problems', () => {
  it('a malformed DATABASE_URL is refused before any connection', async () => {
    await expect(openStore({ backend: 'postgres', databaseUrl: 'not a url' })).rejects.toMatchObject({
      code: 'store.bad_database_url',
    });
  });

  it('an unreachable server is named, without its password, with a hint', async () => {
    const error = await openStore({
      backend: 'postgres',
      databaseUrl: 'postgres://app:secret@127.0.0.1:1/nowhere',
    }).catch((e: unknown) => e as StoreError);
    expect(error).toMatchObject({ code: 'store.unreachable' });
    expect((error as StoreError).message).toContain('127.0.0.1:1');
    expect((error as StoreError).message).not.toContain('secret');
    expect((error as StoreError).hint).toMatch(/running/);
  });
});
