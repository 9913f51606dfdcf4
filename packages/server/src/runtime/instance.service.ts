import type { Variables } from '@collectflow/engine';
import type {
  DeploymentRecord,
  HistoryRecord,
  IncidentRecord,
  InstanceRecord,
  InstanceStatusValue,
  InstanceSummary,
  JobRecord,
  MessageSubscriptionRecord,
  Store,
  StoreTx,
  TaskRecord,
} from '@collectflow/store';
import { RuntimeError } from './runtime.errors.js';
import type { ProcessAuthorizer } from './runtime.ports.js';
import { anyWork, type SchedulerWork, type StepExecutor } from './step.executor.js';
import { summaryOf } from './task.service.js';

export interface StartInstanceInput {
  processKey?: string;
  /** With processKey: a specific deployed version instead of the latest. */
  version?: number;
  deploymentId?: string;
  businessKey?: string | null;
  variables?: Variables;
}

export interface StartedInstance {
  instance: InstanceSummary;
  variables: Variables;
  /** Host ids of the tasks the start opened. */
  taskIds: string[];
}

export interface InstanceView {
  instance: InstanceSummary;
  deployment: Pick<DeploymentRecord, 'id' | 'processKey' | 'version' | 'name'>;
  variables: Record<string, unknown>;
  tasks: TaskRecord[];
  jobs: JobRecord[];
  subscriptions: MessageSubscriptionRecord[];
  incidents: IncidentRecord[];
  history: HistoryRecord[];
  /** Pass as `after` to /history for the rest, when the history is longer than the page. */
  historyNext: number | null;
}

/** Starts instances and shows them (state, active elements, tasks, timers and history). */
export class InstanceService {
  constructor(
    private readonly deps: { store: Store; executor: StepExecutor; onWork: (work?: SchedulerWork) => void },
  ) {}

  async start(
    input: StartInstanceInput,
    actor: string,
    options: { authorize?: ProcessAuthorizer } = {},
  ): Promise<StartedInstance> {
    const started = await this.deps.store.transaction(async (tx) => {
      const deployment = await resolveDeployment(tx, input);
      options.authorize?.(deployment.processKey);
      const applied = await this.deps.executor.start(tx, deployment.id, {
        businessKey: input.businessKey ?? null,
        variables: input.variables ?? {},
        actor,
      });
      await tx.audit.append({
        actor,
        action: 'instance.start',
        subjectType: 'process_instance',
        subjectId: applied.instance.id,
        detail: {
          processKey: applied.instance.processKey,
          deploymentId: applied.instance.deploymentId,
          businessKey: applied.instance.businessKey,
          variables: Object.keys(input.variables ?? {}),
        },
      });
      return {
        started: {
          instance: summaryOf(applied.instance),
          variables: applied.instance.variables,
          taskIds: applied.createdTaskIds,
        },
        work: applied.schedulerWork,
      };
    });
    if (anyWork(started.work)) this.deps.onWork(started.work);
    return started.started;
  }

  async view(id: string, options: { historyLimit: number }): Promise<InstanceView> {
    return this.deps.store.transaction(
      async (tx) => {
        const instance = await tx.instances.get(id);
        if (!instance) throw notFound(id);
        const deployment = (await tx.deployments.get(instance.deploymentId))!;
        const history = await tx.history.forInstance(id, { limit: options.historyLimit + 1 });
        const more = history.length > options.historyLimit;
        if (more) history.pop();
        return {
          instance: summaryOf(instance),
          deployment: {
            id: deployment.id,
            processKey: deployment.processKey,
            version: deployment.version,
            name: deployment.name,
          },
          variables: instance.variables,
          tasks: await tx.tasks.forInstance(id),
          jobs: await tx.jobs.forInstance(id),
          subscriptions: await tx.messages.subscriptionsOf(id),
          incidents: await tx.incidents.list({ instanceId: id, limit: 100 }),
          history,
          historyNext: more ? (history.at(-1)?.id ?? null) : null,
        };
      },
      { readOnly: true },
    );
  }

  async history(id: string, options: { limit: number; after?: number }): Promise<HistoryRecord[]> {
    return this.deps.store.transaction(
      async (tx) => {
        if (!(await tx.instances.get(id))) throw notFound(id);
        return tx.history.forInstance(id, options);
      },
      { readOnly: true },
    );
  }

  async list(options: {
    processKey?: string;
    /** With processKey: instances of that deployed version only. */
    version?: number;
    businessKey?: string;
    status?: InstanceStatusValue;
    startedFrom?: Date;
    startedBefore?: Date;
    limit: number;
    cursor?: string;
  }): Promise<InstanceSummary[]> {
    return this.deps.store.transaction(
      async (tx) => {
        const { version, ...filters } = options;
        if (version === undefined) return tx.instances.list(filters);
        if (!options.processKey) {
          throw new RuntimeError('runtime.bad_request', 'invalid', 'a version filter needs the processKey', {
            errors: [{ pointer: '/processKey', message: 'required with version' }],
          });
        }
        const deployment = await tx.deployments.byVersion(options.processKey, version);
        if (!deployment) return [];
        return tx.instances.list({ ...filters, deploymentId: deployment.id });
      },
      { readOnly: true },
    );
  }

  async get(id: string): Promise<InstanceRecord> {
    const instance = await this.deps.store.transaction((tx) => tx.instances.get(id), { readOnly: true });
    if (!instance) throw notFound(id);
    return instance;
  }
}

async function resolveDeployment(tx: StoreTx, input: StartInstanceInput): Promise<DeploymentRecord> {
  if (input.deploymentId) {
    const deployment = await tx.deployments.get(input.deploymentId);
    if (!deployment) {
      throw new RuntimeError('deployment.not_found', 'not_found', `no deployment ${input.deploymentId}`);
    }
    return deployment;
  }
  if (!input.processKey) {
    throw new RuntimeError('runtime.bad_request', 'invalid', 'name the process: processKey or deploymentId', {
      errors: [{ pointer: '/processKey', message: 'required when deploymentId is absent' }],
    });
  }
  const deployment =
    input.version === undefined
      ? await tx.deployments.latest(input.processKey)
      : await tx.deployments.byVersion(input.processKey, input.version);
  if (!deployment) {
    throw new RuntimeError(
      'deployment.not_found',
      'not_found',
      input.version === undefined
        ? `process "${input.processKey}" is not deployed`
        : `process "${input.processKey}" has no version ${input.version}`,
      { hint: 'deploy its BPMN file first: POST /api/deployments' },
    );
  }
  return deployment;
}

function notFound(id: string): RuntimeError {
  return new RuntimeError('instance.not_found', 'not_found', `no process instance ${id}`);
}
