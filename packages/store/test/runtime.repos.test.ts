import type { Store, StoreTx } from '@collectflow/store';
import { rawSelect, testBackends } from '@collectflow/store/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const T0 = new Date('2026-01-05T09:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

async function deploy(tx: StoreTx, processKey: string, messageStarts: string[] = []) {
  return tx.deployments.insertNextVersion({
    id: uuidv7(),
    processKey,
    name: processKey,
    source: Buffer.from(`<xml key="${processKey}"/>`),
    sourceSha256: 'sha',
    definition: { processKey },
    problems: [],
    messageStarts,
    deployedBy: 'tester',
    deployedAt: T0,
  });
}

async function instance(tx: StoreTx, deploymentId: string, businessKey: string | null = null) {
  return tx.instances.insert({
    id: uuidv7(),
    deploymentId,
    processKey: 'p',
    businessKey,
    status: 'running',
    snapshot: { format: 'test' },
    variables: { amount: '12.50' },
    activeElementIds: ['review'],
    failure: null,
    startedBy: 'tester',
    at: T0,
  });
}

/** A promise with its resolve exposed, to hold one transaction open while another runs. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe.each(testBackends().map((b) => [b.name, b] as const))('runtime tables on %s', (name, backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let deploymentId: string;

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
    deploymentId = (await store.transaction((tx) => deploy(tx, 'p'))).id;
  });
  afterAll(() => cleanup());

  it('the runtime migration rolls back and applies again cleanly', async () => {
    const fresh = await backend.open();
    try {
      await fresh.store.rollbackAll();
      expect((await fresh.store.migrationStatus()).applied).toEqual([]);
      const status = await fresh.store.migrate();
      expect(status.applied).toContain('20261123_0003_runtime');
    } finally {
      await fresh.cleanup();
    }
  });

  it('each deployment of a process key gets the next version and keeps its source bytes', async () => {
    const latin1 = Buffer.from([0x3c, 0x61, 0x3e, 0xe4, 0xf6, 0xfc, 0x3c]); // "<a>äöü<" in ISO-8859-1
    const [v1, v2] = await store.transaction(async (tx) => {
      const first = await deploy(tx, 'dunning');
      const second = await tx.deployments.insertNextVersion({
        id: uuidv7(),
        processKey: 'dunning',
        name: 'Dunning',
        source: latin1,
        sourceSha256: 'x',
        definition: { processKey: 'dunning', big: 'y'.repeat(10_000) },
        problems: [{ code: 'warn' }],
        messageStarts: ['PaymentPlanRequested'],
        deployedBy: 'admin',
        deployedAt: T0,
      });
      return [first, second];
    });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    const source = await store.transaction((tx) => tx.deployments.source(v2.id));
    expect(Buffer.compare(source!, latin1)).toBe(0);
    const latest = await store.transaction((tx) => tx.deployments.latest('dunning'));
    expect(latest?.id).toBe(v2.id);
    expect(
      await store.transaction((tx) => tx.deployments.latestStartingOn('PaymentPlanRequested')),
    ).toMatchObject([{ id: v2.id }]);
  });

  it('a message start counts only while it is in the latest version of its process', async () => {
    await store.transaction(async (tx) => {
      await deploy(tx, 'plan', ['PlanAsked']);
      await deploy(tx, 'plan', []);
    });
    expect(await store.transaction((tx) => tx.deployments.latestStartingOn('PlanAsked'))).toEqual([]);
  });

  it('saving a step from a stale version is a conflict and changes nothing', async () => {
    const created = await store.transaction((tx) => instance(tx, deploymentId, 'case-1'));
    const update = {
      status: 'running' as const,
      snapshot: { format: 'next' },
      variables: {},
      activeElementIds: [],
      failure: null,
      at: at(1),
    };
    expect(await store.transaction((tx) => tx.instances.saveStep(created.id, 1, update))).toBe(2);
    await expect(
      store.transaction((tx) => tx.instances.saveStep(created.id, 1, update)),
    ).rejects.toMatchObject({
      code: 'instance.version_conflict',
      kind: 'conflict',
    });
    const row = await store.transaction((tx) => tx.instances.get(created.id));
    expect(row).toMatchObject({ version: 2, snapshot: { format: 'next' }, businessKey: 'case-1' });
  });

  it('a task is visible to its candidate groups, is claimed by one user and completes once', async () => {
    const inst = await store.transaction((tx) => instance(tx, deploymentId));
    const taskId = uuidv7();
    await store.transaction((tx) =>
      tx.tasks.insertMany([
        {
          id: taskId,
          instanceId: inst.id,
          engineTaskId: 'review_1',
          elementId: 'review',
          name: 'Review',
          processKey: 'p',
          businessKey: null,
          formKey: 'debt-case',
          formVersion: null,
          candidateGroups: ['collectors', 'supervisors'],
          assignee: null,
          dueAt: at(60),
          priority: 50,
          createdAt: T0,
        },
      ]),
    );
    const visible = (groups: string[]) =>
      store.transaction((tx) =>
        tx.tasks.list({
          visibleTo: { userId: 'u1', groups },
          instanceId: inst.id,
          status: 'open',
          limit: 10,
        }),
      );
    expect((await visible(['collectors'])).map((t) => t.id)).toEqual([taskId]);
    expect(await visible(['legal'])).toEqual([]);

    expect(await store.transaction((tx) => tx.tasks.claim(taskId, 'u1', at(1)))).toBe(true);
    expect(await store.transaction((tx) => tx.tasks.claim(taskId, 'u2', at(2)))).toBe(false);
    // The claimer sees it through the claim even without a matching group.
    expect((await visible(['legal'])).map((t) => t.id)).toEqual([taskId]);

    const done = { by: 'u1', at: at(3), data: { paid: '10.00' }, formVersion: 2 };
    expect(await store.transaction((tx) => tx.tasks.complete(taskId, done))).toBe(true);
    expect(await store.transaction((tx) => tx.tasks.complete(taskId, done))).toBe(false);
    expect(await store.transaction((tx) => tx.tasks.get(taskId))).toMatchObject({
      status: 'completed',
      completedBy: 'u1',
      data: { paid: '10.00' },
      formVersion: 2,
      candidateGroups: ['collectors', 'supervisors'],
      dueAt: at(60),
    });
  });

  it("an assigned task is in its assignee's inbox only, not in its candidate groups'", async () => {
    const inst = await store.transaction((tx) => instance(tx, deploymentId));
    const taskId = uuidv7();
    await store.transaction((tx) =>
      tx.tasks.insertMany([
        {
          id: taskId,
          instanceId: inst.id,
          engineTaskId: 'escalate_1',
          elementId: 'escalate',
          name: null,
          processKey: 'p',
          businessKey: null,
          formKey: 'escalation',
          formVersion: null,
          candidateGroups: ['supervisors'],
          assignee: 'boss',
          dueAt: null,
          priority: null,
          createdAt: T0,
        },
      ]),
    );
    const inbox = (userId: string) =>
      store.transaction((tx) =>
        tx.tasks.list({ visibleTo: { userId, groups: ['supervisors'] }, instanceId: inst.id, limit: 10 }),
      );
    expect((await inbox('boss')).map((t) => t.id)).toEqual([taskId]);
    expect(await inbox('another-supervisor')).toEqual([]);
  });

  it('a timer job is taken only once it is due by the injected clock, and a re-arm replaces it', async () => {
    const inst = await store.transaction((tx) => instance(tx, deploymentId));
    const job = (runAt: Date) => ({
      id: uuidv7(),
      instanceId: inst.id,
      kind: 'timer' as const,
      jobKey: 'wait-30-days',
      elementId: 'wait',
      runAt,
      maxAttempts: 3,
      payload: { repeat: null },
      createdAt: T0,
    });
    await store.transaction((tx) => tx.jobs.upsert([job(at(30 * 24 * 60))]));
    await store.transaction((tx) => tx.jobs.upsert([job(at(45 * 24 * 60))]));
    const jobs = await store.transaction((tx) => tx.jobs.forInstance(inst.id));
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.runAt).toEqual(at(45 * 24 * 60));

    const notYet = await store.transaction((tx) => tx.jobs.claimDueTimer(at(44 * 24 * 60)));
    expect(notYet?.instanceId === inst.id).toBe(false);
    const due = await store.transaction((tx) => tx.jobs.claimDueTimer(at(46 * 24 * 60), []));
    expect(due).toBeDefined();
    await store.transaction((tx) => tx.jobs.deleteForInstance(inst.id));
  });

  it('service jobs are leased to one node; an expired lease can be taken by another', async () => {
    const inst = await store.transaction((tx) => instance(tx, deploymentId));
    await store.transaction((tx) =>
      tx.jobs.upsert([
        {
          id: uuidv7(),
          instanceId: inst.id,
          kind: 'service',
          jobKey: 'call-1',
          elementId: 'post-letter',
          runAt: T0,
          maxAttempts: 3,
          payload: { handler: 'letters.post' },
          createdAt: T0,
        },
      ]),
    );
    const first = await store.transaction((tx) => tx.jobs.leaseDueServices(at(1), 'node-a', at(6), 10));
    expect(first.filter((j) => j.instanceId === inst.id)).toHaveLength(1);
    const during = await store.transaction((tx) => tx.jobs.leaseDueServices(at(2), 'node-b', at(7), 10));
    expect(during.filter((j) => j.instanceId === inst.id)).toHaveLength(0);
    const after = await store.transaction((tx) => tx.jobs.leaseDueServices(at(7), 'node-b', at(12), 10));
    expect(after.filter((j) => j.instanceId === inst.id)).toMatchObject([{ lockedBy: 'node-b' }]);
    await store.transaction((tx) => tx.jobs.deleteForInstance(inst.id));
  });

  it.skipIf(name === 'pglite')(
    'two schedulers take different due timers at the same time and skip an instance being stepped',
    async () => {
      const a = await store.transaction((tx) => instance(tx, deploymentId));
      const b = await store.transaction((tx) => instance(tx, deploymentId));
      const c = await store.transaction((tx) => instance(tx, deploymentId));
      await store.transaction((tx) =>
        tx.jobs.upsert(
          [a, b, c].map((inst, i) => ({
            id: uuidv7(),
            instanceId: inst.id,
            kind: 'timer' as const,
            jobKey: 't',
            elementId: 'wait',
            runAt: at(-1000 + i),
            maxAttempts: 3,
            payload: {},
            createdAt: T0,
          })),
        ),
      );
      const mine = new Set([a.id, b.id, c.id]);
      const holdA = gate();
      const holdC = gate();
      let takenByFirst: string | undefined;
      const first = store.transaction(async (tx) => {
        takenByFirst = (await tx.jobs.claimDueTimer(at(0)))?.instanceId;
        await holdA.promise;
      });
      // Someone is stepping instance c: its timer must be skipped, not waited for.
      const stepping = store.transaction(async (tx) => {
        await tx.instances.lock(c.id);
        await holdC.promise;
      });
      await new Promise((r) => setTimeout(r, 200));
      const second = await store.transaction((tx) => tx.jobs.claimDueTimer(at(0)));
      holdA.open();
      holdC.open();
      await Promise.all([first, stepping]);
      expect(takenByFirst).toBe(a.id);
      expect(second?.instanceId).toBe(b.id);
      expect(mine.has(second!.instanceId)).toBe(true);
      for (const inst of [a, b, c]) await store.transaction((tx) => tx.jobs.deleteForInstance(inst.id));
    },
  );

  it('messages: subscriptions replace, are found by business key, and buffered ones expire', async () => {
    const inst = await store.transaction((tx) => instance(tx, deploymentId, 'case-42'));
    const added = await store.transaction((tx) =>
      tx.messages.replaceSubscriptions(
        inst.id,
        'case-42',
        [{ name: 'PaymentReceived', elementId: 'paid', kind: 'boundary' }],
        T0,
      ),
    );
    expect(added).toEqual(['PaymentReceived']);
    const again = await store.transaction((tx) =>
      tx.messages.replaceSubscriptions(
        inst.id,
        'case-42',
        [{ name: 'PaymentReceived', elementId: 'paid', kind: 'boundary' }],
        T0,
      ),
    );
    expect(again).toEqual([]);
    expect(
      await store.transaction((tx) =>
        tx.messages.findSubscribers({ name: 'PaymentReceived', businessKey: 'case-42' }),
      ),
    ).toMatchObject([{ instanceId: inst.id, elementId: 'paid' }]);
    expect(
      await store.transaction((tx) =>
        tx.messages.findSubscribers({ name: 'PaymentReceived', businessKey: 'case-43' }),
      ),
    ).toEqual([]);

    await store.transaction(async (tx) => {
      for (const [id, expiresAt] of [
        [uuidv7(), at(5)],
        [uuidv7(), at(60)],
      ] as const) {
        await tx.messages.buffer({
          id,
          name: 'DebtorCalled',
          businessKey: 'case-42',
          instanceId: null,
          payload: { expiresAt: expiresAt.toISOString() },
          receivedBy: 'tester',
          createdAt: T0,
          expiresAt,
        });
      }
    });
    const taken = await store.transaction((tx) =>
      tx.messages.takeBuffered({
        names: ['DebtorCalled'],
        instanceId: inst.id,
        businessKey: 'case-42',
        now: at(10),
      }),
    );
    expect(taken?.payload).toEqual({ expiresAt: at(60).toISOString() });
    expect(await store.transaction((tx) => tx.messages.deleteExpired(at(10)))).toBe(1);
    expect(
      await store.transaction((tx) =>
        tx.messages.takeBuffered({
          names: ['DebtorCalled'],
          instanceId: inst.id,
          businessKey: 'case-42',
          now: at(10),
        }),
      ),
    ).toBeUndefined();
  });

  it('history keeps order, outbox keys are unique, incidents resolve once', async () => {
    const inst = await store.transaction((tx) => instance(tx, deploymentId));
    const entry = (event: string, step: number) => ({
      instanceId: inst.id,
      step,
      at: T0,
      event,
      elementId: 'e',
      elementType: 'bpmn:Task',
      name: null,
      executionId: null,
      actor: null,
      data: { step },
    });
    await store.transaction((tx) =>
      tx.history.append([entry('activity.start', 1), entry('activity.end', 1)]),
    );
    await store.transaction((tx) => tx.history.append([entry('process.end', 2)]));
    const history = await store.transaction((tx) => tx.history.forInstance(inst.id, { limit: 10 }));
    expect(history.map((h) => h.event)).toEqual(['activity.start', 'activity.end', 'process.end']);
    expect(typeof history[0]?.id).toBe('number');

    const message = {
      id: uuidv7(),
      instanceId: inst.id,
      kind: 'message',
      name: 'LetterSent',
      elementId: 'notify',
      idempotencyKey: `${inst.id}:notify:1`,
      payload: {},
      createdAt: T0,
    };
    await store.transaction((tx) => tx.outbox.append([message, { ...message, id: uuidv7() }]));
    expect(await store.transaction((tx) => tx.outbox.forInstance(inst.id))).toHaveLength(1);

    const incidentId = uuidv7();
    await store.transaction((tx) =>
      tx.incidents.open({
        id: incidentId,
        instanceId: inst.id,
        jobId: null,
        elementId: 'post-letter',
        kind: 'service_failed',
        message: 'HTTP 503',
        details: {},
        createdAt: T0,
      }),
    );
    const resolution = { by: 'admin', at: at(1), resolution: 'resolved' };
    expect(await store.transaction((tx) => tx.incidents.resolve(incidentId, resolution))).toBe(true);
    expect(await store.transaction((tx) => tx.incidents.resolve(incidentId, resolution))).toBe(false);
    const [row] = await rawSelect<{ n: number }>(
      store,
      'select count(*) as n from process_incidents where status = ?',
      ['open'],
    );
    expect(row?.n).toBe(0);
  });
});
