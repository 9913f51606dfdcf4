import { type Clock, isEngineError, type StepEvent, type Variables } from '@collectflow/engine';
import type { JobRecord, Store } from '@collectflow/store';
import { v7 as uuidv7 } from 'uuid';
import type { Logger } from '../logger.js';
import { backoffDelayMs, type RetryPolicy } from './retry.policy.js';
import { isBpmnError, type ServiceTaskInvocation } from './runtime.ports.js';
import type { ServiceHandlerRegistry } from './service-handler.registry.js';
import { type HostHistoryEntry, NO_WORK, type SchedulerWork, type StepExecutor } from './step.executor.js';

export type TimerOutcome = 'fired' | 'stale' | 'failed' | 'none';

type ServiceOutcome =
  | { kind: 'completed'; output: Variables }
  | { kind: 'bpmnError'; code: string; message: string }
  | { kind: 'technical'; error: unknown };

interface ServicePayload {
  handler: string;
  input: Variables;
  attempt: number;
  idempotencyKey: string;
  processKey: string;
  businessKey: string | null;
  config: Record<string, string>;
}

export interface JobRunnerDeps {
  store: Store;
  clock: Clock;
  executor: StepExecutor;
  handlers: ServiceHandlerRegistry;
  retry: RetryPolicy;
  /** Names this node in job leases. */
  nodeId: string;
  /** How long a leased service job is this node's before another may take it over. */
  leaseMs: number;
  /** A handler still running after this long is aborted and counts as a technical failure. */
  callTimeoutMs: number;
  logger: Logger;
}

/**
 * Runs jobs: a due timer is taken and fired in one transaction (job row and instance row locked
 * together, skipping busy ones, so it fires once or not at all); a service job is leased, its
 * handler runs outside any transaction, and its outcome is a step of its own.
 */
export class JobRunner {
  constructor(private readonly deps: JobRunnerDeps) {}

  async fireNextTimer(): Promise<TimerOutcome> {
    const now = this.deps.clock.now();
    let claimed: JobRecord | undefined;
    try {
      return await this.deps.store.transaction(async (tx) => {
        const job = await tx.jobs.claimDueTimer(now);
        if (!job) return 'none';
        claimed = job;
        // Locked by the claim together with the job.
        const instance = await tx.instances.get(job.instanceId);
        if (instance?.status !== 'running') {
          await tx.jobs.delete(job.id);
          return 'stale';
        }
        // No delete here: the step reports the fired timer as cancelled (or re-arms a cycle).
        try {
          await this.deps.executor.apply(
            tx,
            instance,
            { type: 'timerDue', timerId: job.jobKey, elementId: job.elementId },
            [
              {
                event: 'timer.fire',
                elementId: job.elementId,
                data: {
                  jobId: job.id,
                  timerId: job.jobKey,
                  dueAt: job.runAt.toISOString(),
                  firedAt: now.toISOString(),
                },
              },
            ],
            null,
          );
        } catch (error) {
          // The activity the timer belonged to has finished: the job was stale; deleting it is all.
          if (isEngineError(error) && error.code === 'engine.timer_not_waiting') {
            await tx.jobs.delete(job.id);
            return 'stale';
          }
          throw error;
        }
        return 'fired';
      });
    } catch (error) {
      if (!claimed) throw error;
      this.deps.logger.warn(
        { err: error, jobId: claimed.id, instanceId: claimed.instanceId },
        'timer job failed',
      );
      await this.recordFailure(claimed, error);
      return 'failed';
    }
  }

  async leaseServices(capacity: number): Promise<JobRecord[]> {
    const now = this.deps.clock.now();
    const until = new Date(now.getTime() + this.deps.leaseMs);
    return this.deps.store.transaction((tx) =>
      tx.jobs.leaseDueServices(now, this.deps.nodeId, until, capacity),
    );
  }

  /**
   * Calls the handler of a leased job and records the outcome; never throws for handler
   * failures. Resolves to the work the outcome left for the scheduler that is due now.
   */
  async runService(job: JobRecord, shutdown: AbortSignal): Promise<SchedulerWork> {
    const outcome = await this.callHandler(job, shutdown);
    if (outcome.kind === 'technical') {
      this.deps.logger.warn(
        { err: outcome.error, jobId: job.id, instanceId: job.instanceId, attempt: job.attempts + 1 },
        'service call failed',
      );
      await this.recordFailure(job, outcome.error);
      return NO_WORK;
    }
    const payload = job.payload as unknown as ServicePayload;
    const [event, host]: [StepEvent, HostHistoryEntry] =
      outcome.kind === 'completed'
        ? [
            {
              type: 'serviceCompleted',
              callId: job.jobKey,
              elementId: job.elementId,
              output: outcome.output,
            },
            {
              event: 'service.complete',
              elementId: job.elementId,
              data: {
                handler: payload.handler,
                idempotencyKey: payload.idempotencyKey,
                output: outcome.output,
              },
            },
          ]
        : [
            {
              type: 'serviceFailed',
              callId: job.jobKey,
              elementId: job.elementId,
              error: { code: outcome.code, message: outcome.message },
            },
            {
              event: 'service.error',
              elementId: job.elementId,
              data: { handler: payload.handler, code: outcome.code, message: outcome.message },
            },
          ];
    try {
      return await this.deps.store.transaction(async (tx) => {
        const instance = await tx.instances.lock(job.instanceId);
        // Gone (the flow moved on, or another node finished it after our lease ran out): drop ours.
        if (!instance || !(await tx.jobs.takeLeased(job.id, this.deps.nodeId))) return NO_WORK;
        const applied = await this.deps.executor.apply(tx, instance, event, [host], null);
        return applied.schedulerWork;
      });
    } catch (error) {
      this.deps.logger.warn({ err: error, jobId: job.id }, 'recording a service outcome failed');
      await this.recordFailure(job, error);
      return NO_WORK;
    }
  }

  private async callHandler(job: JobRecord, shutdown: AbortSignal): Promise<ServiceOutcome> {
    const payload = job.payload as unknown as ServicePayload;
    const handler = this.deps.handlers.get(payload.handler);
    if (!handler)
      return { kind: 'technical', error: new Error(`no service handler "${payload.handler}" is registered`) };
    const timeout = AbortSignal.timeout(this.deps.callTimeoutMs);
    const signal = AbortSignal.any([shutdown, timeout]);
    const invocation: ServiceTaskInvocation = {
      instanceId: job.instanceId,
      elementId: job.elementId,
      attempt: payload.attempt,
      idempotencyKey: payload.idempotencyKey,
      input: payload.input,
      handler: payload.handler,
      processKey: payload.processKey,
      businessKey: payload.businessKey,
      config: payload.config ?? {},
      signal,
    };
    try {
      let onAbort: (() => void) | undefined;
      // A handler that ignores its signal is abandoned (and retried) rather than awaited for ever.
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () =>
          reject(
            new Error(`service handler "${payload.handler}" was aborted (${describeReason(signal.reason)})`),
          );
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
      const output = await Promise.race([handler(invocation), aborted]).finally(() => {
        if (onAbort) signal.removeEventListener('abort', onAbort);
        aborted.catch(() => undefined);
      });
      return { kind: 'completed', output: output && typeof output === 'object' ? output : {} };
    } catch (error) {
      if (isBpmnError(error)) return { kind: 'bpmnError', code: error.code, message: error.message };
      return { kind: 'technical', error };
    }
  }

  /** A technical failure: retry later with backoff, or, after the last attempt, open an incident. */
  async recordFailure(job: JobRecord, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      const instance = await tx.instances.lock(job.instanceId);
      const current = instance ? await tx.jobs.getForUpdate(job.id) : undefined;
      if (!instance || !current || current.status !== 'ready') return;
      if (current.kind === 'service' && current.lockedBy !== this.deps.nodeId) return;
      const attempts = current.attempts + 1;
      const base = {
        instanceId: instance.id,
        step: instance.version,
        at: now,
        elementId: current.elementId,
        elementType: null,
        name: null,
        executionId: null,
        actor: null,
      };
      if (attempts >= current.maxAttempts) {
        const incidentId = uuidv7();
        await tx.jobs.markIncident(current.id, { attempts, lastError: message });
        await tx.incidents.open({
          id: incidentId,
          instanceId: instance.id,
          jobId: current.id,
          elementId: current.elementId,
          kind: `${current.kind}_failed`,
          message,
          details: { attempts, handler: (current.payload as { handler?: string }).handler ?? null },
          createdAt: now,
        });
        await tx.history.append([
          {
            ...base,
            event: 'incident.open',
            data: { incidentId, kind: `${current.kind}_failed`, message, attempts },
          },
        ]);
      } else {
        const runAt = new Date(now.getTime() + backoffDelayMs(this.deps.retry, attempts));
        await tx.jobs.reschedule(current.id, { runAt, attempts, lastError: message });
        await tx.history.append([
          {
            ...base,
            event: 'job.retry',
            data: {
              jobId: current.id,
              kind: current.kind,
              attempts,
              error: message,
              nextRunAt: runAt.toISOString(),
            },
          },
        ]);
      }
    });
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.name === 'TimeoutError' ? 'timed out' : reason.message;
  return String(reason ?? 'shutdown');
}
