import type { Permission } from '@collectflow/server';
import { BUILTIN_ROLE_PERMISSIONS } from '@collectflow/server';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debtorForm, formWith, json, publishForm, validDebtor } from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

const actor = (userId: string, role: string, teamIds: string[]) => ({
  userId,
  roles: [role],
  teamIds,
  permissions: [...BUILTIN_ROLE_PERMISSIONS[role]!] as Permission[],
});
const liaisonA = actor('liaison-a', 'liaison', ['team-a']);
const liaisonB = actor('liaison-b', 'liaison', ['team-b']);
const manager = actor('manager-1', 'manager', ['team-a']);

describe.each(testBackends().map((b) => [b.name, b] as const))('record-level rules on %s', (_n, backend) => {
  let app: RunningTestApp;
  let store: import('@collectflow/store').Store;
  let cleanup: () => Promise<void>;
  let teamAId: string;
  let assignedToBId: string;

  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    store = opened.store;
    app = await startTestApp(opened.store);
    await publishForm(app, debtorForm('debtor'));
    const a = await app.request('/api/forms/debtor/records', {
      method: 'POST',
      json: { data: validDebtor() },
      as: liaisonA,
    });
    teamAId = (await json(a)).id;
    // Team A's case, assigned to a liaison of team B (e.g. a hand-over): B sees it too.
    const assigned = await app.request('/api/forms/debtor/records', {
      method: 'POST',
      json: { data: validDebtor({ caseNo: 'DC-20240002' }), assigneeId: 'liaison-b' },
      as: manager,
    });
    assignedToBId = (await json(assigned)).id;
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it("a liaison sees their team's cases and the ones assigned to them, nothing else", async () => {
    const listA = await json(await app.request('/api/forms/debtor/records', { as: liaisonA }));
    expect(listA.items.map((r: { id: string }) => r.id).sort()).toEqual([teamAId, assignedToBId].sort());
    const listB = await json(await app.request('/api/forms/debtor/records', { as: liaisonB }));
    expect(listB.items.map((r: { id: string }) => r.id)).toEqual([assignedToBId]);
  });

  it("another team's record is a 404, exactly like a record that does not exist", async () => {
    const foreign = await app.request(`/api/records/${teamAId}`, { as: liaisonB });
    const missing = await app.request('/api/records/00000000-0000-7000-8000-000000000000', { as: liaisonB });
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    const [a, b] = [await json(foreign), await json(missing)];
    expect(a.code).toBe(b.code);
    const update = await app.request(`/api/records/${teamAId}`, {
      method: 'PUT',
      json: { version: 1, data: validDebtor({ debtorName: '王五' }) },
      as: liaisonB,
    });
    expect(update.status).toBe(404);
    expect((await json(await app.request(`/api/records/${teamAId}`, { as: manager }))).data.debtorName).toBe(
      '张三',
    );
  });

  it('a liaison cannot give a record to another team; a manager (all teams) can', async () => {
    const refused = await app.request('/api/forms/debtor/records', {
      method: 'POST',
      json: { data: validDebtor({ caseNo: 'DC-20240003' }), ownerTeamId: 'team-b' },
      as: liaisonA,
    });
    expect(refused.status).toBe(403);
    expect((await json(refused)).code).toBe('records.foreign_team');
    const allowed = await app.request('/api/forms/debtor/records', {
      method: 'POST',
      json: { data: validDebtor({ caseNo: 'DC-20240004' }), ownerTeamId: 'team-b' },
      as: manager,
    });
    expect(allowed.status).toBe(201);
  });

  it('sensitive fields are masked for a liaison and shown to a manager', async () => {
    const asLiaison = await json(await app.request(`/api/records/${teamAId}`, { as: liaisonA }));
    const asManager = await json(await app.request(`/api/records/${teamAId}`, { as: manager }));
    expect(asManager.data.idNumber).toBe('11010519491231002X');
    expect(asLiaison.data.idNumber).not.toBe('11010519491231002X');
    expect(asLiaison.data.idNumber).toMatch(/002X$/);
  });

  it('the CSV export holds what the list shows the caller (team rows, masked fields) and is audited', async () => {
    const download = async (as: typeof liaisonA, query = '') => {
      const res = await app.request(`/api/forms/debtor/records/export.csv${query}`, {
        as,
        headers: { 'accept-language': 'en' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(
        /attachment; filename="debtor-\d{4}-\d{2}-\d{2}\.csv"/,
      );
      return (await res.text())
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
    };
    const [header, ...rows] = await download(liaisonB);
    expect(header).toContain('"Case number"');
    expect(header).toContain('"ID number"');
    // Liaison B sees the case assigned to them and team B's own (given to B above), never team
    // A's; the ID number is masked as in the API.
    expect(rows).toHaveLength(2);
    expect(rows.some((r) => r.includes(assignedToBId))).toBe(true);
    expect(rows.some((r) => r.includes(teamAId))).toBe(false);
    expect(rows.join('\n')).not.toContain('11010519491231002X');
    const managerRows = (await download(manager, '?filter=/caseNo:eq:DC-20240001')).slice(1);
    expect(managerRows).toHaveLength(1);
    expect(managerRows[0]).toContain('11010519491231002X');

    const exports = await store.transaction((tx) => tx.audit.list({ limit: 10, action: 'records.exported' }));
    expect(exports.map((e) => e.actor).sort()).toEqual(['liaison-b', 'manager-1']);
    expect(exports.find((e) => e.actor === 'manager-1')).toMatchObject({
      subjectType: 'form',
      subjectId: 'debtor',
      detail: { rows: 1, truncated: false, filter: '/caseNo:eq:DC-20240001' },
    });
  });

  it('an export with a filter that does not fit the form is a 422 and leaves no audit entry', async () => {
    const before = (
      await store.transaction((tx) => tx.audit.list({ limit: 100, action: 'records.exported' }))
    ).length;
    const res = await app.request('/api/forms/debtor/records/export.csv?filter=/nope:eq:1', { as: manager });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    const after = (await store.transaction((tx) => tx.audit.list({ limit: 100, action: 'records.exported' })))
      .length;
    expect(after).toBe(before);
    expect((await app.request('/api/forms/nope/records/export.csv', { as: manager })).status).toBe(404);
  });

  it('every record change is audited with who and from where', async () => {
    const entries = await store.transaction((tx) => tx.audit.list({ limit: 10, action: 'record.created' }));
    const mine = entries.find((e) => e.subjectId === teamAId);
    expect(mine).toMatchObject({
      actor: 'liaison-a',
      subjectType: 'record',
      sourceIp: expect.stringMatching(/127\.0\.0\.1/),
    });
  });

  it('a role granted one form works on that form only; records of other forms are 404 to it', async () => {
    await publishForm(app, formWith('visit', { type: 'object', properties: { note: { type: 'string' } } }));
    const fieldAgent = {
      userId: 'agent-1',
      roles: ['field-agent'],
      teamIds: ['team-a'],
      permissions: [] as Permission[],
      formGrants: { visit: ['view', 'create'] },
    };
    const created = await app.request('/api/forms/visit/records', {
      method: 'POST',
      json: { data: { note: '上门' } },
      as: fieldAgent,
    });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    expect((await app.request(`/api/records/${id}`, { as: fieldAgent })).status).toBe(200);
    expect((await app.request('/api/forms/visit/records', { as: fieldAgent })).status).toBe(200);
    expect((await app.request('/api/forms/debtor/records', { as: fieldAgent })).status).toBe(403);
    expect((await app.request(`/api/records/${teamAId}`, { as: fieldAgent })).status).toBe(404);
    // view and create, but no edit grant
    const edit = await app.request(`/api/records/${id}`, {
      method: 'PUT',
      json: { version: 1, data: { note: 'x' } },
      as: fieldAgent,
    });
    expect(edit.status).toBe(403);
  });
});
