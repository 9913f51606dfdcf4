import type { FormContent, RecordQuery, RecordRecord, Store } from '@collectflow/store';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const content = (title = 'Case'): FormContent => ({
  title: { 'zh-CN': '案件', en: title },
  schema: { type: 'object', properties: { name: { type: 'string' } } },
  uiSchema: {},
  metadata: { sensitive: [], indexed: [], computed: [] },
});

/** Store-level behaviour of the registry tables, on every backend. */
describe.each(testBackends().map((b) => [b.name, b] as const))(
  'forms and records on %s',
  (_name, backend) => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
      await store.transaction(async (tx) => {
        await tx.forms.create({ key: 'case', draft: content(), actor: 'designer' });
        await tx.forms.insertVersion({
          key: 'case',
          version: 1,
          content: content(),
          compatibility: null,
          acceptedBreaking: false,
          actor: 'designer',
        });
      });
    });
    afterAll(() => cleanup());

    describe('forms', () => {
      it('a second form with the same key is not created and the first is untouched', async () => {
        const again = await store.transaction((tx) =>
          tx.forms.create({ key: 'case', draft: content('Other'), actor: 'someone' }),
        );
        expect(again).toBeUndefined();
        const form = await store.transaction((tx) => tx.forms.get('case'));
        expect(form).toMatchObject({ key: 'case', latestVersion: 1, createdBy: 'designer' });
        expect(form?.title.en).toBe('Case');
      });

      it('saving a draft bumps its revision and the title follows the draft', async () => {
        const before = await store.transaction((tx) => tx.forms.get('case'));
        const after = await store.transaction((tx) =>
          tx.forms.saveDraft('case', content('Case v2'), 'editor'),
        );
        expect(after.draftRevision).toBe(before!.draftRevision + 1);
        expect(after).toMatchObject({ title: { en: 'Case v2' }, updatedBy: 'editor', latestVersion: 1 });
        expect(after.draft?.title.en).toBe('Case v2');
      });

      it('a published version can be neither changed nor deleted, whatever the code path', async () => {
        await expect(
          rawSelect(
            store,
            `update form_versions set title = '{"en":"x","zh-CN":"x"}' where form_key = 'case'`,
          ),
        ).rejects.toThrow(/immutable/);
        await expect(rawSelect(store, `delete from form_versions where form_key = 'case'`)).rejects.toThrow(
          /immutable/,
        );
        expect((await store.transaction((tx) => tx.forms.getVersion('case', 1)))?.title.en).toBe('Case');
      });

      it('versions list newest first without their schemas; the latest version is known', async () => {
        await store.transaction((tx) =>
          tx.forms.insertVersion({
            key: 'case',
            version: 2,
            content: content('Case v2'),
            compatibility: { compatible: true, breaking: [], additive: [] },
            acceptedBreaking: false,
            actor: 'designer',
          }),
        );
        const versions = await store.transaction((tx) => tx.forms.listVersions('case', { limit: 10 }));
        expect(versions.map((v) => v.version)).toEqual([2, 1]);
        expect(versions[0]).not.toHaveProperty('schema');
        expect(versions[0]?.compatibility).toEqual({ compatible: true, breaking: [], additive: [] });
        expect(await store.transaction((tx) => tx.forms.latestVersion('case'))).toBe(2);
        expect(await store.transaction((tx) => tx.forms.latestVersion('nope'))).toBeUndefined();
        const older = await store.transaction((tx) =>
          tx.forms.listVersions('case', { limit: 10, before: 2 }),
        );
        expect(older.map((v) => v.version)).toEqual([1]);
      });

      it('forms list by key with a cursor', async () => {
        await store.transaction(async (tx) => {
          for (const key of ['b-form', 'a-form', 'c-form'])
            await tx.forms.create({ key, draft: content(), actor: 'd' });
        });
        const first = await store.transaction((tx) => tx.forms.list({ limit: 2 }));
        const second = await store.transaction((tx) =>
          tx.forms.list({ limit: 2, cursor: first.at(-1)?.key }),
        );
        expect([...first, ...second].map((f) => f.key)).toEqual(['a-form', 'b-form', 'c-form', 'case']);
        expect(first[0]?.draft).toBeNull();
      });
    });

    describe('records', () => {
      const rows: Array<Record<string, unknown>> = [
        { name: '张三', principal: '1000.50', overdueDays: 31, vip: true, tags: ['m1'], due: '2026-01-05' },
        {
          name: 'Li Si',
          principal: '250',
          overdueDays: 5,
          vip: false,
          tags: ['m2', 'legal'],
          due: '2026-02-01',
        },
        { name: '王五', principal: '99999.99', overdueDays: 120, vip: false, tags: [], due: '2025-12-31' },
        { name: 'zhang wei', principal: '0.01', overdueDays: 0, vip: true, tags: ['m1', 'legal'] },
        { name: '100%_done', principal: 'not a number', overdueDays: 'many', vip: 'yes', due: 20260101 },
        {
          name: 'Nested',
          principal: '10',
          overdueDays: 61,
          address: { city: '上海' },
          promisedAt: '2026-03-01T08:00:00+08:00',
        },
        { name: 'Late', principal: '10', overdueDays: 61, promisedAt: '2026-03-01T01:00:00Z' },
      ];
      const ids: string[] = [];

      beforeAll(async () => {
        await store.transaction(async (tx) => {
          for (const data of rows) {
            const r = await tx.records.insert({
              formKey: 'case',
              formVersion: 1,
              data,
              computed: {},
              ownerTeamId: data.vip === true ? 'team-a' : 'team-b',
              actor: 'collector',
            });
            ids.push(r!.id);
          }
        });
      });

      const list = (partial: Partial<RecordQuery>) =>
        store.transaction((tx) =>
          tx.records.list({
            formKey: 'case',
            filters: [],
            sort: { key: { column: 'created' }, direction: 'asc' },
            limit: 50,
            ...partial,
          }),
        );
      const names = (records: RecordRecord[]) => records.map((r) => (r.data as { name: string }).name);

      it('a record is stored with its form version, version 1 and who created it', async () => {
        const record = await store.transaction((tx) => tx.records.get(ids[0]!));
        expect(record).toMatchObject({
          formKey: 'case',
          formVersion: 1,
          version: 1,
          createdBy: 'collector',
          updatedBy: 'collector',
          ownerTeamId: 'team-a',
          assigneeId: null,
          data: rows[0],
        });
        expect(record?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
      });

      it('an insert guarded on the latest version is skipped once a newer version is published', async () => {
        const insert = (formVersion: number) =>
          store.transaction((tx) =>
            tx.records.insert(
              { formKey: 'case', formVersion, data: { guarded: formVersion }, computed: {}, actor: 'x' },
              { onlyIfLatest: true },
            ),
          );
        expect(await insert(1)).toBeUndefined();
        const stored = await insert(2);
        expect(stored).toMatchObject({ formVersion: 2, version: 1, data: { guarded: 2 } });
        expect((await store.transaction((tx) => tx.records.get(stored!.id)))?.data).toEqual({ guarded: 2 });
      });

      it('a record cannot point at a form version that was never published', async () => {
        await expect(
          store.transaction((tx) =>
            tx.records.insert({ formKey: 'case', formVersion: 9, data: {}, computed: {}, actor: 'x' }),
          ),
        ).rejects.toThrow(/foreign key/);
      });

      it('an update applies only at the expected version, and bumps it', async () => {
        const [created] = await store.transaction(async (tx) => [
          await tx.records.insert({
            formKey: 'case',
            formVersion: 1,
            data: { n: 1 },
            computed: {},
            actor: 'a',
          }),
        ]);
        const updated = await store.transaction((tx) =>
          tx.records.update(created!.id, 1, {
            formVersion: 2,
            data: { n: 2 },
            computed: { '/n': 2 },
            assigneeId: 'u-7',
            actor: 'b',
          }),
        );
        expect(updated).toMatchObject({
          version: 2,
          formVersion: 2,
          data: { n: 2 },
          updatedBy: 'b',
          assigneeId: 'u-7',
        });
        const stale = await store.transaction((tx) =>
          tx.records.update(created!.id, 1, { formVersion: 2, data: { n: 3 }, computed: {}, actor: 'c' }),
        );
        expect(stale).toBeUndefined();
        expect((await store.transaction((tx) => tx.records.get(created!.id)))?.data).toEqual({ n: 2 });
      });

      it('equality filters match strings, numbers and booleans by JSON type', async () => {
        expect(
          names(
            (await list({ filters: [{ path: ['name'], kind: 'string', op: 'eq', value: '张三' }] })).records,
          ),
        ).toEqual(['张三']);
        expect(
          names(
            (await list({ filters: [{ path: ['overdueDays'], kind: 'number', op: 'eq', value: 61 }] }))
              .records,
          ),
        ).toEqual(['Nested', 'Late']);
        expect(
          names(
            (await list({ filters: [{ path: ['vip'], kind: 'boolean', op: 'eq', value: true }] })).records,
          ),
        ).toEqual(['张三', 'zhang wei']);
        expect(
          names(
            (
              await list({
                filters: [{ path: ['address', 'city'], kind: 'string', op: 'eq', value: '上海' }],
              })
            ).records,
          ),
        ).toEqual(['Nested']);
      });

      it('decimal strings compare as numbers, and a value of another type never fails the query', async () => {
        const page = await list({
          filters: [
            { path: ['principal'], kind: 'decimal', op: 'gte', value: '250' },
            { path: ['principal'], kind: 'decimal', op: 'lt', value: '99999.99' },
          ],
        });
        expect(names(page.records)).toEqual(['张三', 'Li Si']);
        expect(
          names(
            (await list({ filters: [{ path: ['principal'], kind: 'decimal', op: 'eq', value: '250.00' }] }))
              .records,
          ),
        ).toEqual(['Li Si']);
        expect(
          names(
            (await list({ filters: [{ path: ['overdueDays'], kind: 'number', op: 'gt', value: 60 }] }))
              .records,
          ),
        ).toEqual(['王五', 'Nested', 'Late']);
      });

      it('dates compare as ISO text and date-times as instants across offsets', async () => {
        expect(
          names(
            (await list({ filters: [{ path: ['due'], kind: 'date', op: 'lt', value: '2026-01-31' }] }))
              .records,
          ),
        ).toEqual(['张三', '王五']);
        // 08:00+08:00 is 00:00Z, before 01:00Z, although its text sorts after.
        expect(
          names(
            (
              await list({
                filters: [
                  { path: ['promisedAt'], kind: 'date-time', op: 'lt', value: '2026-03-01T00:30:00Z' },
                ],
              })
            ).records,
          ),
        ).toEqual(['Nested']);
      });

      it('contains is a case-insensitive substring for text (wildcards are literal) and membership for arrays', async () => {
        expect(
          names(
            (await list({ filters: [{ path: ['name'], kind: 'string', op: 'contains', value: 'ZHANG' }] }))
              .records,
          ),
        ).toEqual(['zhang wei']);
        expect(
          names(
            (await list({ filters: [{ path: ['name'], kind: 'string', op: 'contains', value: '%_' }] }))
              .records,
          ),
        ).toEqual(['100%_done']);
        expect(
          names(
            (await list({ filters: [{ path: ['tags'], kind: 'array', op: 'contains', value: 'legal' }] }))
              .records,
          ),
        ).toEqual(['Li Si', 'zhang wei']);
      });

      it('owner team narrows the list (the hook for record-level permissions)', async () => {
        expect(names((await list({ ownerTeamId: 'team-a' })).records)).toEqual(['张三', 'zhang wei']);
      });

      it('sorting by a field pages through every record exactly once, missing values last', async () => {
        for (const direction of ['asc', 'desc'] as const) {
          const seen: string[] = [];
          let after: RecordQuery['after'];
          for (let page = 0; page < 10; page++) {
            const result = await list({
              formVersion: 1,
              sort: { key: { path: ['overdueDays'], kind: 'number' }, direction },
              limit: 2,
              ...(after ? { after } : {}),
            });
            seen.push(...names(result.records));
            if (!result.next) break;
            after = result.next;
          }
          // Ties (Nested and Late are both 61) follow the id in the sort direction.
          const ascending = ['zhang wei', 'Li Si', '张三', 'Nested', 'Late', '王五'];
          expect(seen).toHaveLength(rows.length);
          expect(seen.slice(0, 6)).toEqual(direction === 'asc' ? ascending : [...ascending].reverse());
          expect(seen.at(-1)).toBe('100%_done'); // "many" is not a number: sorts as missing
        }
      });

      it('sorting by last update pages with an exact cursor', async () => {
        const seen: string[] = [];
        let after: RecordQuery['after'];
        for (let page = 0; page < 10; page++) {
          const result = await list({
            formVersion: 1,
            sort: { key: { column: 'updated' }, direction: 'desc' },
            limit: 3,
            ...(after ? { after } : {}),
          });
          seen.push(...result.records.map((r) => r.id));
          if (!result.next) break;
          after = result.next;
        }
        expect(new Set(seen).size).toBe(rows.length);
      });
    });
  },
);
