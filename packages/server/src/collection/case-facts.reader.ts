import type { CollectorLoad, PastAttempt } from '@collectflow/collection';
import { isDomainError } from '@collectflow/schema';
import type { FormRegistryService } from '../registry/registry.service.js';
import type { RecordView } from '../registry/registry.views.js';
import { packActor } from './pack.actor.js';

export type RecordData = Record<string, unknown>;

const OPEN_CASE_STATUSES = new Set(['OPEN', 'PTP', 'PLAN', 'DISPUTED', 'LEGAL']);
const PAGE = 200;
/** Collector loads are a routing hint; rebuilding them from every case on each assignment would not scale. */
const LOADS_TTL_MS = 10 * 60_000;

/**
 * What the pack's handlers know about a case beyond the process variables: the debtor record (do-not-
 * contact facts, contact points, inconvenient times), the contact history (frequency caps) and the
 * collectors with their open cases (assignment). All read through the form registry, as records.
 */
export class CaseFactsReader {
  readonly #actor = packActor();
  #loads: { at: number; loads: CollectorLoad[] } | undefined;

  constructor(
    private readonly registry: () => FormRegistryService,
    private readonly now: () => Date,
  ) {}

  /** The newest record of `formKey` whose `pointer` equals `value`; none when the form is not there yet. */
  async findOne(formKey: string, pointer: string, value: string): Promise<RecordView | undefined> {
    const page = await this.#list(formKey, [`${pointer}:eq:${value}`], '1');
    return page.items[0];
  }

  async debtor(debtorNo: string | undefined): Promise<RecordData | undefined> {
    if (!debtorNo) return undefined;
    return (await this.findOne('debtor', '/debtorNo', debtorNo))?.data as RecordData | undefined;
  }

  async caseRecord(caseNumber: string): Promise<RecordView | undefined> {
    return this.findOne('debt-case', '/caseNumber', caseNumber);
  }

  /** Contact attempts with the debtor in the last `days` days (the longest window a cap looks at). */
  async contactHistory(debtorNo: string, days = 8): Promise<PastAttempt[]> {
    const since = new Date(this.now().getTime() - days * 86_400_000).toISOString();
    const attempts: PastAttempt[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#list(
        'contact-attempt',
        [`/debtorNo:eq:${debtorNo}`, `/occurredAt:gte:${since}`],
        String(PAGE),
        cursor,
      );
      for (const item of page.items) {
        const data = item.data as RecordData;
        attempts.push({
          at: String(data.occurredAt),
          caseId: String(data.caseNumber),
          debtorId: String(data.debtorNo),
          channel: data.channel as PastAttempt['channel'],
          direction: data.direction as PastAttempt['direction'],
          outcomeCode: data.outcomeCode as PastAttempt['outcomeCode'],
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return attempts;
  }

  /**
   * Active collectors (collector records) with their open cases, counted from the case records
   * once and then kept up to date by `countAssignment` for a while.
   */
  async collectorLoads(): Promise<CollectorLoad[]> {
    const now = this.now().getTime();
    if (this.#loads && now - this.#loads.at < LOADS_TTL_MS && now >= this.#loads.at) return this.#loads.loads;
    const open = new Map<string, number>();
    for await (const item of this.#all('debt-case')) {
      const data = item.data as RecordData;
      const collector = data.assignedCollectorId;
      if (typeof collector === 'string' && OPEN_CASE_STATUSES.has(String(data.status))) {
        open.set(collector, (open.get(collector) ?? 0) + 1);
      }
    }
    const loads: CollectorLoad[] = [];
    for await (const item of this.#all('collector')) {
      const data = item.data as RecordData;
      // Only those who own cases are routed to; the other roles work from the task queues.
      if (data.role !== 'liaison' && data.role !== 'legal') continue;
      loads.push({
        collectorId: String(data.userId),
        team: String(data.team),
        skills: Array.isArray(data.skills) ? (data.skills as string[]) : [],
        active: data.active !== false,
        openCases: open.get(String(data.userId)) ?? 0,
        capacity: typeof data.capacity === 'number' ? data.capacity : 300,
      });
    }
    this.#loads = { at: now, loads };
    return loads;
  }

  /** A case was routed to `collectorId` (and away from `previous`): the next assignment sees it. */
  countAssignment(collectorId: string | undefined, previous: string | undefined): void {
    if (!this.#loads || collectorId === previous) return;
    for (const load of this.#loads.loads) {
      if (load.collectorId === collectorId) load.openCases++;
      if (load.collectorId === previous && load.openCases > 0) load.openCases--;
    }
  }

  async *#all(formKey: string): AsyncGenerator<RecordView> {
    let cursor: string | undefined;
    do {
      const page = await this.#list(formKey, [], String(PAGE), cursor);
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  async #list(formKey: string, filter: string[], limit: string, cursor?: string) {
    try {
      return await this.registry().listRecords(
        formKey,
        { filter, limit, ...(cursor ? { cursor } : {}) },
        this.#actor,
      );
    } catch (error) {
      // A fresh installation whose forms are not loaded yet: nothing is known, nothing is wrong.
      if (isDomainError(error) && error.code === 'forms.not_found') return { items: [], nextCursor: null };
      throw error;
    }
  }
}
