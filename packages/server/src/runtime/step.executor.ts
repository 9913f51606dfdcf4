import {
  type Clock,
  type InstanceSnapshot,
  runStep,
  type StepEvent,
  type StepResult,
  type Variables,
} from '@collectflow/engine';
import type { HistoryInput, InstanceRecord, NewJob, StoreTx } from '@collectflow/store';
import { v7 as uuidv7 } from 'uuid';
import type { CachedDeployment, DeploymentCache } from './deployment.cache.js';
import { maxAttemptsFor, type RetryPolicy } from './retry.policy.js';
import { RuntimeError } from './runtime.errors.js';

/** A history entry the host adds to the engine's: what caused the step, and who. */
export interface HostHistoryEntry {
  event: string;
  elementId?: string | null;
  elementType?: string | null;
  name?: string | null;
  data?: Record<string, unknown> | null;
}

export interface AppliedStep {
  instance: InstanceRecord;
  result: StepResult;
  /** Host ids of the tasks this step (and any buffered message it consumed) opened. */
  createdTaskIds: string[];
  /** Work the step left for the scheduler that is due now: wake it for that after commit. */
  schedulerWork: SchedulerWork;
}

export interface StepExecutorDeps {
  clock: Clock;
  deployments: DeploymentCache;
  retry: RetryPolicy;
}

/** Buffered messages consumed in a row by one step, at most: a flow that loops on them must not spin. */
const MAX_BUFFERED_CHAIN = 10;

/**
 * The one path every event takes: (the caller has locked the instance row) → recover from the
 * snapshot → apply → run to the next wait state → write the snapshot, tasks, jobs, message
 * subscriptions, history and outbox in the caller's transaction. Nothing survives the call: the
 * engine is rebuilt from the stored snapshot for every event.
 */
export class StepExecutor {
  constructor(private readonly deps: StepExecutorDeps) {}

  get clock(): Clock {
    return this.deps.clock;
  }

  /** Creates an instance of `deploymentId` and runs it to its first wait state. */
  async start(
    tx: StoreTx,
    deploymentId: string,
    input: { businessKey: string | null; variables: Variables; actor: string | null },
  ): Promise<AppliedStep> {
    const deployment = await this.deps.deployments.get(tx, deploymentId);
    const id = uuidv7();
    const now = this.deps.clock.now();
    const result = await runStep(
      deployment.definition,
      null,
      { type: 'start', variables: input.variables, businessKey: input.businessKey ?? undefined },
      { instanceId: id, clock: this.deps.clock },
    );
    const instance = await tx.instances.insert({
      id,
      deploymentId,
      processKey: deployment.definition.processKey,
      businessKey: input.businessKey,
      status: result.status,
      snapshot: result.snapshot,
      variables: result.variables,
      activeElementIds: result.activeElementIds,
      failure: result.failure,
      startedBy: input.actor,
      at: now,
    });
    const host: HostHistoryEntry = {
      event: 'instance.start',
      data: { businessKey: input.businessKey, variables: input.variables },
    };
    const createdTaskIds = await this.persist(
      tx,
      instance,
      deployment,
      result,
      [host],
      input.actor,
      now,
      null,
    );
    const schedulerWork = hasSchedulerWork(result, now);
    return this.consumeBuffered(tx, { instance, result, createdTaskIds, schedulerWork }, deployment, 0);
  }

  /** Applies `event` to an instance the caller has locked in `tx`. */
  async apply(
    tx: StoreTx,
    locked: InstanceRecord,
    event: StepEvent,
    host: HostHistoryEntry[],
    actor: string | null,
  ): Promise<AppliedStep> {
    if (locked.status === 'cancelled') {
      // The engine's snapshot still says running: the host's status is the one that counts.
      throw new RuntimeError('instance.not_running', 'conflict', `the instance ${locked.id} is cancelled`, {
        hint: 'a cancelled instance takes no further events',
      });
    }
    const deployment = await this.deps.deployments.get(tx, locked.deploymentId);
    return this.applyWith(tx, locked, deployment, event, host, actor, 0);
  }

  private async applyWith(
    tx: StoreTx,
    locked: InstanceRecord,
    deployment: CachedDeployment,
    event: StepEvent,
    host: HostHistoryEntry[],
    actor: string | null,
    depth: number,
  ): Promise<AppliedStep> {
    const now = this.deps.clock.now();
    const result = await runStep(deployment.definition, locked.snapshot as InstanceSnapshot, event, {
      instanceId: locked.id,
      clock: this.deps.clock,
    });
    const version = await tx.instances.saveStep(locked.id, locked.version, {
      status: result.status,
      snapshot: result.snapshot,
      variables: result.variables,
      activeElementIds: result.activeElementIds,
      failure: result.failure,
      at: now,
    });
    const instance: InstanceRecord = {
      ...locked,
      status: result.status,
      snapshot: result.snapshot,
      variables: result.variables,
      activeElementIds: result.activeElementIds,
      failure: result.failure,
      version,
      updatedAt: now,
      endedAt: result.status === 'running' ? null : now,
    };
    // The task being completed was closed by the caller (as completed, with its data).
    const closedTaskIds =
      event.type === 'completeTask'
        ? result.closedTaskIds.filter((id) => id !== event.taskId)
        : result.closedTaskIds;
    const createdTaskIds = await this.persist(
      tx,
      instance,
      deployment,
      { ...result, closedTaskIds },
      host,
      actor,
      now,
      locked.activeElementIds,
    );
    const schedulerWork = hasSchedulerWork(result, now);
    return this.consumeBuffered(tx, { instance, result, createdTaskIds, schedulerWork }, deployment, depth);
  }

  /** A message that arrived before anyone waited for it is delivered as soon as someone does. */
  private async consumeBuffered(
    tx: StoreTx,
    applied: AppliedStep,
    deployment: CachedDeployment,
    depth: number,
  ): Promise<AppliedStep> {
    const { instance, result } = applied;
    if (result.status !== 'running' || result.messageSubscriptions.length === 0) return applied;
    if (depth >= MAX_BUFFERED_CHAIN) return applied;
    const buffered = await tx.messages.takeBuffered({
      names: [...new Set(result.messageSubscriptions.map((s) => s.name))],
      instanceId: instance.id,
      businessKey: instance.businessKey,
      now: this.deps.clock.now(),
    });
    if (!buffered) return applied;
    const next = await this.applyWith(
      tx,
      instance,
      deployment,
      { type: 'message', name: buffered.name, payload: buffered.payload },
      [
        {
          event: 'message.receive',
          name: buffered.name,
          data: { payload: buffered.payload, bufferedAt: buffered.createdAt.toISOString() },
        },
      ],
      buffered.receivedBy,
      depth + 1,
    );
    return {
      ...next,
      createdTaskIds: [...applied.createdTaskIds, ...next.createdTaskIds],
      schedulerWork: mergeWork(applied.schedulerWork, next.schedulerWork),
    };
  }

  /** Writes what a step asks for, in the step's transaction. Returns the host ids of new tasks. */
  private async persist(
    tx: StoreTx,
    instance: InstanceRecord,
    deployment: CachedDeployment,
    result: StepResult,
    host: HostHistoryEntry[],
    actor: string | null,
    now: Date,
    /** The instance's active elements before the step; null for a new instance. */
    previousActive: readonly string[] | null,
  ): Promise<string[]> {
    const instanceId = instance.id;
    const running = result.status === 'running';

    await tx.tasks.cancelOpen(instanceId, result.closedTaskIds, now);
    const created = new Set(result.createdTaskIds);
    const newTasks = result.waitingTasks
      .filter((t) => created.has(t.taskId))
      .map((t) => ({
        id: uuidv7(),
        instanceId,
        engineTaskId: t.taskId,
        elementId: t.elementId,
        name: t.name,
        names: t.names,
        processKey: instance.processKey,
        businessKey: instance.businessKey,
        formKey: t.formKey,
        formVersion: t.formVersion,
        candidateGroups: t.candidateGroups,
        assignee: t.assignee,
        dueAt: t.dueAt ? new Date(t.dueAt) : null,
        priority: t.priority,
        createdAt: now,
      }));
    await tx.tasks.insertMany(newTasks);

    const dropped = [
      ...(await tx.jobs.deleteByKeys(
        instanceId,
        'timer',
        result.timers.cancel.map((t) => t.timerId),
      )),
      ...(await tx.jobs.deleteByKeys(instanceId, 'service', result.cancelledServiceCalls)),
    ];
    if (running) {
      const jobs: NewJob[] = result.timers.create.map((timer) => ({
        id: uuidv7(),
        instanceId,
        kind: 'timer',
        jobKey: timer.timerId,
        elementId: timer.elementId,
        runAt: new Date(timer.dueAt),
        maxAttempts: this.deps.retry.maxAttempts,
        payload: {
          timerType: timer.timerType,
          expression: timer.expression,
          repeat: timer.repeat,
          dueAt: timer.dueAt,
        },
        createdAt: now,
      }));
      for (const call of result.serviceCalls) {
        const config = deployment.serviceConfig.get(call.elementId) ?? {};
        jobs.push({
          id: uuidv7(),
          instanceId,
          kind: 'service',
          jobKey: call.callId,
          elementId: call.elementId,
          runAt: now,
          maxAttempts: maxAttemptsFor(this.deps.retry, config),
          payload: {
            handler: call.handler,
            input: call.input,
            attempt: call.attempt,
            idempotencyKey: call.idempotencyKey,
            processKey: instance.processKey,
            businessKey: instance.businessKey,
            config,
          },
          createdAt: now,
        });
      }
      await tx.jobs.upsert(jobs);
    } else {
      dropped.push(...(await tx.jobs.deleteForInstance(instanceId)));
    }
    await tx.incidents.resolveForJobs(dropped, {
      by: actor ?? 'system',
      at: now,
      resolution: 'flow moved on',
    });

    const subscriptions = running ? result.messageSubscriptions : [];
    // Subscriptions exist only where the instance was active on a message catch: skip the read.
    const hadSubscriptions = previousActive?.some((id) => deployment.catchElementIds.has(id)) ?? false;
    if (hadSubscriptions) {
      await tx.messages.replaceSubscriptions(instanceId, instance.businessKey, subscriptions, now);
    } else if (subscriptions.length > 0) {
      await tx.messages.addSubscriptions(instanceId, instance.businessKey, subscriptions, now);
    }

    const step = instance.version;
    const history: HistoryInput[] = host.map((h) => ({
      instanceId,
      step,
      at: now,
      event: h.event,
      elementId: h.elementId ?? null,
      elementType: h.elementType ?? null,
      name: h.name ?? null,
      executionId: null,
      actor,
      data: h.data ?? null,
    }));
    for (const entry of result.history) {
      history.push({
        instanceId,
        step,
        at: new Date(entry.at),
        event: entry.event,
        elementId: entry.elementId,
        elementType: entry.elementType,
        name: entry.name,
        executionId: entry.executionId,
        actor: null,
        data: null,
      });
    }
    if (result.status === 'failed') {
      const incidentId = uuidv7();
      await tx.incidents.open({
        id: incidentId,
        instanceId,
        jobId: null,
        elementId: result.failure?.elementId ?? null,
        kind: 'instance_failed',
        message: result.failure?.message ?? 'the instance failed',
        details: { code: result.failure?.code ?? null },
        createdAt: now,
      });
      history.push({
        instanceId,
        step,
        at: now,
        event: 'incident.open',
        elementId: result.failure?.elementId ?? null,
        elementType: null,
        name: null,
        executionId: null,
        actor: null,
        data: { incidentId, kind: 'instance_failed', message: result.failure?.message ?? null },
      });
    }
    await tx.history.append(history);

    await tx.outbox.append(
      result.outbox.map((message, index) => ({
        id: uuidv7(),
        instanceId,
        kind: message.kind,
        name: message.name,
        elementId: message.elementId,
        // Stable for this committed step: a consumer that sees it twice knows it is one message.
        idempotencyKey: `${instanceId}:${message.elementId}:${step}:${index}`,
        payload: message.payload,
        createdAt: now,
      })),
    );
    return newTasks.map((t) => t.id);
  }
}

/** Which parts of a scheduler tick have something due now; the rest can wait for the next poll. */
export interface SchedulerWork {
  timers: boolean;
  services: boolean;
  outbox: boolean;
}

export const NO_WORK: SchedulerWork = { timers: false, services: false, outbox: false };

export function mergeWork(a: SchedulerWork, b: SchedulerWork): SchedulerWork {
  return { timers: a.timers || b.timers, services: a.services || b.services, outbox: a.outbox || b.outbox };
}

export function anyWork(work: SchedulerWork): boolean {
  return work.timers || work.services || work.outbox;
}

function hasSchedulerWork(result: StepResult, now: Date): SchedulerWork {
  return {
    timers: result.timers.create.some((t) => Date.parse(t.dueAt) <= now.getTime()),
    services: result.serviceCalls.length > 0,
    outbox: result.outbox.length > 0,
  };
}
