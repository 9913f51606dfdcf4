import type { Clock } from '@collectflow/engine';
import type { CollabUser, DueTask, Store, StoreTx } from '@collectflow/store';
import type { Notifier } from './notifier.js';

export interface SlaOptions {
  /** How long before the due date the responsible people are reminded. */
  reminderLeadMs: number;
  /** Roles that overdue tasks escalate to (within the team of the person responsible). */
  managerRoles: readonly string[];
  /** An unassigned task's groups are reminded only while they have at most this many members. */
  groupReminderLimit: number;
  /** Tasks handled per run and step. */
  batch: number;
}

export const DEFAULT_SLA_OPTIONS: SlaOptions = {
  reminderLeadMs: 4 * 3_600_000,
  managerRoles: ['manager'],
  groupReminderLimit: 25,
  batch: 200,
};

export interface SlaSweepResult {
  reminded: number;
  escalated: number;
}

const REMINDED = 'reminded';
/** Batches per run at most, so one run cannot go on for ever. */
const MAX_ROUNDS = 50;
const ESCALATED = 'escalated';

/**
 * Task SLAs: a reminder to whoever must do a task before it is due, and when it is overdue a
 * notice to them and an escalation to their manager. Each step happens once per task and due
 * date (a moved due date starts over), recorded in task_sla_marks in the same transaction as
 * the notifications, so two nodes sweeping at once notify once.
 */
export class SlaSweep {
  constructor(
    private readonly deps: { store: Store; clock: Clock; notifier: Notifier; options: SlaOptions },
  ) {}

  /** Handles everything due now, batch by batch (each task in its own transaction). */
  async run(): Promise<SlaSweepResult> {
    const { store, clock, options } = this.deps;
    const now = clock.now();
    const until = new Date(now.getTime() + options.reminderLeadMs);
    let reminded = 0;
    let escalated = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { dueSoon, overdue } = await store.transaction(
        async (tx) => ({
          dueSoon: await tx.collaboration.tasksDueBetween(now, until, REMINDED, options.batch),
          overdue: await tx.collaboration.tasksOverdue(now, ESCALATED, options.batch),
        }),
        { readOnly: true },
      );
      for (const task of dueSoon) {
        if (await store.transaction((tx) => this.remind(tx, task, now))) reminded += 1;
      }
      for (const task of overdue) {
        if (await store.transaction((tx) => this.escalate(tx, task, now))) escalated += 1;
      }
      // Every task read is marked now (here or by another node): the next round reads new ones.
      if (dueSoon.length < options.batch && overdue.length < options.batch) break;
    }
    return { reminded, escalated };
  }

  private async remind(tx: StoreTx, task: DueTask, now: Date): Promise<boolean> {
    if (!(await tx.collaboration.markSla(task.id, REMINDED, task.dueAt, now))) return false;
    const people = await this.responsible(tx, task);
    const name = taskName(task);
    await this.deps.notifier.emit(tx, {
      kind: 'task.due_soon',
      key: `sla:due_soon:${task.id}:${task.dueAt.toISOString()}`,
      recipients: people.map((u) => u.id),
      actorId: null,
      subject: { type: 'task', id: task.id },
      title: { 'zh-CN': `任务“${name}”即将到期`, en: `Task "${name}" is due soon` },
      link: `/tasks/${task.id}`,
      teamId: people[0]?.teamId ?? null,
      data: taskData(task),
      at: now,
    });
    return true;
  }

  private async escalate(tx: StoreTx, task: DueTask, now: Date): Promise<boolean> {
    if (!(await tx.collaboration.markSla(task.id, ESCALATED, task.dueAt, now))) return false;
    const people = await this.responsible(tx, task);
    const name = taskName(task);
    const data = taskData(task);
    const teamId = people[0]?.teamId ?? null;
    await this.deps.notifier.emit(tx, {
      kind: 'task.overdue',
      key: `sla:overdue:${task.id}:${task.dueAt.toISOString()}`,
      recipients: people.map((u) => u.id),
      actorId: null,
      subject: { type: 'task', id: task.id },
      title: { 'zh-CN': `任务“${name}”已逾期`, en: `Task "${name}" is overdue` },
      link: `/tasks/${task.id}`,
      teamId,
      data,
      at: now,
    });
    const managers = await this.managers(tx, task, people);
    const who = people.length === 1 ? people[0]!.displayName : null;
    // A manager may not be a candidate of the task; the case page is theirs to see.
    const caseRecord = task.businessKey
      ? await tx.collaboration.caseRecord('debt-case', task.businessKey)
      : undefined;
    await this.deps.notifier.emit(tx, {
      kind: 'task.escalated',
      key: `sla:escalated:${task.id}:${task.dueAt.toISOString()}`,
      recipients: managers.map((u) => u.id),
      actorId: null,
      subject: { type: 'task', id: task.id },
      title: who
        ? { 'zh-CN': `${who} 的任务“${name}”已逾期`, en: `${who}'s task "${name}" is overdue` }
        : {
            'zh-CN': `任务“${name}”已逾期且无人处理`,
            en: `Task "${name}" is overdue and nobody has taken it`,
          },
      link: caseRecord ? `/cases/${caseRecord.id}` : `/tasks/${task.id}`,
      teamId,
      data: {
        ...data,
        responsible: people.map((u) => u.id),
        ...(caseRecord ? { caseRecordId: caseRecord.id } : {}),
      },
      at: now,
    });
    return true;
  }

  /** The assignee or the claimer; for an untaken task, its groups' members (while few enough). */
  private async responsible(tx: StoreTx, task: DueTask): Promise<CollabUser[]> {
    const owner = task.assignee ?? task.claimedBy;
    if (owner) return tx.collaboration.activeUsers({ ids: [owner], usernames: [owner] });
    if (task.candidateGroups.length === 0) return [];
    const byRole = await tx.collaboration.activeUsers({ roles: task.candidateGroups });
    const byTeam = await tx.collaboration.activeUsers({ teamIds: task.candidateGroups });
    const members = new Map([...byRole, ...byTeam].map((u) => [u.id, u]));
    return members.size <= this.deps.options.groupReminderLimit ? [...members.values()] : [];
  }

  /** Managers of the responsible people's teams, else of the task's team groups, else every manager. */
  private async managers(tx: StoreTx, task: DueTask, people: readonly CollabUser[]): Promise<CollabUser[]> {
    const roles = this.deps.options.managerRoles;
    const teams = [...new Set(people.flatMap((u) => (u.teamId ? [u.teamId] : [])))];
    const groupTeams = teams.length > 0 ? [] : task.candidateGroups;
    for (const teamIds of [teams, groupTeams]) {
      if (teamIds.length === 0) continue;
      const found = await tx.collaboration.activeUsers({ roles, teamIds });
      if (found.length > 0) return found;
    }
    return tx.collaboration.activeUsers({ roles });
  }
}

function taskName(task: DueTask): string {
  const name = task.name ?? task.formKey;
  return task.businessKey ? `${name} · ${task.businessKey}` : name;
}

function taskData(task: DueTask): Record<string, unknown> {
  return {
    taskId: task.id,
    dueAt: task.dueAt.toISOString(),
    processKey: task.processKey,
    businessKey: task.businessKey,
    instanceId: task.instanceId,
  };
}
