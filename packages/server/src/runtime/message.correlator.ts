import type { Clock, Variables } from '@collectflow/engine';
import { isEngineError } from '@collectflow/engine';
import type { Store, StoreTx } from '@collectflow/store';
import { v7 as uuidv7 } from 'uuid';
import { RuntimeError } from './runtime.errors.js';
import type { ProcessAuthorizer } from './runtime.ports.js';
import { anyWork, mergeWork, NO_WORK, type SchedulerWork, type StepExecutor } from './step.executor.js';

export interface CorrelateInput {
  name: string;
  businessKey?: string;
  instanceId?: string;
  payload?: Variables;
  /** Deliver to every waiting instance that matches instead of refusing an ambiguous message. */
  all?: boolean;
  /** Keep an unmatched message this long for an instance that starts waiting for it. */
  bufferTtlSeconds?: number;
}

export type CorrelationOutcome =
  | { outcome: 'correlated'; instanceIds: string[]; startedInstanceIds: string[] }
  | { outcome: 'buffered'; bufferedId: string; expiresAt: Date };

/**
 * Delivers a message by name plus business key (or instance id) to instances waiting for it; an
 * unmatched message may start the latest version of processes with that message start event,
 * be buffered for a TTL, or be refused with a clear not-found.
 */
export class MessageCorrelator {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      executor: StepExecutor;
      onWork: (work?: SchedulerWork) => void;
    },
  ) {}

  async correlate(
    input: CorrelateInput,
    actor: string,
    options: { authorize?: ProcessAuthorizer } = {},
  ): Promise<CorrelationOutcome> {
    const outcome = await this.deps.store.transaction(async (tx) => {
      const result = await this.#correlate(tx, input, actor, options.authorize);
      // An unmatched message throws and leaves no entry: nothing happened.
      await tx.audit.append({
        actor,
        action: 'message.correlate',
        subjectType: 'message',
        subjectId: result.outcome === 'buffered' ? result.bufferedId : null,
        detail: {
          name: input.name,
          businessKey: input.businessKey ?? null,
          instanceId: input.instanceId ?? null,
          outcome: result.outcome,
          instanceIds: result.outcome === 'correlated' ? result.instanceIds : [],
          startedInstanceIds: result.outcome === 'correlated' ? result.startedInstanceIds : [],
          payload: Object.keys(input.payload ?? {}),
        },
      });
      return result;
    });
    const { work: wake, ...answer } = outcome;
    if (anyWork(wake)) this.deps.onWork(wake);
    return answer;
  }

  async #correlate(tx: StoreTx, input: CorrelateInput, actor: string, authorize?: ProcessAuthorizer) {
    const subscribers = await tx.messages.findSubscribers({
      name: input.name,
      ...(input.businessKey !== undefined ? { businessKey: input.businessKey } : {}),
      ...(input.instanceId !== undefined ? { instanceId: input.instanceId } : {}),
    });
    // Sorted, so that a message to several instances locks them in one global order.
    const instanceIds = [...new Set(subscribers.map((s) => s.instanceId))].sort();
    if (instanceIds.length > 1 && !input.all) {
      throw new RuntimeError(
        'message.ambiguous',
        'conflict',
        `${instanceIds.length} instances wait for "${input.name}"${input.businessKey ? ` with business key ${input.businessKey}` : ''}`,
        { hint: 'name the instance (instanceId), or send all: true to deliver it to each of them' },
      );
    }
    const delivered: string[] = [];
    let work: SchedulerWork = NO_WORK;
    for (const id of instanceIds) {
      const instance = await tx.instances.lock(id);
      // Re-read under the lock: a step that committed meanwhile may have moved past the catch.
      const still = (await tx.messages.subscriptionsOf(id)).some((s) => s.name === input.name);
      if (instance?.status !== 'running' || !still) continue;
      authorize?.(instance.processKey);
      try {
        const applied = await this.deps.executor.apply(
          tx,
          instance,
          { type: 'message', name: input.name, payload: input.payload ?? {} },
          [{ event: 'message.receive', name: input.name, data: { payload: input.payload ?? {} } }],
          actor,
        );
        work = mergeWork(work, applied.schedulerWork);
      } catch (error) {
        if (isEngineError(error) && error.code === 'engine.message_not_expected') continue;
        throw error;
      }
      delivered.push(id);
    }
    if (delivered.length > 0) {
      return { outcome: 'correlated' as const, instanceIds: delivered, startedInstanceIds: [], work };
    }

    if (input.instanceId !== undefined) {
      const target = await tx.instances.get(input.instanceId);
      if (target?.status === 'cancelled') {
        throw new RuntimeError('instance.not_running', 'conflict', `the instance ${target.id} is cancelled`, {
          hint: 'a cancelled instance takes no further events',
        });
      }
    }
    if (input.instanceId === undefined) {
      const starters = await tx.deployments.latestStartingOn(input.name);
      const started: string[] = [];
      for (const deployment of starters) {
        authorize?.(deployment.processKey);
        const first = await this.deps.executor.start(tx, deployment.id, {
          businessKey: input.businessKey ?? null,
          variables: {},
          actor,
        });
        const applied = await this.deps.executor.apply(
          tx,
          first.instance,
          { type: 'message', name: input.name, payload: input.payload ?? {} },
          [{ event: 'message.receive', name: input.name, data: { payload: input.payload ?? {} } }],
          actor,
        );
        work = mergeWork(work, mergeWork(first.schedulerWork, applied.schedulerWork));
        started.push(first.instance.id);
      }
      if (started.length > 0) {
        return { outcome: 'correlated' as const, instanceIds: started, startedInstanceIds: started, work };
      }
    }

    if (input.bufferTtlSeconds && input.bufferTtlSeconds > 0) {
      const now = this.deps.clock.now();
      const bufferedId = uuidv7();
      const expiresAt = new Date(now.getTime() + input.bufferTtlSeconds * 1000);
      await tx.messages.buffer({
        id: bufferedId,
        name: input.name,
        businessKey: input.businessKey ?? null,
        instanceId: input.instanceId ?? null,
        payload: input.payload ?? {},
        receivedBy: actor,
        createdAt: now,
        expiresAt,
      });
      return { outcome: 'buffered' as const, bufferedId, expiresAt, work: NO_WORK };
    }
    const target =
      input.instanceId !== undefined
        ? `instance ${input.instanceId}`
        : input.businessKey !== undefined
          ? `business key ${input.businessKey}`
          : 'any instance';
    throw new RuntimeError(
      'message.no_match',
      'not_found',
      `no instance waits for message "${input.name}" (${target}) and no deployed process starts on it`,
      {
        hint: 'check the name and key, or send bufferTtlSeconds to keep it until an instance waits for it',
      },
    );
  }

  /**
   * Delivers buffered messages whose instance started waiting after they arrived but whose step
   * did not see them (they were buffered while that step was running). Called by the scheduler.
   */
  async sweepBuffered(limit = 50): Promise<number> {
    const now = this.deps.clock.now();
    const deliverable = await this.deps.store.transaction(async (tx) => {
      await tx.messages.deleteExpired(now);
      return tx.messages.deliverable(now, limit);
    });
    let delivered = 0;
    for (const target of deliverable) {
      delivered += await this.deps.store
        .transaction(async (tx) => {
          const instance = await tx.instances.lock(target.instanceId);
          if (instance?.status !== 'running') return 0;
          const taken = await tx.messages.takeBuffered({
            names: [target.name],
            instanceId: instance.id,
            businessKey: instance.businessKey,
            now,
          });
          if (!taken) return 0;
          const still = (await tx.messages.subscriptionsOf(instance.id)).some((s) => s.name === taken.name);
          if (!still) throw new SweepRace();
          await this.deps.executor.apply(
            tx,
            instance,
            { type: 'message', name: taken.name, payload: taken.payload },
            [
              {
                event: 'message.receive',
                name: taken.name,
                data: { payload: taken.payload, bufferedAt: taken.createdAt.toISOString() },
              },
            ],
            taken.receivedBy,
          );
          return 1;
        })
        .catch((error: unknown) => {
          // The instance moved on between the look-up and the lock: the message stays buffered.
          if (error instanceof SweepRace) return 0;
          throw error;
        });
    }
    if (delivered > 0) this.deps.onWork();
    return delivered;
  }
}

class SweepRace extends Error {}
