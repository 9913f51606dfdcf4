import type { Clock, Variables } from '@collectflow/engine';
import type { IncidentRecord, IncidentStatusValue, Store } from '@collectflow/store';
import { RuntimeError } from './runtime.errors.js';
import type { ProcessAuthorizer } from './runtime.ports.js';
import type { SchedulerWork, StepExecutor } from './step.executor.js';

export interface ResolveIncidentInput {
  /** For a service call: complete it by hand with these output variables (the default: {}). */
  output?: Variables;
  /** For a service call: fail it with this BPMN error instead (caught by an error boundary event). */
  error?: { code: string; message?: string };
}

/** Incidents: list them, retry the job behind one, or resolve it by hand. */
export class IncidentService {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      executor: StepExecutor;
      onWork: (work?: SchedulerWork) => void;
    },
  ) {}

  async list(options: {
    status?: IncidentStatusValue;
    instanceId?: string;
    limit: number;
    cursor?: string;
  }): Promise<IncidentRecord[]> {
    return this.deps.store.transaction((tx) => tx.incidents.list(options), { readOnly: true });
  }

  async get(id: string): Promise<IncidentRecord> {
    const incident = await this.deps.store.transaction((tx) => tx.incidents.get(id), { readOnly: true });
    if (!incident) throw notFound(id);
    return incident;
  }

  /** The failed job runs again with a fresh retry budget; the incident is resolved as retried. */
  async retry(
    id: string,
    actor: string,
    options: { authorize?: ProcessAuthorizer } = {},
  ): Promise<IncidentRecord> {
    const result = await this.deps.store.transaction(async (tx) => {
      const peek = await tx.incidents.get(id);
      if (!peek) throw notFound(id);
      // Instance first, then incident and job: the lock order every step uses.
      const instance = await tx.instances.lock(peek.instanceId);
      const incident = await tx.incidents.getForUpdate(id);
      if (!incident || !instance) throw notFound(id);
      options.authorize?.(instance.processKey);
      if (incident.status !== 'open') throw notOpen(incident);
      const job = incident.jobId ? await tx.jobs.getForUpdate(incident.jobId) : undefined;
      if (!job) {
        throw new RuntimeError(
          'incident.not_retryable',
          'conflict',
          incident.kind === 'instance_failed'
            ? 'the instance failed and has ended; it cannot be retried (resolve the incident and start a new instance)'
            : 'the job behind this incident no longer exists',
        );
      }
      const now = this.deps.clock.now();
      await tx.jobs.requeue(job.id, now);
      await tx.incidents.resolve(id, { by: actor, at: now, resolution: 'retried' });
      await tx.history.append([
        {
          instanceId: instance.id,
          step: instance.version,
          at: now,
          event: 'incident.retry',
          elementId: incident.elementId,
          elementType: null,
          name: null,
          executionId: null,
          actor,
          data: { incidentId: id, jobId: job.id },
        },
      ]);
      await tx.audit.append({
        actor,
        action: 'incident.retry',
        subjectType: 'incident',
        subjectId: id,
        detail: { instanceId: instance.id, elementId: incident.elementId, jobId: job.id },
      });
      return (await tx.incidents.get(id))!;
    });
    this.deps.onWork();
    return result;
  }

  /**
   * Resolves by hand. A failed service call is completed with `output` (or failed with `error`)
   * and the flow moves on; a failed instance's incident is only acknowledged.
   */
  async resolve(
    id: string,
    actor: string,
    input: ResolveIncidentInput,
    options: { authorize?: ProcessAuthorizer } = {},
  ): Promise<IncidentRecord> {
    const result = await this.deps.store.transaction(async (tx) => {
      const peek = await tx.incidents.get(id);
      if (!peek) throw notFound(id);
      const instance = await tx.instances.lock(peek.instanceId);
      const incident = await tx.incidents.getForUpdate(id);
      if (!incident || !instance) throw notFound(id);
      options.authorize?.(instance.processKey);
      if (incident.status !== 'open') throw notOpen(incident);
      const now = this.deps.clock.now();
      const job = incident.jobId ? await tx.jobs.getForUpdate(incident.jobId) : undefined;
      if (job && job.kind !== 'service') {
        throw new RuntimeError(
          'incident.not_resolvable',
          'conflict',
          'a failed timer can only be retried: POST /api/incidents/{id}/retry',
        );
      }
      // Resolved first: the step below may close it again as "flow moved on" otherwise.
      await tx.incidents.resolve(id, {
        by: actor,
        at: now,
        resolution: job
          ? input.error
            ? `bpmn error ${input.error.code}`
            : 'completed by hand'
          : 'acknowledged',
      });
      if (job) {
        await tx.jobs.delete(job.id);
        const host = [
          {
            event: 'incident.resolve',
            elementId: job.elementId,
            data: { incidentId: id, output: input.output ?? null, error: input.error ?? null },
          },
        ];
        await this.deps.executor.apply(
          tx,
          instance,
          input.error
            ? {
                type: 'serviceFailed',
                callId: job.jobKey,
                elementId: job.elementId,
                error: { code: input.error.code, message: input.error.message ?? input.error.code },
              }
            : {
                type: 'serviceCompleted',
                callId: job.jobKey,
                elementId: job.elementId,
                output: input.output ?? {},
              },
          host,
          actor,
        );
      } else {
        await tx.history.append([
          {
            instanceId: instance.id,
            step: instance.version,
            at: now,
            event: 'incident.resolve',
            elementId: incident.elementId,
            elementType: null,
            name: null,
            executionId: null,
            actor,
            data: { incidentId: id },
          },
        ]);
      }
      await tx.audit.append({
        actor,
        action: 'incident.resolve',
        subjectType: 'incident',
        subjectId: id,
        detail: {
          instanceId: instance.id,
          elementId: incident.elementId,
          outcome: job ? (input.error ? 'bpmn_error' : 'completed') : 'acknowledged',
        },
      });
      return (await tx.incidents.get(id))!;
    });
    this.deps.onWork();
    return result;
  }
}

function notFound(id: string): RuntimeError {
  return new RuntimeError('incident.not_found', 'not_found', `no incident ${id}`);
}

function notOpen(incident: IncidentRecord): RuntimeError {
  return new RuntimeError(
    'incident.not_open',
    'conflict',
    `the incident was already ${incident.resolution ?? 'resolved'}`,
  );
}
