import type { Clock } from '@collectflow/engine';
import type { Store, StoreTx } from '@collectflow/store';
import type { Notifier } from './notifier.js';

export interface EventSweepOptions {
  /** Re-read this far behind the watermark: a transaction that started earlier may commit later. */
  marginMs: number;
  /** On the first run on an installation, how far back to look; 0: start from now. */
  initialLookbackMs: number;
  /** Rows read per page, and pages per source and run. */
  pageSize: number;
  maxPages: number;
  /** Roles told about process incidents. */
  incidentRoles: readonly string[];
}

export const DEFAULT_EVENT_SWEEP_OPTIONS: EventSweepOptions = {
  marginMs: 5 * 60_000,
  initialLookbackMs: 0,
  pageSize: 200,
  maxPages: 10,
  incidentRoles: ['process-admin', 'admin'],
};

/** Events announced (not people notified) per source. */
export interface EventSweepResult {
  assignments: number;
  brokenPromises: number;
  incidents: number;
}

interface Row {
  at: Date;
  id: string;
}

/**
 * Turns what other parts of the system wrote into notifications, without hooks in their code:
 * tasks created for someone and records (re)assigned, promises to pay marked BROKEN, process
 * incidents. Each source is read from its watermark (minus a margin) in (time, id) order; an
 * event is handled once (collab_events_seen), so re-reading the margin costs nothing.
 */
export class EventSweep {
  constructor(
    private readonly deps: { store: Store; clock: Clock; notifier: Notifier; options: EventSweepOptions },
  ) {}

  async run(): Promise<EventSweepResult> {
    return {
      assignments:
        (await this.source('assignments.tasks', (tx, from, after) => this.taskAssignments(tx, from, after))) +
        (await this.source('assignments.records', (tx, from, after) =>
          this.recordAssignments(tx, from, after),
        )),
      brokenPromises: await this.source('promises.broken', (tx, from, after) =>
        this.brokenPromises(tx, from, after),
      ),
      incidents: await this.source('incidents', (tx, from, after) => this.incidents(tx, from, after)),
    };
  }

  /**
   * Reads one source page by page, each page in its own transaction (PGlite has one connection:
   * a long sweep must not hold up requests), from the last row it handled minus the margin, but
   * never from before the sweep's first run on this installation. The watermark only moves when
   * a newer row was read, so a quiet system (or a restart) writes nothing. Two nodes may read the
   * same rows; collab_events_seen lets one of them announce each event.
   */
  private async source(
    name: string,
    page: (tx: StoreTx, from: Date, after: Row | undefined) => Promise<{ rows: Row[]; notified: number }>,
  ): Promise<number> {
    const { store, clock, options } = this.deps;
    const { mark, epoch } = await store.transaction(
      async (tx) => ({
        mark: await tx.collaboration.watermark(name),
        epoch: await tx.collaboration.watermark(`${name}.epoch`),
      }),
      { readOnly: true },
    );
    if (!mark || !epoch) {
      // The first run on an installation: what happened before it (minus the lookback) is not news.
      const start = new Date(clock.now().getTime() - options.initialLookbackMs);
      await store.transaction(async (tx) => {
        await tx.collaboration.setWatermark(`${name}.epoch`, start);
        await tx.collaboration.setWatermark(name, start);
      });
      if (options.initialLookbackMs <= 0) return 0;
      return this.read(name, start, start, page);
    }
    return this.read(
      name,
      new Date(Math.max(mark.getTime() - options.marginMs, epoch.getTime())),
      mark,
      page,
    );
  }

  private async read(
    name: string,
    from: Date,
    mark: Date,
    page: (tx: StoreTx, from: Date, after: Row | undefined) => Promise<{ rows: Row[]; notified: number }>,
  ): Promise<number> {
    const { store, options } = this.deps;
    let after: Row | undefined;
    let notified = 0;
    for (let i = 0; i < options.maxPages; i++) {
      const result = await store.transaction((tx) => page(tx, from, after));
      notified += result.notified;
      after = result.rows.at(-1) ?? after;
      if (result.rows.length < options.pageSize) break;
    }
    if (after && after.at.getTime() > mark.getTime()) {
      const last = after.at;
      await store.transaction((tx) => tx.collaboration.setWatermark(name, last));
    }
    return notified;
  }

  private async taskAssignments(tx: StoreTx, from: Date, after: Row | undefined) {
    const tasks = await tx.collaboration.assignedTasksSince(from, this.deps.options.pageSize, after);
    let notified = 0;
    for (const task of tasks) {
      const key = `assignment:task:${task.id}:${task.assignee}`;
      if (!(await tx.collaboration.markSeen(key, this.deps.clock.now()))) continue;
      const users = await tx.collaboration.activeUsers({ ids: [task.assignee], usernames: [task.assignee] });
      if (users.length === 0) continue;
      const name = task.name ?? task.processKey;
      const label = task.businessKey ? `${name} · ${task.businessKey}` : name;
      await this.deps.notifier.emit(tx, {
        kind: 'assignment',
        key,
        recipients: users.map((u) => u.id),
        actorId: null,
        subject: { type: 'task', id: task.id },
        title: { 'zh-CN': `任务“${label}”已分配给你`, en: `Task "${label}" was assigned to you` },
        link: `/tasks/${task.id}`,
        teamId: users[0]?.teamId ?? null,
        data: { taskId: task.id, processKey: task.processKey, businessKey: task.businessKey },
        at: this.deps.clock.now(),
      });
      notified += 1;
    }
    return { rows: tasks.map((t) => ({ at: t.createdAt, id: t.id })), notified };
  }

  private async recordAssignments(tx: StoreTx, from: Date, after: Row | undefined) {
    const records = await tx.collaboration.recordsChangedSince(from, this.deps.options.pageSize, {
      assignedOnly: true,
      ...(after ? { after } : {}),
    });
    let notified = 0;
    for (const record of records) {
      const assignee = record.assigneeId!;
      const key = `assignment:record:${record.id}:${assignee}`;
      if (!(await tx.collaboration.markSeen(key, this.deps.clock.now()))) continue;
      // Taking a record oneself is not news to anyone.
      if (record.updatedBy === assignee) continue;
      const users = await tx.collaboration.activeUsers({ ids: [assignee], usernames: [assignee] });
      if (users.length === 0) continue;
      const label = record.caseNumber ?? record.formKey;
      await this.deps.notifier.emit(tx, {
        kind: 'assignment',
        key,
        recipients: users.map((u) => u.id),
        actorId: record.updatedBy,
        subject: { type: 'record', id: record.id },
        title:
          record.formKey === 'debt-case'
            ? { 'zh-CN': `案件 ${label} 已分配给你`, en: `Case ${label} was assigned to you` }
            : { 'zh-CN': `记录“${label}”已分配给你`, en: `Record "${label}" was assigned to you` },
        link: record.formKey === 'debt-case' ? `/cases/${record.id}` : `/records/${record.id}`,
        teamId: record.ownerTeamId,
        data: { recordId: record.id, formKey: record.formKey, caseKey: record.caseNumber },
        at: this.deps.clock.now(),
      });
      notified += 1;
    }
    return { rows: records.map((r) => ({ at: r.updatedAt, id: r.id })), notified };
  }

  private async brokenPromises(tx: StoreTx, from: Date, after: Row | undefined) {
    const promises = await tx.collaboration.recordsChangedSince(from, this.deps.options.pageSize, {
      formKey: 'promise-to-pay',
      contains: { status: 'BROKEN' },
      ...(after ? { after } : {}),
    });
    let notified = 0;
    for (const promise of promises) {
      const key = `promise.broken:${promise.id}`;
      if (!(await tx.collaboration.markSeen(key, this.deps.clock.now()))) continue;
      const caseRecord = promise.caseNumber
        ? await tx.collaboration.caseRecord('debt-case', promise.caseNumber)
        : undefined;
      const caseData = caseRecord
        ? ((await tx.records.get(caseRecord.id))?.data as Record<string, unknown>)
        : undefined;
      const who = [
        promise.data.collectorId,
        promise.assigneeId,
        caseRecord?.assigneeId,
        caseData?.assignedCollectorId,
      ].filter((v): v is string => typeof v === 'string' && v !== '');
      const users = who.length > 0 ? await tx.collaboration.activeUsers({ ids: who, usernames: who }) : [];
      const label = promise.caseNumber ?? promise.id;
      await this.deps.notifier.emit(tx, {
        kind: 'promise.broken',
        key,
        recipients: users.map((u) => u.id),
        actorId: null,
        subject: { type: 'record', id: promise.id },
        title: { 'zh-CN': `案件 ${label} 的还款承诺已违约`, en: `Promise to pay broken on case ${label}` },
        link: caseRecord ? `/cases/${caseRecord.id}` : `/records/${promise.id}`,
        teamId: promise.ownerTeamId ?? caseRecord?.ownerTeamId ?? null,
        data: {
          recordId: promise.id,
          caseKey: promise.caseNumber,
          amount: promise.data.amount ?? null,
          currency: promise.data.currency ?? null,
          dueDate: promise.data.dueDate ?? null,
          ...(caseRecord ? { caseRecordId: caseRecord.id } : {}),
        },
        at: this.deps.clock.now(),
      });
      notified += 1;
    }
    return { rows: promises.map((r) => ({ at: r.updatedAt, id: r.id })), notified };
  }

  private async incidents(tx: StoreTx, from: Date, after: Row | undefined) {
    const incidents = await tx.collaboration.incidentsSince(from, this.deps.options.pageSize, after);
    let notified = 0;
    const admins =
      incidents.length > 0
        ? await tx.collaboration.activeUsers({ roles: this.deps.options.incidentRoles })
        : [];
    for (const incident of incidents) {
      const key = `incident:${incident.id}`;
      if (!(await tx.collaboration.markSeen(key, this.deps.clock.now()))) continue;
      const where = incident.processKey ?? incident.instanceId;
      await this.deps.notifier.emit(tx, {
        kind: 'incident',
        key,
        recipients: admins.map((u) => u.id),
        actorId: null,
        subject: { type: 'incident', id: incident.id },
        title: { 'zh-CN': `流程异常：${where}`, en: `Process incident in ${where}` },
        excerpt: incident.message,
        link: null,
        data: {
          incidentId: incident.id,
          instanceId: incident.instanceId,
          processKey: incident.processKey,
          businessKey: incident.businessKey,
          kind: incident.kind,
        },
        at: this.deps.clock.now(),
      });
      notified += 1;
    }
    return { rows: incidents.map((r) => ({ at: r.createdAt, id: r.id })), notified };
  }
}
