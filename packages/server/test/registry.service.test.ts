import { type Actor, FormRegistryService, maskSensitive, maskValue, PERMISSIONS } from '@collectflow/server';
import type { Store } from '@collectflow/store';
import { testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecordQuery } from '../src/registry/record-query.parser.js';
import { formWith } from './support/registry-fixtures.js';

const designer: Actor = {
  userId: 'designer',
  displayName: 'Designer',
  roles: ['designer'],
  groups: ['designer'],
  teamIds: [],
  permissions: new Set(PERMISSIONS),
};

describe.each(testBackends().map((b) => [b.name, b] as const))(
  'form registry service on %s',
  (_name, backend) => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store, cleanup } = await backend.open());
    });
    afterAll(() => cleanup());

    it('a node that remembers an older latest version still stores new submissions against the newest', async () => {
      const nodeA = new FormRegistryService(store);
      const nodeB = new FormRegistryService(store);
      const v1 = { type: 'object', properties: { amount: { type: 'integer' } } };
      await nodeA.createForm(formWith('two-nodes', v1), designer, 'en');
      await nodeA.publish('two-nodes', {}, designer, 'en');
      expect(
        (await nodeB.createRecord('two-nodes', { data: { amount: 1 } }, designer, 'en')).formVersion,
      ).toBe(1);

      // Node A publishes a breaking version 2 that node B has never heard of.
      const v2 = {
        ...v1,
        required: ['channel'],
        properties: { ...v1.properties, channel: { type: 'string' } },
      };
      await nodeA.saveDraft('two-nodes', formWith('two-nodes', v2), designer, 'en');
      await nodeA.publish('two-nodes', { acceptBreaking: true }, designer, 'en');

      const stored = await nodeB.createRecord(
        'two-nodes',
        { data: { amount: 2, channel: 'sms' } },
        designer,
        'en',
      );
      expect(stored.formVersion).toBe(2);
      // Valid under version 1 but not under 2: refused, and the error names version 2.
      await expect(
        nodeB.createRecord('two-nodes', { data: { amount: 3 } }, designer, 'en'),
      ).rejects.toMatchObject({
        code: 'records.invalid',
        message: expect.stringContaining('two-nodes@2'),
        errors: [expect.objectContaining({ pointer: '/channel', keyword: 'required' })],
      });
      // Naming version 1 explicitly still works: stored submissions stay valid forever.
      const pinned = await nodeB.createRecord(
        'two-nodes',
        { data: { amount: 4 }, formVersion: 1 },
        designer,
        'en',
      );
      expect(pinned.formVersion).toBe(1);
    });

    it('a draft is validated as it is now, and never through a published version’s validator', async () => {
      const registry = new FormRegistryService(store);
      const strict = { type: 'object', required: ['a'], properties: { a: { type: 'string' } } };
      await registry.createForm(formWith('drafty', strict), designer, 'en');
      await registry.publish('drafty', {}, designer, 'en');
      expect((await registry.validateDraft('drafty', {}, 'en')).valid).toBe(false);

      await registry.saveDraft('drafty', formWith('drafty', { ...strict, required: [] }), designer, 'en');
      expect((await registry.validateDraft('drafty', {}, 'en')).valid).toBe(true);
      // Version 1 is compiled and cached; the looser draft changed nothing about it.
      expect((await registry.validate('drafty', 1, {}, 'en')).valid).toBe(false);
      expect((await registry.validate('drafty', 'latest', { a: 'x' }, 'en')).valid).toBe(true);
    });

    it('answers the process runtime’s form lookups', async () => {
      const registry = new FormRegistryService(store);
      expect(await registry.formExists('two-nodes')).toBe(true);
      expect(await registry.formExists('two-nodes', 2)).toBe(true);
      expect(await registry.formExists('two-nodes', 3)).toBe(false);
      expect(await registry.formExists('nobody')).toBe(false);
      await registry.createForm(formWith('not-yet', { type: 'object' }), designer, 'en');
      expect(await registry.formExists('not-yet')).toBe(false);
    });

    it('a failed publish leaves no version behind (checked before anything is written)', async () => {
      const registry = new FormRegistryService(store);
      await registry.createForm(formWith('guarded', { type: 'object' }), designer, 'en');
      await expect(registry.publish('guarded', { draftRevision: 5 }, designer, 'en')).rejects.toMatchObject({
        code: 'forms.draft_changed',
      });
      expect((await registry.getForm('guarded')).latestVersion).toBeNull();
    });
  },
);

describe('sensitive masking', () => {
  it('numbers keep their last four characters; names, addresses and non-strings are hidden entirely', () => {
    expect(maskValue('13800138000')).toBe('*******8000');
    expect(maskValue('6222 0212 3456 7890')).toBe('***************7890');
    expect(maskValue('张三丰')).toBe('***');
    expect(maskValue('上海市浦东新区世纪大道 100 号')).toBe('***');
    expect(maskValue('12345')).toBe('***');
    expect(maskValue(42)).toBe('***');
    expect(maskValue(null)).toBeNull();
  });

  it('wildcards mask every item, the original is untouched, and missing fields are not invented', () => {
    const data = {
      contacts: [{ phone: '13900139000' }, { name: 'x' }, { phone: null }],
      idNumber: '11010519491231002X',
    };
    const masked = maskSensitive(data, ['/contacts/*/phone', '/idNumber', '/absent']);
    expect(masked.data).toEqual({
      contacts: [{ phone: '*******9000' }, { name: 'x' }, { phone: null }],
      idNumber: '**************002X',
    });
    expect(masked.masked).toEqual(['/contacts/0/phone', '/idNumber']);
    expect(data.contacts[0]?.phone).toBe('13900139000');
  });
});

describe('record list queries', () => {
  const shape = {
    schema: {
      type: 'object',
      properties: {
        promisedAt: { type: 'string', format: 'date-time' },
        scores: { type: 'array', items: { type: 'integer' } },
        contacts: { type: 'array', items: { type: 'object', properties: { phone: { type: 'string' } } } },
        flag: { type: ['boolean', 'null'] },
      },
    },
    sensitive: ['/contacts/*/phone'],
    refs: new Map(),
  };
  const parse = (params: Record<string, string | string[]>, canViewSensitive = true) =>
    parseRecordQuery('f', params, shape, { canViewSensitive });

  it('reads each value by its field’s type', () => {
    const query = parse({
      filter: ['/promisedAt:gte:2026-03-01T00:00:00+08:00', '/scores:contains:7', '/flag:eq:true'],
    });
    expect(query.filters).toEqual([
      { path: ['promisedAt'], kind: 'date-time', op: 'gte', value: '2026-03-01T00:00:00+08:00' },
      { path: ['scores'], kind: 'array', op: 'contains', value: 7 },
      { path: ['flag'], kind: 'boolean', op: 'eq', value: true },
    ]);
    expect(query.sort).toEqual({ key: { column: 'created' }, direction: 'desc' });
  });

  it('refuses what the store could not answer sensibly', () => {
    expect(() => parse({ filter: '/contacts/0/phone:eq:1' })).toThrow(/inside a list/);
    expect(() => parse({ filter: '/flag:gt:true' })).toThrow(/cannot be filtered with gt/);
    expect(() => parse({ filter: '/promisedAt:lt:yesterday' })).toThrow(/date-time/);
    expect(() => parse({ sort: '/scores' })).toThrow(/cannot be sorted/);
    expect(() => parse({ limit: '500' })).toThrow(/limit/);
  });
});
