import type { Clock } from '@collectflow/engine';
import type { Locale } from '@collectflow/schema';
import type { InboxQuery, InstanceSummary, Store, TaskRecord } from '@collectflow/store';
import { RuntimeError } from './runtime.errors.js';
import type { RuntimeActor, TaskFormValidator, TaskGuard } from './runtime.ports.js';
import { anyWork, type SchedulerWork, type StepExecutor } from './step.executor.js';

export interface TaskCompletion {
  task: TaskRecord;
  instance: InstanceSummary;
  /** Tasks the completion opened in the same instance (host ids). */
  nextTaskIds: string[];
}

/** Who may see and work a task: its assignee or claimer, its candidate groups, or a process admin. */
export function mayWork(task: TaskRecord, actor: RuntimeActor): boolean {
  if (actor.admin) return true;
  if (task.assignee === actor.userId || task.claimedBy === actor.userId) return true;
  // An assigned task belongs to its assignee; candidate groups only offer unassigned ones.
  if (task.assignee !== null) return false;
  return task.candidateGroups.some((group) => actor.groups.includes(group));
}

/** Claim, unclaim and complete user tasks. Completion is exactly-once under the instance lock. */
export class TaskService {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      executor: StepExecutor;
      validator: TaskFormValidator;
      onWork: (work?: SchedulerWork) => void;
      guards?: readonly TaskGuard[];
    },
  ) {}

  async #guard(input: Parameters<TaskGuard>[0]): Promise<void> {
    for (const guard of this.deps.guards ?? []) await guard(input);
  }

  async list(query: InboxQuery): Promise<TaskRecord[]> {
    return this.deps.store.transaction((tx) => tx.tasks.list(query), { readOnly: true });
  }

  async get(taskId: string, actor: RuntimeActor): Promise<TaskRecord> {
    const task = await this.deps.store.transaction((tx) => tx.tasks.get(taskId), { readOnly: true });
    if (!task) throw notFound(taskId);
    if (!mayWork(task, actor)) throw notCandidate(task);
    return task;
  }

  async claim(taskId: string, actor: RuntimeActor): Promise<TaskRecord> {
    if (this.deps.guards?.length) {
      // Guards read through the store themselves, so they run before the claim's transaction.
      const peek = await this.deps.store.transaction((tx) => tx.tasks.get(taskId), { readOnly: true });
      if (peek && mayWork(peek, actor) && peek.status === 'open')
        await this.#guard({ action: 'claim', task: peek, actor });
    }
    return this.deps.store.transaction(async (tx) => {
      const task = await tx.tasks.get(taskId);
      if (!task) throw notFound(taskId);
      if (!mayWork(task, actor)) throw notCandidate(task);
      if (task.status !== 'open') throw notOpen(task);
      const now = this.deps.clock.now();
      if (!(await tx.tasks.claim(taskId, actor.userId, now))) {
        const current = await tx.tasks.get(taskId);
        if (current?.status !== 'open') throw notOpen(current ?? task);
        throw claimedByOther(current);
      }
      const instance = await tx.instances.get(task.instanceId);
      await tx.history.append([
        {
          instanceId: task.instanceId,
          step: instance?.version ?? 0,
          at: now,
          event: 'task.claim',
          elementId: task.elementId,
          elementType: 'bpmn:UserTask',
          name: task.name,
          executionId: task.engineTaskId,
          actor: actor.userId,
          data: { taskId },
        },
      ]);
      await tx.audit.append({
        actor: actor.userId,
        action: 'task.claim',
        subjectType: 'task',
        subjectId: taskId,
        detail: auditDetail(task),
      });
      return (await tx.tasks.get(taskId))!;
    });
  }

  async unclaim(taskId: string, actor: RuntimeActor): Promise<TaskRecord> {
    return this.deps.store.transaction(async (tx) => {
      const task = await tx.tasks.getForUpdate(taskId);
      if (!task) throw notFound(taskId);
      if (task.status !== 'open') throw notOpen(task);
      if (task.claimedBy !== actor.userId && !actor.admin) {
        throw new RuntimeError(
          'task.not_claimed_by_you',
          'forbidden',
          task.claimedBy
            ? 'only the user who claimed the task (or a process admin) can release it'
            : 'the task is not claimed',
        );
      }
      await tx.tasks.unclaim(taskId);
      const instance = await tx.instances.get(task.instanceId);
      await tx.history.append([
        {
          instanceId: task.instanceId,
          step: instance?.version ?? 0,
          at: this.deps.clock.now(),
          event: 'task.unclaim',
          elementId: task.elementId,
          elementType: 'bpmn:UserTask',
          name: task.name,
          executionId: task.engineTaskId,
          actor: actor.userId,
          data: { taskId, claimedBy: task.claimedBy },
        },
      ]);
      await tx.audit.append({
        actor: actor.userId,
        action: 'task.unclaim',
        subjectType: 'task',
        subjectId: taskId,
        detail: { ...auditDetail(task), claimedBy: task.claimedBy },
      });
      return (await tx.tasks.get(taskId))!;
    });
  }

  /**
   * Validates the data against the task's form (before any transaction: the registry has its
   * own), then, holding the instance lock, completes the task and steps the instance. Of N
   * concurrent completions the first to get the lock wins; the others find the task closed.
   */
  async complete(
    taskId: string,
    actor: RuntimeActor,
    data: Record<string, unknown>,
    locale: Locale,
  ): Promise<TaskCompletion> {
    const task = await this.deps.store.transaction((tx) => tx.tasks.get(taskId), { readOnly: true });
    if (!task) throw notFound(taskId);
    if (!mayWork(task, actor)) throw notCandidate(task);
    if (task.status !== 'open') throw notOpen(task);
    if (task.claimedBy && task.claimedBy !== actor.userId && !actor.admin) throw claimedByOther(task);

    const validation = await this.deps.validator.validate(task.formKey, task.formVersion, data, locale);
    if (!validation.valid) {
      throw new RuntimeError(
        'task.invalid_data',
        'invalid',
        `the data does not match form ${task.formKey}${validation.version ? `@${validation.version}` : ''}`,
        { errors: validation.errors, hint: 'fix the fields listed in errors; the task stays open' },
      );
    }
    const stored = validation.data ?? data;
    await this.#guard({ action: 'complete', task, actor, data: stored });

    const completion = await this.deps.store.transaction(async (tx) => {
      const instance = await tx.instances.lock(task.instanceId);
      if (!instance) throw notFound(taskId);
      const now = this.deps.clock.now();
      // One statement decides, under the instance lock: still open, and not someone else's claim.
      const current = await tx.tasks.completeOpen(taskId, {
        by: actor.userId,
        at: now,
        data: stored,
        formVersion: validation.version,
        claimableBy: actor.admin ? null : actor.userId,
      });
      if (!current) {
        const latest = await tx.tasks.get(taskId);
        if (latest?.status === 'open') throw claimedByOther(latest);
        throw notOpen(latest ?? task);
      }
      const applied = await this.deps.executor.apply(
        tx,
        instance,
        { type: 'completeTask', taskId: current.engineTaskId, data: stored },
        [
          {
            event: 'task.complete',
            elementId: current.elementId,
            elementType: 'bpmn:UserTask',
            name: current.name,
            data: { taskId, formKey: current.formKey, formVersion: validation.version, data: stored },
          },
        ],
        actor.userId,
      );
      // The values live in the task row and the history; the audit names the fields only.
      await tx.audit.append({
        actor: actor.userId,
        action: 'task.complete',
        subjectType: 'task',
        subjectId: taskId,
        detail: { ...auditDetail(current), formVersion: validation.version, fields: Object.keys(stored) },
      });
      return {
        completion: {
          task: current,
          instance: summaryOf(applied.instance),
          nextTaskIds: applied.createdTaskIds,
        },
        work: applied.schedulerWork,
      };
    });
    if (anyWork(completion.work)) this.deps.onWork(completion.work);
    return completion.completion;
  }
}

function auditDetail(task: TaskRecord): Record<string, unknown> {
  return {
    instanceId: task.instanceId,
    processKey: task.processKey,
    businessKey: task.businessKey,
    elementId: task.elementId,
    formKey: task.formKey,
  };
}

export function summaryOf(instance: InstanceSummary): InstanceSummary {
  return {
    id: instance.id,
    deploymentId: instance.deploymentId,
    processKey: instance.processKey,
    businessKey: instance.businessKey,
    status: instance.status,
    activeElementIds: instance.activeElementIds,
    failure: instance.failure,
    version: instance.version,
    startedBy: instance.startedBy,
    createdAt: instance.createdAt,
    updatedAt: instance.updatedAt,
    endedAt: instance.endedAt,
  };
}

function notFound(taskId: string): RuntimeError {
  return new RuntimeError('task.not_found', 'not_found', `no task ${taskId}`);
}

function notCandidate(task: TaskRecord): RuntimeError {
  return new RuntimeError(
    'task.not_candidate',
    'forbidden',
    task.assignee
      ? 'the task is assigned to someone else'
      : `the task is offered to ${task.candidateGroups.length ? task.candidateGroups.join(', ') : 'no group'}, and you are in none of them`,
    { hint: 'ask a process admin to assign it to you or add you to one of its groups' },
  );
}

function notOpen(task: TaskRecord): RuntimeError {
  return new RuntimeError(
    'task.not_open',
    'conflict',
    `the task is ${task.status} and no longer waits for input`,
    { hint: 'reload the task list' },
  );
}

function claimedByOther(task: TaskRecord): RuntimeError {
  return new RuntimeError('task.claimed_by_other', 'conflict', `the task is claimed by ${task.claimedBy}`, {
    hint: 'it can be completed by the user who claimed it, or released by them or a process admin',
  });
}
