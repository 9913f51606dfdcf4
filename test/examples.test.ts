import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codegen } from '@collectflow/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Body, type PackServer, packBackends, startPackServer } from './support/pack-server.js';

// Each example of examples/ run as a user runs it (`npx tsx examples/...`) against the real server,
// started here in-process with its scheduler on and the example plugin folder.

const root = join(import.meta.dirname, '..');
const examples = join(root, 'examples');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function run(server: PackServer, script: string, args: string[] = []) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(tsx, [join(examples, script), ...args], {
      cwd: root,
      env: { ...process.env, COLLECTFLOW_URL: server.url, COLLECTFLOW_TOKEN: server.token },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(packBackends())('the examples against a running server ($name)', (backend) => {
  let server: PackServer;

  beforeAll(async () => {
    server = await startPackServer(backend, {
      scheduler: true,
      env: { COLLECTFLOW_PLUGINS_DIR: join(examples, 'custom-handler', 'plugins') },
    });
  });
  afterAll(() => server?.stop());

  const records = async (form: string, filter: string): Promise<Body[]> =>
    (await server.api(`/api/forms/${form}/records?${new URLSearchParams({ filter })}`)).body.items;
  const tasks = async (query: Record<string, string>): Promise<Body[]> =>
    (await server.api(`/api/tasks?${new URLSearchParams({ scope: 'all', ...query })}`)).body.items;

  it('(a) a CSV of debts is imported through the REST API with the generated types, and soft collection starts for each case', async () => {
    const first = await run(server, 'csv-import/import-debts.ts');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('imported 3 cases');

    const [chicago] = await records('debt-case', '/caseNumber:eq:DC-2025-700003');
    expect(chicago?.data).toMatchObject({ currency: 'USD', totalDue: '2583.00', balance: '2583.00' });
    await server.server.pack.settle();
    for (const caseNumber of ['DC-2025-700001', 'DC-2025-700002', 'DC-2025-700003']) {
      const [task] = await tasks({ businessKey: caseNumber, processKey: 'soft-collection' });
      expect(task, caseNumber).toMatchObject({ elementId: 'call-debtor', candidateGroups: ['liaison'] });
      const [record] = await records('debt-case', `/caseNumber:eq:${caseNumber}`);
      expect(['champion', 'sms-first']).toContain(record?.data.strategyArm);
    }
    // The US case went to the US team by the rules of definitions/teams.json.
    expect((await records('debt-case', '/caseNumber:eq:DC-2025-700003'))[0]?.data.team).toBe(
      'us-collections',
    );

    const again = await run(server, 'csv-import/import-debts.ts');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('imported 0 cases');
    expect(again.stdout).toContain('skipped 3 already there');
  });

  it('(a) the types the import compiles against are what `collectflow codegen` makes of the forms', async () => {
    const out = await mkdtemp(join(tmpdir(), 'collectflow-types-'));
    try {
      await codegen({
        sources: ['debtor', 'debt-case'].map((key) => join(root, 'definitions', 'forms', `${key}.form.json`)),
        outDir: out,
        definitionsDir: join(root, 'definitions'),
        store: { backend: 'pglite', dataDir: 'memory://' },
      });
      for (const file of ['debtor.types.ts', 'debt-case.types.ts']) {
        expect(await readFile(join(examples, 'csv-import', 'types', file), 'utf8'), file).toBe(
          await readFile(join(out, file), 'utf8'),
        );
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('(b) a custom service-handler plugin from the plugin folder scores debtors in a flow deployed through the API', async () => {
    expect(server.server.runtime.handlers.has('bureau.score')).toBe(true);
    const risky = await run(server, 'custom-handler/run.ts', ['DB-70000001']);
    expect(risky.stderr).toBe('');
    expect(risky.code).toBe(0);
    expect(risky.stdout).toMatch(/score 540, band HIGH_RISK; waiting at review-high-risk/);
    const [review] = await tasks({ businessKey: 'bureau:DB-70000001', processKey: 'bureau-check' });
    expect(review).toMatchObject({ elementId: 'review-high-risk', candidateGroups: ['analyst'] });

    const fine = await run(server, 'custom-handler/run.ts', ['DB-70000002']);
    expect(fine.code).toBe(0);
    expect(fine.stdout).toMatch(/score 712, band STANDARD; waiting at \(ended\)/);
  });

  it('(c) another team’s form and flow (invoice dunning for small businesses) are deployed through the API and work for that team', async () => {
    const deployed = await run(server, 'invoice-dunning/deploy.ts');
    expect(deployed.stderr).toBe('');
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toContain('2 invoice(s) being chased by the team sme-billing');
    await server.server.pack.settle();

    const open = await tasks({ processKey: 'invoice-dunning' });
    expect(open.map((t) => t.businessKey).sort()).toEqual(['INV-20250611', 'INV-20250618']);
    expect(open.every((t) => t.formKey === 'sme-invoice' && t.candidateGroups.join() === 'sme-billing')).toBe(
      true,
    );
    const [invoice] = await records('sme-invoice', '/invoiceNumber:eq:INV-20250611');
    expect(invoice?.ownerTeamId).toBe('sme-billing');

    const paid = open.find((t) => t.businessKey === 'INV-20250611')!;
    const unpaid = open.find((t) => t.businessKey === 'INV-20250618')!;
    const done = await server.api(`/api/tasks/${paid.id}/complete`, {
      method: 'POST',
      json: { data: { ...invoice!.data, paid: true, paidOn: '2025-07-02' } },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.instance.status).toBe('completed');
    const [second] = await records('sme-invoice', '/invoiceNumber:eq:INV-20250618');
    const notice = await server.api(`/api/tasks/${unpaid.id}/complete`, {
      method: 'POST',
      json: { data: { ...second!.data, paid: false, notes: '客户称下周付款' } },
    });
    expect(notice.status, JSON.stringify(notice.body)).toBe(200);
    await server.server.pack.settle();
    const outbox = await server.server.store.transaction((tx) => tx.outbox.forInstance(unpaid.instanceId), {
      readOnly: true,
    });
    // The reminder and the final notice, both e-mailed through the pack's handler.
    expect(outbox.map((m) => [m.kind, m.name, m.payload.to])).toEqual([
      ['email', 'email.send', 'finance@xiaoman-coffee.example.cn'],
      ['email', 'email.send', 'finance@xiaoman-coffee.example.cn'],
    ]);

    const again = await run(server, 'invoice-dunning/deploy.ts');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 invoice(s) being chased');
  });
});
