import type { Permission } from '@collectflow/server';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Body,
  debtorForm,
  formWith,
  json,
  publishForm,
  validDebtor,
} from './support/registry-fixtures.js';
import { type RunningTestApp, startTestApp } from './support/test-app.js';

/** A collector: may create, read and edit records, but not see personal data. */
/** Sees every team's records but no personal data (the record-level rule is tested on its own). */
const reviewer = {
  userId: 'reviewer-1',
  roles: ['strategist'],
  teamIds: ['team-west'],
  permissions: ['records.view', 'records.edit', 'records.view_all_teams'] as Permission[],
};

const collector = {
  userId: 'collector-1',
  roles: ['liaison'],
  teamIds: ['team-east'],
  permissions: ['records.view', 'records.create', 'records.edit'] as Permission[],
};

describe.each(testBackends().map((b) => [b.name, b] as const))('records API on %s', (_name, backend) => {
  let app: RunningTestApp;
  let cleanup: () => Promise<void>;
  let store: Parameters<typeof startTestApp>[0];

  beforeAll(async () => {
    const opened = await backend.open();
    store = opened.store;
    cleanup = opened.cleanup;
    app = await startTestApp(store);
    await publishForm(app, debtorForm());
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  const recordCount = async () =>
    (await rawSelect<{ n: number }>(store, 'select count(*) as n from records'))[0]!.n;
  const submit = (data: unknown, init: Parameters<RunningTestApp['request']>[1] = {}) =>
    app.request('/api/forms/debtor/records', { method: 'POST', json: { data }, ...init });

  describe('submitting', () => {
    it('valid data is stored against the latest version with the balance computed on the server', async () => {
      const res = await submit(validDebtor({ balance: '999999.00' }));
      expect(res.status).toBe(201);
      const record = await json(res);
      expect(res.headers.get('location')).toBe(`/api/records/${record.id}`);
      expect(record).toMatchObject({
        formKey: 'debtor',
        formVersion: 1,
        version: 1,
        computed: { '/balance': '1000.00' },
        createdBy: 'user-admin',
        masked: [],
      });
      // A value the client sent for a computed field never survives.
      expect(record.data.balance).toBe('1000.00');
      const [audit] = await rawSelect<{ action: string; detail: unknown }>(
        store,
        'select action, detail from audit_log where subject_id = ?',
        [record.id],
      );
      expect(audit).toEqual({ action: 'record.created', detail: { formKey: 'debtor', formVersion: 1 } });
    });

    it('invalid data is a 422 listing each problem with pointer, keyword and message, and nothing is stored', async () => {
      const before = await recordCount();
      const res = await submit(
        validDebtor({ phone: '123', address: { province: '北京' }, extra: undefined }),
      );
      expect(res.status).toBe(422);
      const body = await json(res);
      expect(body.code).toBe('records.invalid');
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { pointer: '/phone', keyword: 'format', message: expect.any(String) },
          { pointer: '/address/city', keyword: 'required', message: expect.any(String) },
        ]),
      );
      expect(await recordCount()).toBe(before);
    });

    it('validation messages follow Accept-Language', async () => {
      const bad = validDebtor({ debtorName: '' });
      const zh = await json(await submit(bad, { headers: { 'accept-language': 'zh-CN' } }));
      const en = await json(await submit(bad, { headers: { 'accept-language': 'en-US,en;q=0.8' } }));
      expect(zh.errors[0]).toMatchObject({ pointer: '/debtorName', keyword: 'minLength' });
      expect(zh.errors[0].message).toMatch(/不应少于 1 个字符/);
      expect(en.errors[0].message).toMatch(/must NOT have fewer than 1 characters/);
      expect(zh.detail).toMatch(/数据不符合表单 debtor@1/);
    });

    it('if/then works end to end: a promise to pay needs an amount and a date', async () => {
      const res = await submit(validDebtor({ promiseToPay: true, promiseDate: '2026-12-01' }));
      expect(res.status).toBe(422);
      expect((await json(res)).errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ pointer: '/promiseAmount', keyword: 'required' })]),
      );
      const ok = await submit(
        validDebtor({ promiseToPay: true, promiseDate: '2026-12-01', promiseAmount: '500' }),
      );
      expect(ok.status).toBe(201);
    });

    it('dependentRequired works end to end', async () => {
      const schema = {
        type: 'object',
        properties: { creditCard: { type: 'string' }, billingAddress: { type: 'string' } },
        dependentRequired: { creditCard: ['billingAddress'] },
      };
      await publishForm(app, formWith('payment-card', schema));
      const bad = await app.request('/api/forms/payment-card/records', {
        method: 'POST',
        json: { data: { creditCard: '4111' } },
      });
      expect(bad.status).toBe(422);
      expect((await json(bad)).errors).toEqual([
        expect.objectContaining({ pointer: '/billingAddress', keyword: 'dependentRequired' }),
      ]);
    });

    it('an unknown form, an unknown version and an unpublished form are 404s, and nothing is stored', async () => {
      const before = await recordCount();
      const unknown = await app.request('/api/forms/nobody/records', { method: 'POST', json: { data: {} } });
      expect(unknown.status).toBe(404);
      expect((await json(unknown)).code).toBe('forms.not_found');
      const version = await app.request('/api/forms/debtor/records', {
        method: 'POST',
        json: { data: validDebtor(), formVersion: 7 },
      });
      expect(version.status).toBe(404);
      expect((await json(version)).code).toBe('forms.version_not_found');
      await app.request('/api/forms', { method: 'POST', json: formWith('unpublished', { type: 'object' }) });
      const draftOnly = await app.request('/api/forms/unpublished/records', {
        method: 'POST',
        json: { data: {} },
      });
      expect(draftOnly.status).toBe(404);
      expect((await json(draftOnly)).code).toBe('forms.not_published');
      expect(await recordCount()).toBe(before);
    });

    it('malformed JSON, a body without data, and text with a NUL character are 4xx problems', async () => {
      const before = await recordCount();
      const malformed = await app.request('/api/forms/debtor/records', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"data": {"caseNo": ',
      });
      expect(malformed.status).toBe(400);
      const noData = await app.request('/api/forms/debtor/records', {
        method: 'POST',
        json: { caseNo: 'x' },
      });
      expect(noData.status).toBe(422);
      expect((await json(noData)).code).toBe('request.invalid_body');
      const nul = await submit(validDebtor({ notes: 'a\u0000b' }));
      expect(nul.status).toBe(422);
      expect((await json(nul)).errors).toEqual([
        expect.objectContaining({ pointer: '/notes', keyword: 'nul' }),
      ]);
      expect(await recordCount()).toBe(before);
    });

    it('the live validate route computes the balance without storing anything', async () => {
      const before = await recordCount();
      const res = await app.request('/api/forms/debtor/versions/latest/validate', {
        method: 'POST',
        json: { data: validDebtor({ paid: '0' }) },
      });
      expect(await json(res)).toMatchObject({
        valid: true,
        formVersion: 1,
        computed: { '/balance': '1060.25' },
      });
      expect(await recordCount()).toBe(before);
    });
  });

  describe('updating', () => {
    it('an update at the current version succeeds; the same stale version again is a 409', async () => {
      const created = await json(await submit(validDebtor()));
      const first = await app.request(`/api/records/${created.id}`, {
        method: 'PUT',
        json: { version: 1, data: validDebtor({ paid: '1060.25' }) },
      });
      expect(first.status).toBe(200);
      expect(await json(first)).toMatchObject({ version: 2, computed: { '/balance': '0.00' } });
      const stale = await app.request(`/api/records/${created.id}`, {
        method: 'PUT',
        json: { version: 1, data: validDebtor({ paid: '1' }) },
      });
      expect(stale.status).toBe(409);
      const problem = await json(stale);
      expect(problem.code).toBe('records.stale');
      expect(problem.detail).toMatch(/version 2/);
      expect((await json(await app.request(`/api/records/${created.id}`))).data.paid).toBe('1060.25');

      const [audit] = await rawSelect<{ detail: Body }>(
        store,
        "select detail from audit_log where subject_id = ? and action = 'record.updated'",
        [created.id],
      );
      expect(audit?.detail.before).toMatchObject({ version: 1, data: { paid: '60.25' } });
      expect(audit?.detail.after).toMatchObject({ version: 2, data: { paid: '1060.25' } });
    });

    it('of two concurrent updates from the same version exactly one wins', async () => {
      const created = await json(await submit(validDebtor()));
      const put = (paid: string) =>
        app.request(`/api/records/${created.id}`, {
          method: 'PUT',
          json: { version: 1, data: validDebtor({ paid }) },
        });
      const statuses = (await Promise.all([put('1'), put('2'), put('3')])).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409, 409]);
      expect((await json(await app.request(`/api/records/${created.id}`))).version).toBe(2);
    });

    it('invalid data on update is a 422 and the record keeps its version', async () => {
      const created = await json(await submit(validDebtor()));
      const res = await app.request(`/api/records/${created.id}`, {
        method: 'PUT',
        json: { version: 1, data: validDebtor({ overdueDays: -1 }) },
      });
      expect(res.status).toBe(422);
      expect((await json(await app.request(`/api/records/${created.id}`))).version).toBe(1);
    });

    it('an unknown or malformed record id is a 404', async () => {
      expect((await app.request('/api/records/0190b2a4-1f7e-7cc1-9a47-000000000000')).status).toBe(404);
      expect((await app.request('/api/records/not-a-uuid')).status).toBe(404);
    });

    it('a record stays valid on its version and moves to a newer one only when asked', async () => {
      const created = await json(await submit(validDebtor()));
      const v2 = structuredClone(debtorForm());
      (v2.schema.properties as Record<string, unknown>).channel = { type: 'string' };
      await app.request('/api/forms/debtor/draft', { method: 'PUT', json: v2 });
      expect((await app.request('/api/forms/debtor/publish', { method: 'POST', json: {} })).status).toBe(201);

      const kept = await json(
        await app.request(`/api/records/${created.id}`, {
          method: 'PUT',
          json: { version: 1, data: validDebtor() },
        }),
      );
      expect(kept.formVersion).toBe(1);
      const moved = await json(
        await app.request(`/api/records/${created.id}`, {
          method: 'PUT',
          json: { version: 2, formVersion: 2, data: validDebtor({ channel: 'sms' }) },
        }),
      );
      expect(moved).toMatchObject({ formVersion: 2, version: 3, data: { channel: 'sms' } });
      const fresh = await json(await submit(validDebtor()));
      expect(fresh.formVersion).toBe(2);
    });
  });

  describe('sensitive fields', () => {
    it('are masked for callers without sensitive.view, and sending the masks back keeps the real values', async () => {
      const created = await json(await submit(validDebtor()));
      const shown = await json(await app.request(`/api/records/${created.id}`, { as: reviewer }));
      expect(shown.data.idNumber).toBe('**************002X');
      expect(shown.data.phone).toBe('*******8000');
      expect(shown.data.contacts[0].phone).toBe('*******9000');
      expect(shown.data.address.street).toBe('***');
      expect(shown.data.debtorName).toBe('张三');
      expect(shown.masked.sort()).toEqual(['/address/street', '/contacts/0/phone', '/idNumber', '/phone']);

      const edited = { ...shown.data, debtorName: '张三丰', phone: '13700137000' };
      const res = await app.request(`/api/records/${created.id}`, {
        method: 'PUT',
        as: reviewer,
        json: { version: shown.version, data: edited },
      });
      expect(res.status).toBe(200);
      const stored = await json(await app.request(`/api/records/${created.id}`));
      expect(stored.data).toMatchObject({
        debtorName: '张三丰',
        idNumber: '11010519491231002X',
        phone: '13700137000',
        contacts: [{ phone: '13900139000' }],
        address: { street: '长安街 1 号' },
      });
      expect(stored.masked).toEqual([]);
    });

    it('a record created by a collector belongs to their team', async () => {
      const created = await json(await submit(validDebtor(), { as: collector }));
      expect(created).toMatchObject({ ownerTeamId: 'team-east', createdBy: 'collector-1' });
    });

    it('filtering or sorting on a sensitive field needs sensitive.view', async () => {
      const filter = await app.request('/api/forms/debtor/records?filter=/idNumber:eq:11010519491231002X', {
        as: collector,
      });
      expect(filter.status).toBe(403);
      expect((await json(filter)).code).toBe('records.sensitive_field');
      expect((await app.request('/api/forms/debtor/records?sort=/phone', { as: collector })).status).toBe(
        403,
      );
      expect(
        (await app.request('/api/forms/debtor/records?filter=/idNumber:eq:11010519491231002X')).status,
      ).toBe(200);
    });

    it('callers without records.view cannot read records at all', async () => {
      const res = await app.request('/api/forms/debtor/records', { as: { permissions: ['forms.design'] } });
      expect(res.status).toBe(403);
    });
  });

  describe('listing', () => {
    // A form of its own, so the records of the tests above do not show up in these lists.
    beforeAll(async () => {
      await publishForm(app, debtorForm('debtor-list'));
      const rows = [
        {
          caseNo: 'DC-10000001',
          principal: '500.00',
          overdueDays: 10,
          dpdBucket: 'M1',
          debtorName: 'Alpha Wang',
        },
        {
          caseNo: 'DC-10000002',
          principal: '1500.00',
          overdueDays: 40,
          dpdBucket: 'M2',
          debtorName: 'Beta Li',
        },
        {
          caseNo: 'DC-10000003',
          principal: '25000.50',
          overdueDays: 95,
          dpdBucket: 'M4+',
          debtorName: 'Gamma Wang',
        },
        {
          caseNo: 'DC-10000004',
          principal: '800',
          overdueDays: 70,
          dpdBucket: 'M3',
          debtorName: 'Delta Zhao',
        },
      ];
      for (const row of rows) {
        const res = await app.request('/api/forms/debtor-list/records', {
          method: 'POST',
          json: { data: validDebtor({ ...row, interest: '0', fees: '0', paid: '0' }) },
        });
        expect(res.status).toBe(201);
      }
    });

    const list = async (query: string, as?: typeof collector) => {
      const res = await app.request(`/api/forms/debtor-list/records?${query}`, as ? { as } : {});
      expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
      return json(res);
    };
    const cases = (body: Body) => body.items.map((r: { data: { caseNo: string } }) => r.data.caseNo);

    it('filters by equality, numeric range on decimal strings, and text contains', async () => {
      expect(cases(await list('filter=/dpdBucket:eq:M4%2B'))).toEqual(['DC-10000003']);
      expect(
        cases(await list('filter=/principal:gte:800&filter=/principal:lt:20000&sort=/principal')),
      ).toEqual(['DC-10000004', 'DC-10000002']);
      expect(cases(await list('filter=/overdueDays:gt:60&sort=-/overdueDays'))).toEqual([
        'DC-10000003',
        'DC-10000004',
      ]);
      expect(cases(await list('filter=/debtorName:contains:wang&sort=/caseNo'))).toEqual([
        'DC-10000001',
        'DC-10000003',
      ]);
      expect(cases(await list('filter=/balance:gte:25000'))).toEqual(['DC-10000003']);
    });

    it('pages through a sort with an opaque cursor, each record exactly once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Body = await list(
          `sort=-/principal&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        seen.push(...cases(page));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['DC-10000003', 'DC-10000002', 'DC-10000004', 'DC-10000001']);
    });

    it('the default order is newest first, and masking applies to list items too', async () => {
      const body = await list('limit=2', reviewer);
      expect(cases(body)).toEqual(['DC-10000004', 'DC-10000003']);
      expect(body.items[0].data.phone).toMatch(/^\*+8000$/);
      expect(body.nextCursor).toEqual(expect.any(String));
    });

    it('filters, sorts and cursors that do not fit the form are 422s with a reason', async () => {
      for (const query of [
        'filter=/nothere:eq:1',
        'filter=/overdueDays:eq:many',
        'filter=/principal:contains:5',
        'filter=principal=5',
        'sort=name',
        'limit=0',
        'cursor=bm9wZQ',
        `sort=/caseNo&cursor=${encodeURIComponent((await list('limit=1')).nextCursor)}`,
      ]) {
        const res = await app.request(`/api/forms/debtor-list/records?${query}`);
        expect(res.status, query).toBe(422);
        expect((await json(res)).code, query).toBe('records.bad_query');
      }
    });
  });
});
