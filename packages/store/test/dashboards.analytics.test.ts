import {
  type AggregateQuery,
  type AnalyticsField,
  compileAggregate,
  type FormContent,
  type ProjectionRef,
  type Store,
} from '@collectflow/store';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const content = (properties: Record<string, unknown>): FormContent => ({
  title: { 'zh-CN': 'x', en: 'x' },
  schema: { type: 'object', properties },
  uiSchema: {},
  metadata: { sensitive: [], indexed: [], computed: [] },
});

const f = (path: string, kind: Extract<AnalyticsField, { path: unknown }>['kind']): AnalyticsField => ({
  owner: 'base',
  path: path.split('/').filter(Boolean),
  kind,
});
const onCase = (path: string, kind: Extract<AnalyticsField, { path: unknown }>['kind']): AnalyticsField => ({
  owner: { lookup: 0 },
  path: path.split('/').filter(Boolean),
  kind,
});

const q = (query: Partial<AggregateQuery> & Pick<AggregateQuery, 'parts'>): AggregateQuery => ({
  limit: 100,
  timeZone: 'Asia/Shanghai',
  ...query,
});

/**
 * The analytics compiler on every backend, on a tiny fixture:
 *   cases  C1 team a  OPEN    total 100.00  paid 40.00   (owner team-a)
 *          C2 team a  SETTLED total 50.50   paid 50.50   (owner team-a)
 *          C3 team b  OPEN    total 200     paid 0       (owner team-b, assigned to u-9)
 *   payments P1 C1 10.00 2025-06-01T15:30:00Z (= 23:30 on 1 June in Shanghai)
 *            P2 C1 30.00 2025-06-30T16:30:00Z (= 00:30 on 1 July in Shanghai)
 *            P3 C2 50.50 2025-06-15T01:00:00Z
 */
describe.each(testBackends().map((b) => [b.name, b] as const))('dashboard analytics on %s', (_n, backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
    await store.transaction(async (tx) => {
      for (const [key, properties] of [
        [
          'case',
          {
            no: { type: 'string' },
            team: { type: 'string' },
            status: { type: 'string' },
            total: { type: 'string' },
            paid: { type: 'string' },
          },
        ],
        ['pay', { caseNo: { type: 'string' }, amount: { type: 'string' }, at: { type: 'string' } }],
      ] as const) {
        await tx.forms.create({ key, draft: content(properties), actor: 't' });
        for (const version of [1, 2]) {
          await tx.forms.insertVersion({
            key,
            version,
            content: content(properties),
            compatibility: null,
            acceptedBreaking: false,
            actor: 't',
          });
        }
      }
      const rec = (
        formKey: string,
        data: unknown,
        ownerTeamId: string,
        assigneeId?: string,
        formVersion = 1,
      ) =>
        tx.records.insert({
          formKey,
          formVersion,
          data,
          computed: {},
          ownerTeamId,
          assigneeId: assigneeId ?? null,
          actor: 't',
        });
      await rec('case', { no: 'C1', team: 'a', status: 'OPEN', total: '100.00', paid: '40.00' }, 'team-a');
      await rec('case', { no: 'C2', team: 'a', status: 'SETTLED', total: '50.50', paid: '50.50' }, 'team-a');
      await rec('case', { no: 'C3', team: 'b', status: 'OPEN', total: '200', paid: '0' }, 'team-b', 'u-9');
      await rec('pay', { caseNo: 'C1', amount: '10.00', at: '2025-06-01T15:30:00Z' }, 'team-a');
      await rec('pay', { caseNo: 'C1', amount: '30.00', at: '2025-06-30T16:30:00Z' }, 'team-a');
      // Version 2 of the payment form: the test of version guards reads it as another type.
      await rec('pay', { caseNo: 'C2', amount: '50.50', at: '2025-06-15T01:00:00Z' }, 'team-a', undefined, 2);
    });
  });
  afterAll(() => cleanup());

  const run = (query: AggregateQuery) =>
    store.transaction((tx) => tx.analytics.aggregate(query), { readOnly: true });

  it('counts and sums decimal strings exactly per group, with a ratio of two measures', async () => {
    const result = await run(
      q({
        parts: [
          {
            source: { kind: 'records', form: 'case' },
            dimensions: [{ field: f('/team', 'string') }],
            measures: [
              { op: 'count' },
              { op: 'sum', field: f('/paid', 'decimal') },
              { op: 'sum', field: f('/total', 'decimal') },
              { op: 'count', where: [{ field: f('/status', 'string'), op: 'eq', value: 'OPEN' }] },
            ],
          },
        ],
        ratios: [{ numerator: { part: 0, measure: 1 }, denominator: { part: 0, measure: 2 } }],
      }),
    );
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'd0:string',
      'p0_m0:integer',
      'p0_m1:decimal',
      'p0_m2:decimal',
      'p0_m3:integer',
      'r0:decimal',
    ]);
    // team a: paid 40.00 + 50.50 = 90.50 of 100.00 + 50.50 = 150.50 → 0.601329 (90.5 / 150.5 = 0.6013289…)
    // team b: paid 0 of 200 → 0
    expect(result.rows).toEqual([
      ['a', 2, '90.50', '150.50', 1, '0.601329'],
      ['b', 1, '0', '200', 1, '0.000000'],
    ]);
  });

  it('buckets date-times by month in the dashboard zone, and date ranges are local days', async () => {
    const byMonth = await run(
      q({
        parts: [
          {
            source: { kind: 'records', form: 'pay' },
            dimensions: [{ field: f('/at', 'date-time'), bucket: 'month' }],
            measures: [{ op: 'sum', field: f('/amount', 'decimal') }],
          },
        ],
      }),
    );
    // P2 is 30 June 16:30 UTC = 1 July 00:30 in Shanghai: July, not June.
    expect(byMonth.rows).toEqual([
      ['2025-06-01', '60.50'],
      ['2025-07-01', '30.00'],
    ]);
    const june = await run(
      q({
        parts: [
          {
            source: { kind: 'records', form: 'pay' },
            where: [{ field: f('/at', 'date-time'), op: 'dateRange', from: '2025-06-01', to: '2025-06-30' }],
            dimensions: [],
            measures: [{ op: 'count' }],
          },
        ],
      }),
    );
    expect(june.rows).toEqual([[2]]);
  });

  it('a lookup brings the case of each payment without multiplying payments; parts join on dimension values', async () => {
    const result = await run(
      q({
        parts: [
          {
            source: { kind: 'records', form: 'pay' },
            lookups: [{ form: 'case', local: f('/caseNo', 'string'), foreignPath: ['no'] }],
            dimensions: [{ field: onCase('/team', 'string') }],
            measures: [{ op: 'sum', field: f('/amount', 'decimal') }],
          },
          {
            source: { kind: 'records', form: 'case' },
            dimensions: [{ field: f('/team', 'string') }],
            measures: [{ op: 'sum', field: f('/total', 'decimal') }],
          },
        ],
        ratios: [{ numerator: { part: 0, measure: 0 }, denominator: { part: 1, measure: 0 } }],
        sort: [{ target: { ratio: 0 }, direction: 'desc' }],
      }),
    );
    // team a: 10 + 30 + 50.50 = 90.50 collected of 150.50 placed; team b: nothing collected (0) of 200.
    expect(result.rows).toEqual([
      ['a', '90.50', '150.50', '0.601329'],
      ['b', '0', '200', '0.000000'],
    ]);
  });

  it('without all-teams rights only the own team and own assignments count', async () => {
    const result = await run(
      q({
        parts: [
          {
            source: { kind: 'records', form: 'case', visibleTo: { teamIds: [], userId: 'u-9' } },
            dimensions: [],
            measures: [{ op: 'count' }],
          },
        ],
      }),
    );
    expect(result.rows).toEqual([[1]]);
  });

  it('a value such as a SQL comment never reaches the SQL text and matches nothing', async () => {
    const evil = "'; drop table records; --";
    const query = q({
      parts: [
        {
          source: { kind: 'records', form: 'case' },
          where: [{ field: f('/status', 'string'), op: 'eq', value: evil }],
          dimensions: [{ field: f('/team', 'string') }],
          measures: [{ op: 'count' }],
        },
      ],
    });
    const compiled = compileAggregate(query);
    expect(compiled.sql.text).not.toContain('drop table');
    expect(compiled.sql.bindings).toContain(evil);
    expect((await run(query)).rows).toEqual([]);
    const still = await rawSelect<{ n: number }>(store, 'select count(*)::int as n from records');
    expect(still[0]!.n).toBe(6);
  });

  it('a field some form versions type differently reads as NULL on those versions', async () => {
    const result = await run(
      q({
        parts: [
          {
            source: { kind: 'records', form: 'pay' },
            dimensions: [],
            measures: [{ op: 'sum', field: { ...f('/amount', 'decimal'), versions: [1] } }, { op: 'count' }],
          },
        ],
      }),
    );
    // Only P1 and P2 are version 1: 10.00 + 30.00.
    expect(result.rows).toEqual([['40.00', 3]]);
  });

  it('drill-down returns the records behind a data point, newest first', async () => {
    const records = await store.transaction((tx) =>
      tx.analytics.drill({
        part: {
          source: { kind: 'records', form: 'pay' },
          lookups: [{ form: 'case', local: f('/caseNo', 'string'), foreignPath: ['no'] }],
          dimensions: [
            { field: onCase('/team', 'string') },
            { field: f('/at', 'date-time'), bucket: 'month' },
          ],
          measures: [{ op: 'count' }],
        },
        point: [
          { dimension: 0, value: 'a' },
          { dimension: 1, value: '2025-06-01' },
        ],
        timeZone: 'Asia/Shanghai',
        limit: 10,
      }),
    );
    expect(records.map((r) => (r.data as { amount: string }).amount)).toEqual(['50.50', '10.00']);
  });

  it('dashboard versions: each save appends one, a stale save is refused, saved versions are immutable', async () => {
    const title = { 'zh-CN': '看板', en: 'Board' };
    const first = await store.transaction((tx) =>
      tx.dashboards.save({ key: 'board', title, definition: { a: 1 }, actor: 'u1', expectedLatest: null }),
    );
    expect(first).toMatchObject({ saved: true, created: true, version: { version: 1, savedBy: 'u1' } });
    const second = await store.transaction((tx) =>
      tx.dashboards.save({ key: 'board', title, definition: { a: 2 }, actor: 'u2', expectedLatest: 1 }),
    );
    expect(second).toMatchObject({ saved: true, created: false, version: { version: 2 } });
    const stale = await store.transaction((tx) =>
      tx.dashboards.save({ key: 'board', title, definition: { a: 3 }, actor: 'u3', expectedLatest: 1 }),
    );
    expect(stale).toEqual({ saved: false, latestVersion: 2 });
    const refusedCreate = await store.transaction((tx) =>
      tx.dashboards.save({ key: 'other', title, definition: {}, actor: 'u3', expectedLatest: 5 }),
    );
    expect(refusedCreate).toEqual({ saved: false, latestVersion: null });
    expect(await store.transaction((tx) => tx.dashboards.get('other'))).toBeUndefined();
    const latest = await store.transaction((tx) => tx.dashboards.getVersion('board'));
    expect(latest).toMatchObject({ version: 2, definition: { a: 2 } });
    const versions = await store.transaction((tx) => tx.dashboards.listVersions('board', { limit: 10 }));
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    await expect(
      rawSelect(store, `update dashboard_versions set definition = '{}' where dashboard_key = 'board'`),
    ).rejects.toThrow(/immutable/);
  });

  it('a typed projection is filled from the records, kept in step by the trigger, and read in their place', async () => {
    const caseFields = [
      { path: ['no'], kind: 'string' as const, lookupKey: true },
      { path: ['team'], kind: 'string' as const },
      { path: ['paid'], kind: 'decimal' as const },
      { path: ['total'], kind: 'decimal' as const },
    ];
    const payFields = [
      { path: ['caseNo'], kind: 'string' as const },
      { path: ['amount'], kind: 'decimal' as const },
      { path: ['at'], kind: 'date-time' as const, indexed: true },
    ];
    const query = (projections: Map<string, ProjectionRef>) =>
      q({
        parts: [
          {
            source: {
              kind: 'records',
              form: 'pay',
              ...(projections.has('pay') ? { projection: projections.get('pay')! } : {}),
            },
            lookups: [
              {
                form: 'case',
                local: f('/caseNo', 'string'),
                foreignPath: ['no'],
                ...(projections.has('case') ? { projection: projections.get('case')! } : {}),
              },
            ],
            where: [{ field: f('/at', 'date-time'), op: 'dateRange', from: '2025-06-01', to: '2025-06-30' }],
            dimensions: [{ field: onCase('/team', 'string') }],
            measures: [{ op: 'sum', field: f('/amount', 'decimal') }, { op: 'count' }],
          },
        ],
      });
    const before = await run(query(new Map()));
    const first = await store.ensureRecordProjections([
      { form: 'case', fields: caseFields },
      { form: 'pay', fields: payFields },
    ]);
    expect(first.built).toHaveLength(2);
    const again = await store.ensureRecordProjections([{ form: 'case', fields: caseFields }]);
    expect(again).toMatchObject({ built: [], unchanged: first.built.slice(0, 1) });
    const projections = await store.transaction((tx) => tx.analytics.projections());
    const compiled = compileAggregate(query(projections));
    expect(compiled.sql.text).toMatch(/from records_proj_[0-9a-f]{12}_[0-9a-f]{8} as b/);
    expect(compiled.sql.text).not.toContain('records as');
    // The same numbers as from the records: June in Shanghai holds P1 and P3 (team a).
    expect(await run(query(projections))).toEqual(before);
    expect(before.rows).toEqual([['a', '60.50', 2]]);

    // A new payment and a changed one reach the projection in their own transaction.
    const added = await store.transaction((tx) =>
      tx.records.insert({
        formKey: 'pay',
        formVersion: 1,
        data: { caseNo: 'C3', amount: '5.25', at: '2025-06-20T00:00:00Z' },
        computed: {},
        ownerTeamId: 'team-b',
        actor: 't',
      }),
    );
    await store.transaction(async (tx) => {
      const p1 = (
        await tx.analytics.aggregate(
          q({
            parts: [
              {
                source: { kind: 'records', form: 'pay' },
                dimensions: [{ field: { owner: 'base', column: 'id' } }],
                measures: [{ op: 'count' }],
                where: [{ field: f('/amount', 'decimal'), op: 'eq', value: '10.00' }],
              },
            ],
          }),
        )
      ).rows[0]![0] as string;
      const record = (await tx.records.get(p1))!;
      await tx.records.update(p1, record.version, {
        formVersion: 1,
        data: { ...(record.data as object), amount: '12.00' },
        computed: {},
        actor: 't',
      });
    });
    const after = await run(query(projections));
    // a: P1 now 12.00 + P3 50.50 = 62.50; b: the new 5.25 on C3.
    expect(after.rows).toEqual([
      ['a', '62.50', 2],
      ['b', '5.25', 1],
    ]);
    expect(await run(query(new Map()))).toEqual(after);
    const stored = await rawSelect<{ n: number }>(
      store,
      `select count(*)::int as n from ${projections.get('pay')!.table} where id = ?`,
      [added!.id],
    );
    expect(stored[0]!.n).toBe(1);
    // A field the projection lacks sends the part back to the records.
    const wider = query(projections);
    const part = {
      ...wider.parts[0]!,
      measures: [{ op: 'count' as const, where: [{ field: f('/other', 'string'), op: 'isNull' as const }] }],
    };
    expect(compileAggregate({ ...wider, parts: [part] }).sql.text).toContain('from records as b');

    // Case numbers are unique so far: the lookup is a plain join.
    expect(compileAggregate(query(projections)).sql.text).toMatch(/left join records_proj_\w+ as k0 on/);
    // A second case C1: the trigger notes the duplicate; lookups take the first C1 again and no
    // payment of C1 counts twice.
    await store.transaction((tx) =>
      tx.records.insert({
        formKey: 'case',
        formVersion: 1,
        data: { no: 'C1', team: 'z', status: 'OPEN', total: '1', paid: '0' },
        computed: {},
        ownerTeamId: 'team-a',
        actor: 't',
      }),
    );
    const noted = await store.transaction((tx) => tx.analytics.projections());
    expect(noted.get('case')!.uniqueColumns).toEqual([]);
    expect(compileAggregate(query(noted)).sql.text).toContain('left join lateral');
    expect((await run(query(noted))).rows).toEqual(after.rows);
  });

  it('process data: tasks, instances and history, each narrowed to what the caller works on', async () => {
    const at = new Date('2025-06-02T01:00:00Z');
    await store.transaction(async (tx) => {
      const deployment = await tx.deployments.insertNextVersion({
        id: '01970000-0000-7000-8000-000000000001',
        processKey: 'calls',
        name: 'Calls',
        source: new TextEncoder().encode('<definitions/>'),
        sourceSha256: 'x',
        definition: {},
        problems: [],
        messageStarts: [],
        deployedBy: 't',
        deployedAt: at,
      });
      for (const [n, startedBy] of [
        [1, 'u-1'],
        [2, 'u-2'],
      ] as const) {
        await tx.instances.insert({
          id: `01970000-0000-7000-8000-00000000010${n}`,
          deploymentId: deployment.id,
          processKey: 'calls',
          businessKey: n === 1 ? 'C1' : 'C3',
          status: 'running',
          snapshot: {},
          variables: {},
          activeElementIds: [],
          failure: null,
          startedBy,
          at,
        });
      }
      const task = (n: number, instance: number, groups: string[], assignee: string | null) => ({
        id: `01970000-0000-7000-8000-00000000020${n}`,
        instanceId: `01970000-0000-7000-8000-00000000010${instance}`,
        engineTaskId: `t${n}`,
        elementId: 'call',
        name: 'Call',
        processKey: 'calls',
        businessKey: instance === 1 ? 'C1' : 'C3',
        formKey: 'case',
        formVersion: null,
        candidateGroups: groups,
        assignee,
        dueAt: null,
        priority: null,
        createdAt: at,
      });
      await tx.tasks.insertMany([
        task(1, 1, ['liaison'], null),
        task(2, 2, ['legal'], null),
        task(3, 2, [], 'u-1'),
      ]);
      await tx.history.append([
        {
          instanceId: '01970000-0000-7000-8000-000000000102',
          step: 1,
          at,
          event: 'wait',
          elementId: 'call',
          elementType: 'bpmn:UserTask',
          name: 'Call',
          executionId: null,
          actor: null,
          data: null,
        },
      ]);
    });
    const count = (
      kind: 'tasks' | 'instances' | 'history',
      visibleTo?: { userId: string; groups: string[] },
    ) =>
      run(
        q({
          parts: [
            {
              source: { kind, ...(visibleTo ? { visibleTo } : {}) },
              ...(kind === 'tasks'
                ? {
                    lookups: [
                      {
                        form: 'case',
                        local: { owner: 'base' as const, column: 'businessKey' },
                        foreignPath: ['no'],
                      },
                    ],
                  }
                : {}),
              dimensions: [{ field: { owner: 'base', column: 'processKey' } }],
              measures: [{ op: 'count' }],
              ...(kind === 'tasks'
                ? { where: [{ field: onCase('/team', 'string'), op: 'notNull' as const }] }
                : {}),
            },
          ],
        }),
      );
    expect((await count('tasks')).rows).toEqual([['calls', 3]]);
    // u-1 in the liaison group: task 1 (offered to liaison) and task 3 (assigned); not task 2 (legal).
    expect((await count('tasks', { userId: 'u-1', groups: ['liaison'] })).rows).toEqual([['calls', 2]]);
    // u-2 started instance 2; u-9 of the legal group sees instance 2 through task 2; nobody else sees any.
    expect((await count('instances', { userId: 'u-2', groups: [] })).rows).toEqual([['calls', 1]]);
    expect((await count('instances', { userId: 'u-9', groups: ['legal'] })).rows).toEqual([['calls', 1]]);
    expect((await count('instances', { userId: 'u-9', groups: ['analyst'] })).rows).toEqual([]);
    expect((await count('history', { userId: 'u-9', groups: ['legal'] })).rows).toEqual([['calls', 1]]);
  });

  it('expression indexes for indexed fields are built once and then left alone', async () => {
    const specs = [
      { form: 'pay', path: ['at'], kind: 'date-time' as const },
      { form: 'case', path: ['no'], kind: 'string' as const },
      { form: 'case', path: ["x'); drop table records; --"], kind: 'string' as const },
    ];
    const first = await store.ensureRecordIndexes(specs);
    expect(first.created).toHaveLength(2);
    expect(first.skipped).toHaveLength(1);
    const second = await store.ensureRecordIndexes(specs);
    expect(second.created).toEqual([]);
    expect(second.existing).toEqual(first.created);
  });
});
