import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDomainError } from '@collectflow/schema';
import { openStore, type StoreConfig } from '@collectflow/store';
import { rawSelect } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackBackend, packBackends, startPackServer } from './support/pack-server.js';

// definitions/ as `collectflow start` loads it: forms published in $ref order, processes deployed,
// teams seeded; only new or changed files are loaded again, and a broken file stops the start.

const root = join(import.meta.dirname, '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
// Each test starts the server (migrations, the whole pack) once or twice; give a busy machine room.
const STARTS = 180_000;

async function copyOfDefinitions(into: string): Promise<string> {
  const dir = join(into, 'definitions');
  await cp(join(root, 'definitions'), dir, { recursive: true });
  return dir;
}

/** Every table's rows, as a comparable snapshot of what the database holds. */
async function snapshot(config: StoreConfig): Promise<Record<string, unknown>> {
  const store = await openStore(config);
  try {
    const tables = await rawSelect<{ table_name: string }>(
      store,
      "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1",
    );
    const out: Record<string, unknown> = {};
    for (const { table_name } of tables)
      out[table_name] = await rawSelect(store, `select * from "${table_name}" order by 1`);
    return out;
  } finally {
    await store.close();
  }
}

describe.each(packBackends())('loading definitions/ at start ($name)', (backend) => {
  let dir: string;
  let definitions: string;
  let store: StoreConfig;
  let cleanup: () => Promise<void>;
  /** The same database on every start: a data directory, or one schema. */
  let same: PackBackend;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'collectflow-definitions-'));
    definitions = await copyOfDefinitions(dir);
    if (backend.name === 'pglite') {
      store = { backend: 'pglite', dataDir: join(dir, 'data') };
      cleanup = async () => {};
    } else ({ store, cleanup } = await backend.open());
    same = { name: backend.name, open: async () => ({ store, cleanup: async () => {} }) };
  });
  afterAll(async () => {
    await cleanup?.();
    await rm(dir, { recursive: true, force: true });
  });

  const startOnce = (options: { login?: boolean } = {}) =>
    startPackServer(same, { env: { COLLECTFLOW_DEFINITIONS_DIR: definitions }, ...options });

  it(
    'a second start on the same data writes nothing at all',
    async () => {
      await (await startOnce({ login: false })).stop();
      const before = await snapshot(store);
      await (await startOnce({ login: false })).stop();
      expect(await snapshot(store)).toEqual(before);
    },
    STARTS,
  );

  it(
    'a changed form file publishes a new version and a changed process deploys one; the rest stays',
    async () => {
      const debtorFile = join(definitions, 'forms', 'debtor.form.json');
      const debtor = JSON.parse(await readFile(debtorFile, 'utf8'));
      debtor.schema.properties.nickname = {
        type: 'string',
        title: 'Nickname',
        maxLength: 40,
        'x-i18n': { 'zh-CN': { title: '昵称' }, en: { title: 'Nickname' } },
      };
      await writeFile(debtorFile, JSON.stringify(debtor, null, 2));
      const flowFile = join(definitions, 'processes', 'soft-collection.bpmn');
      await writeFile(
        flowFile,
        (await readFile(flowFile, 'utf8')).replace(
          'name="Early-stage soft collection"',
          'name="Soft collection"',
        ),
      );

      const server = await startOnce();
      try {
        expect((await server.api('/api/forms/debtor')).body.latestVersion).toBe(2);
        expect((await server.api('/api/forms/payment')).body.latestVersion).toBe(1);
        // legal-action refers to collectflow:debtor@1, which is still there.
        expect((await server.api('/api/forms/legal-action')).body.latestVersion).toBe(1);
        const soft = await server.api('/api/deployments?processKey=soft-collection&limit=10');
        expect(soft.body.items.map((d: { version: number }) => d.version).sort()).toEqual([1, 2]);
        const legal = await server.api('/api/deployments?processKey=legal-escalation&limit=10');
        expect(legal.body.items).toHaveLength(1);
      } finally {
        await server.stop();
      }
    },
    STARTS,
  );

  it(
    'a form an admin changed in the app stays as it is while its file does not change',
    async () => {
      const server = await startOnce();
      try {
        const payment = (await server.api('/api/forms/payment/versions/latest')).body;
        const title = { 'zh-CN': '还款记录（本公司）', en: 'Payment (ours)' };
        const saved = await server.api('/api/forms/payment/draft', {
          method: 'PUT',
          json: { title, schema: payment.schema, uiSchema: payment.uiSchema, metadata: payment.metadata },
        });
        expect(saved.status, JSON.stringify(saved.body)).toBe(200);
        expect((await server.api('/api/forms/payment/publish', { method: 'POST', json: {} })).status).toBe(
          201,
        );
      } finally {
        await server.stop();
      }
      const again = await startOnce();
      try {
        const latest = (await again.api('/api/forms/payment/versions/latest')).body;
        expect(latest).toMatchObject({ version: 2, title: { en: 'Payment (ours)' } });
      } finally {
        await again.stop();
      }
    },
    STARTS,
  );
});

describe('a definition file with a problem stops the start with one line naming the file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'collectflow-broken-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function brokenStart(name: string, edit: (definitions: string) => Promise<void>): Promise<string> {
    const definitions = await copyOfDefinitions(join(dir, name));
    await edit(definitions);
    const backend = packBackends()[0]!;
    const error = await startPackServer(backend, { env: { COLLECTFLOW_DEFINITIONS_DIR: definitions } }).then(
      async (server) => {
        await server.stop();
        throw new Error('the start did not stop');
      },
      (e: unknown) => e,
    );
    if (!isDomainError(error)) throw error;
    return error.oneLine();
  }

  it(
    'a form file that is not JSON',
    async () => {
      const line = await brokenStart('json', (d) =>
        writeFile(join(d, 'forms', 'payment.form.json'), '{ "key": '),
      );
      expect(line).toMatch(/^definitions\/forms\/payment\.form\.json: not valid JSON/);
    },
    STARTS,
  );

  it(
    'a form with a problem the registry finds, with its pointer',
    async () => {
      const line = await brokenStart('form', async (d) => {
        const file = join(d, 'forms', 'payment.form.json');
        const form = JSON.parse(await readFile(file, 'utf8'));
        form.schema.properties.amount.type = 'money';
        await writeFile(file, JSON.stringify(form));
      });
      expect(line).toMatch(/^definitions\/forms\/payment\.form\.json: .*\/schema\/properties\/amount/);
    },
    STARTS,
  );

  it(
    'forms that refer to each other in a cycle',
    async () => {
      const line = await brokenStart('cycle', async (d) => {
        const file = join(d, 'forms', 'debtor.form.json');
        const form = JSON.parse(await readFile(file, 'utf8'));
        form.schema.properties.lastAction = { $ref: 'collectflow:legal-action@1' };
        await writeFile(file, JSON.stringify(form));
      });
      expect(line).toMatch(
        /forms refer to each other in a cycle: .*debtor.*legal-action|legal-action.*debtor/,
      );
    },
    STARTS,
  );

  it(
    'a process whose user task names a form that does not exist',
    async () => {
      const line = await brokenStart('process', async (d) => {
        const file = join(d, 'processes', 'dispute-handling.bpmn');
        await writeFile(
          file,
          (await readFile(file, 'utf8')).replace(
            'camunda:formKey="dispute"',
            'camunda:formKey="no-such-form"',
          ),
        );
      });
      expect(line).toMatch(
        /^definitions\/processes\/dispute-handling\.bpmn: cannot be deployed: .*review-dispute/,
      );
    },
    STARTS,
  );

  it(
    'collectflow start prints it as one line and exits non-zero',
    async () => {
      const definitions = await copyOfDefinitions(join(dir, 'cli'));
      await writeFile(join(definitions, 'teams.json'), '{"teams": [{"id": "Early CN"}]}');
      const outcome = spawnSync(process.execPath, [bin, 'start'], {
        env: {
          ...process.env,
          COLLECTFLOW_DATA_DIR: 'memory://',
          COLLECTFLOW_DEFINITIONS_DIR: definitions,
          PORT: '0',
          LOG_LEVEL: 'warn',
        },
        encoding: 'utf8',
      });
      expect(outcome.status).not.toBe(0);
      const lines = outcome.stderr.trim().split('\n');
      expect(lines, outcome.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^collectflow: definitions\/teams\.json: \/teams\/0\/id must be lower-case/);
    },
    STARTS,
  );
});
