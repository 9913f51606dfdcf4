import {
  type DemoDataSet,
  type DemoEvent,
  type DemoInstance,
  type DemoRecord,
  generateDemoData,
} from '@collectflow/collection';
import type { Clock } from '@collectflow/engine';
import { isDomainError } from '@collectflow/schema';
import {
  type CollectflowApp,
  type CollectionPack,
  createApp,
  createCollectionPack,
  type Logger,
  packActor,
  packRuntimeActor,
  ServiceHandlerRegistry,
} from '@collectflow/server';
import type { Store } from '@collectflow/store';
import type { PreparedDefinitions } from './definitions.loader.js';

/** The clock of a replay: each event happens at its own time, and time never runs backwards. */
export class ReplayClock implements Clock {
  #at: number;

  constructor(at: Date) {
    this.#at = at.getTime();
  }

  now(): Date {
    return new Date(this.#at);
  }

  /** Moves forward to `at`; an earlier time leaves the clock where it is. */
  advance(at: Date | string): void {
    this.#at = Math.max(this.#at, new Date(at).getTime());
  }
}

export interface SeedApp {
  app: CollectflowApp;
  pack: CollectionPack;
  clock: ReplayClock;
}

/**
 * An app of its own for seeding, on the same store, whose runtime runs on the replay clock: the
 * demo's history carries the times the demo says things happened, and timers count from them.
 * Its scheduler never starts; the seeder runs what is due itself.
 */
export async function createSeedApp(options: {
  store: Store;
  logger: Logger;
  version: string;
  prepared: PreparedDefinitions;
  asOf: Date;
  pluginsDir?: string;
}): Promise<SeedApp> {
  const clock = new ReplayClock(options.asOf);
  const handlers = new ServiceHandlerRegistry();
  const pack = createCollectionPack({
    store: options.store,
    logger: options.logger,
    profiles: options.prepared.profiles,
    ...(options.prepared.teams ? { assignmentRules: options.prepared.teams.assignmentRules } : {}),
  });
  pack.registerHandlers(handlers);
  if (options.pluginsDir) await handlers.loadPluginFolder(options.pluginsDir);
  const app = createApp({
    store: options.store,
    logger: options.logger,
    version: options.version,
    runtimeOptions: { clock, handlers, outboxSink: pack.outboxSink },
  });
  pack.attach(app);
  return { app, pack, clock };
}

export interface DemoSeedOptions {
  cases: number;
  seed: string;
  /** The demo's "now": the data set is the same for the same seed, cases and asOf. */
  asOf: string;
  /**
   * After the replay, run what is due by this time (timers, reminders), so that a server started
   * right after has nothing overdue to catch up on. Defaults to asOf.
   */
  until?: Date;
  onProgress?: (phase: 'generate' | 'records' | 'flows', done: number, total: number) => void;
}

export interface DemoSeedReport {
  seed: string;
  asOf: string;
  cases: number;
  /** Cases whose case number was already there: not written again. */
  skipped: number;
  records: number;
  instances: number;
  /** Instances that did not end up where the demo says they wait (element ids). */
  mismatches: string[];
}

const ACTOR_ID = 'system:demo';
/** Events this close after the last settle run in one batch: service times shift by at most this. */
const BATCH_WINDOW_MS = 15 * 60_000;

type CaseBundle = { caseNumber: string; team: string | null; records: DemoRecord[] };

/** The records of each case (debtor first, then the case, then what hangs off it), in case order. */
function bundles(data: DemoDataSet): CaseBundle[] {
  const byCase = new Map<string, DemoRecord[]>();
  const of = (caseNumber: string) => {
    const list = byCase.get(caseNumber) ?? [];
    byCase.set(caseNumber, list);
    return list;
  };
  const debtors = new Map(data.debtors.map((d) => [String(d.data.debtorNo), d]));
  for (const record of data.cases) {
    const debtor = debtors.get(String(record.data.debtorNo));
    if (debtor) of(record.id).push(debtor);
    of(record.id).push(record);
  }
  for (const list of [
    data.contactAttempts,
    data.promises,
    data.payments,
    data.paymentPlans,
    data.disputes,
    data.legalActions,
  ]) {
    for (const record of list) of(String(record.data.caseNumber)).push(record);
  }
  return data.cases.map((c) => ({
    caseNumber: c.id,
    team: typeof c.data.team === 'string' ? c.data.team : null,
    records: byCase.get(c.id) ?? [],
  }));
}

/**
 * Writes generateDemoData's records through the form registry (validated like any submission,
 * owned by the case's team) and replays its instances through the runtime: starts, messages and
 * task completions at their own times, with the pack's real handlers running the service tasks
 * and the relay carrying messages between the flows of a case. Deterministic for the same seed,
 * cases and asOf; cases already there (by case number) are skipped, so seeding twice adds nothing.
 */
export async function seedDemo(target: SeedApp, options: DemoSeedOptions): Promise<DemoSeedReport> {
  const { app, pack, clock } = target;
  const progress = options.onProgress ?? (() => undefined);
  const data = generateDemoData({
    cases: options.cases,
    seed: options.seed,
    asOf: options.asOf,
    onProgress: (done, total) => progress('generate', done, total),
  });
  const actor = packActor(ACTOR_ID);
  const create = async (record: DemoRecord, team: string | null) =>
    app.registry.createRecord(record.form, { data: record.data, ownerTeamId: team }, actor, 'en');

  let records = 0;
  for (const collector of data.collectors) {
    if (await pack.facts.findOne('collector', '/userId', collector.id)) continue;
    await create(collector, typeof collector.data.team === 'string' ? collector.data.team : null);
    records++;
  }

  const cases = bundles(data);
  const fresh = new Set<string>();
  for (const [index, bundle] of cases.entries()) {
    if (!(await pack.facts.caseRecord(bundle.caseNumber))) {
      fresh.add(bundle.caseNumber);
      for (const record of bundle.records) {
        if (record.form === 'debtor' && (await pack.facts.findOne('debtor', '/debtorNo', record.id)))
          continue;
        await create(record, bundle.team);
        records++;
      }
    }
    progress('records', index + 1, cases.length);
  }

  const instances = data.instances.filter((i) => fresh.has(i.businessKey));
  const total = instances.reduce((sum, i) => sum + i.events.length, 0);
  let done = 0;
  // Instances with events applied but not yet run to their next wait state. Settling is the
  // expensive part, so events of different cases close in time share one settle.
  const dirty = new Set<DemoInstance>();
  const settle = async () => {
    await pack.settle();
    dirty.clear();
  };
  for (const { instance, event } of inTimeOrder(instances)) {
    const far = Date.parse(event.at) - clock.now().getTime() > BATCH_WINDOW_MS;
    const waitsForItself = dirty.has(instance) && event.type !== 'serviceCompleted';
    if (dirty.size > 0 && (waitsForItself || far || event.type === 'timerDue')) await settle();
    clock.advance(event.at);
    await apply(target, instance, event);
    // A service outcome is produced by the real handler when the instance settles.
    if (event.type === 'timerDue') await settle();
    else if (event.type !== 'serviceCompleted') dirty.add(instance);
    progress('flows', ++done, total);
  }
  await settle();
  const mismatches = await misplaced(app, instances);
  clock.advance(options.until ?? options.asOf);
  await pack.settle();

  return {
    seed: data.seed,
    asOf: data.asOf,
    cases: fresh.size,
    skipped: cases.length - fresh.size,
    records,
    instances: instances.length,
    mismatches,
  };
}

/** Instances that are not where the demo says they wait, before any catching up with `until`. */
async function misplaced(app: CollectflowApp, instances: DemoInstance[]): Promise<string[]> {
  const mismatches: string[] = [];
  for (const instance of instances) {
    const [found] = await app.runtime.instances.list({
      processKey: instance.processKey,
      businessKey: instance.businessKey,
      limit: 1,
    });
    const active = new Set(found?.activeElementIds ?? []);
    const missing = instance.waitingAt.filter((id) => !active.has(id));
    if (missing.length > 0)
      mismatches.push(`${instance.businessKey} ${instance.processKey}: ${missing.join(', ')}`);
  }
  return mismatches;
}

/** The events of all instances merged by time; each instance's own order is kept. */
function* inTimeOrder(instances: DemoInstance[]): Generator<{ instance: DemoInstance; event: DemoEvent }> {
  const next = instances.map(() => 0);
  for (;;) {
    let pick = -1;
    for (const [i, instance] of instances.entries()) {
      const event = instance.events[next[i]!];
      if (!event) continue;
      const best = pick < 0 ? undefined : instances[pick]!.events[next[pick]!]!;
      if (!best || Date.parse(event.at) < Date.parse(best.at)) pick = i;
    }
    if (pick < 0) return;
    const instance = instances[pick]!;
    yield { instance, event: instance.events[next[pick]!]! };
    next[pick]!++;
  }
}

async function apply({ app }: SeedApp, instance: DemoInstance, event: DemoEvent): Promise<void> {
  const runtime = app.runtime;
  switch (event.type) {
    case 'start':
      await runtime.instances.start(
        { processKey: instance.processKey, businessKey: event.businessKey, variables: event.variables },
        ACTOR_ID,
      );
      return;
    case 'message':
      await runtime.messages.correlate(
        { name: event.name, businessKey: instance.businessKey, payload: event.payload, all: true },
        ACTOR_ID,
      );
      return;
    case 'completeTask': {
      const open = await runtime.tasks.list({
        processKey: instance.processKey,
        businessKey: instance.businessKey,
        status: 'open',
        limit: 50,
      });
      const task = open.find((t) => t.elementId === event.elementId);
      // Not there: the flow went elsewhere; the report's mismatches say so.
      if (!task) return;
      try {
        await runtime.tasks.complete(task.id, packRuntimeActor(ACTOR_ID), event.data, 'en');
      } catch (error) {
        // The compliance guards refused a generated contact (a debtor the story made off-limits
        // meanwhile): the task stays open, as it would for a real liaison.
        if (isDomainError(error) && error.code.startsWith('collection.')) return;
        throw error;
      }
      return;
    }
    case 'serviceCompleted':
    case 'timerDue':
      // The clock has moved to the event's time; the settle that follows fires what is due.
      return;
  }
}
