import { type DeploymentDefinition, isSyntheticId } from '@collectflow/engine';
import type { DeploymentRecord, InstanceRecord, InstanceSummary, Store, StoreTx } from '@collectflow/store';
import type { DeploymentCache } from './deployment.cache.js';
import { RuntimeError } from './runtime.errors.js';
import type { ProcessAuthorizer } from './runtime.ports.js';
import type { StepExecutor } from './step.executor.js';
import { summaryOf } from './task.service.js';

/** Per element id of one deployment: running instances active on it and open incidents on it. */
export interface DeploymentStatistics {
  deploymentId: string;
  processKey: string;
  version: number;
  elements: Record<string, { active: number; incidents: number }>;
  totals: { running: number; incidents: number };
}

export interface CancelledInstance {
  instance: InstanceSummary;
  cancelledTaskIds: string[];
  deletedJobIds: string[];
}

export interface MigrationInput {
  processKey: string;
  fromVersion: number;
  toVersion: number;
  /** Only these instances (of fromVersion); all running ones when absent. */
  instanceIds?: string[];
}

export interface MigrationCandidate {
  instanceId: string;
  businessKey: string | null;
  activeElementIds: string[];
  migratable: boolean;
  /** Why it cannot move, one line per element (empty when it can). */
  reasons: { elementId: string | null; code: string; message: string }[];
}

export interface MigrationReport {
  processKey: string;
  from: { deploymentId: string; version: number };
  to: { deploymentId: string; version: number };
  dryRun: boolean;
  instances: MigrationCandidate[];
  /** The instances moved (apply only). */
  migrated: string[];
  /** More running instances than one report covers: run it again for the rest. */
  truncated: boolean;
}

const MAX_MIGRATION_BATCH = 500;

/**
 * Administrative changes to instances outside the flow: cancel one, move running ones to a newer
 * version of their process. Each takes the instance lock like a step, writes history and audit in
 * the same transaction.
 */
export class ProcessAdminService {
  constructor(
    private readonly deps: {
      store: Store;
      executor: StepExecutor;
      deployments: DeploymentCache;
    },
  ) {}

  async statistics(deploymentId: string): Promise<DeploymentStatistics> {
    return this.deps.store.transaction(
      async (tx) => {
        const deployment = await tx.deployments.get(deploymentId);
        if (!deployment) throw deploymentNotFound(deploymentId);
        const active = await tx.instances.activeByElement(deploymentId);
        const incidents = await tx.incidents.openByElement(deploymentId);
        const running = await tx.instances.countRunning(deploymentId);
        const elements: DeploymentStatistics['elements'] = {};
        for (const id of new Set([...Object.keys(active), ...Object.keys(incidents)])) {
          elements[id] = { active: active[id] ?? 0, incidents: incidents[id] ?? 0 };
        }
        return {
          deploymentId,
          processKey: deployment.processKey,
          version: deployment.version,
          elements,
          totals: { running, incidents: Object.values(incidents).reduce((a, b) => a + b, 0) },
        };
      },
      { readOnly: true },
    );
  }

  /**
   * Ends a running instance: its open tasks are cancelled, its timers and service jobs deleted
   * (their incidents resolved), its message subscriptions dropped. Later events get a 409.
   */
  async cancel(
    id: string,
    actor: string,
    options: { reason?: string; authorize?: ProcessAuthorizer } = {},
  ): Promise<CancelledInstance> {
    return this.deps.store.transaction(async (tx) => {
      const instance = await tx.instances.lock(id);
      if (!instance) throw instanceNotFound(id);
      options.authorize?.(instance.processKey);
      if (instance.status !== 'running') {
        throw new RuntimeError('instance.not_running', 'conflict', `the instance is ${instance.status}`, {
          hint: 'only a running instance can be cancelled',
        });
      }
      const now = this.deps.executor.clock.now();
      const open = await tx.tasks.forInstance(id, { status: 'open' });
      await tx.tasks.cancelOpen(
        id,
        open.map((t) => t.engineTaskId),
        now,
      );
      const deletedJobIds = await tx.jobs.deleteForInstance(id);
      await tx.incidents.resolveForJobs(deletedJobIds, {
        by: actor,
        at: now,
        resolution: 'instance cancelled',
      });
      await tx.messages.replaceSubscriptions(id, instance.businessKey, [], now);
      const step = await tx.instances.markCancelled(id, instance.version, now);
      const reason = options.reason ?? null;
      await tx.history.append([
        {
          instanceId: id,
          step,
          at: now,
          event: 'instance.cancel',
          elementId: null,
          elementType: null,
          name: null,
          executionId: null,
          actor,
          data: {
            reason,
            activeElementIds: instance.activeElementIds,
            cancelledTaskIds: open.map((t) => t.id),
            deletedJobIds,
          },
        },
      ]);
      await tx.audit.append({
        actor,
        action: 'instance.cancel',
        subjectType: 'process_instance',
        subjectId: id,
        detail: {
          processKey: instance.processKey,
          deploymentId: instance.deploymentId,
          businessKey: instance.businessKey,
          reason,
          activeElementIds: instance.activeElementIds,
        },
      });
      const cancelled: InstanceRecord = {
        ...instance,
        status: 'cancelled',
        activeElementIds: [],
        version: step,
        updatedAt: now,
        endedAt: now,
      };
      return { instance: summaryOf(cancelled), cancelledTaskIds: open.map((t) => t.id), deletedJobIds };
    });
  }

  /**
   * Which running instances of `fromVersion` can move to `toVersion`: those whose every active
   * element exists in the new version with the same type. Nothing is written.
   */
  async planMigration(input: MigrationInput, options: { authorize?: ProcessAuthorizer } = {}) {
    return this.deps.store.transaction(
      async (tx) => {
        const versions = await this.#versions(tx, input, options.authorize);
        const { candidates, truncated } = await this.#candidates(tx, input, versions);
        const { from, to } = versions;
        return report(input, from, to, candidates, [], true, truncated);
      },
      { readOnly: true },
    );
  }

  /**
   * Moves the instances the plan allows, each under its lock in its own transaction: the
   * instance points at the new deployment, so its next step recovers the stored snapshot
   * against the new definition. An instance that moved on meanwhile is checked again and skipped.
   */
  async migrate(
    input: MigrationInput,
    actor: string,
    options: { authorize?: ProcessAuthorizer } = {},
  ): Promise<MigrationReport> {
    const plan = await this.planMigration(input, options);
    const migrated: string[] = [];
    const instances: MigrationCandidate[] = [];
    for (const candidate of plan.instances) {
      if (!candidate.migratable) {
        instances.push(candidate);
        continue;
      }
      const outcome = await this.deps.store.transaction(async (tx) => {
        const versions = await this.#versions(tx, input, options.authorize);
        const { from, to } = versions;
        const instance = await tx.instances.lock(candidate.instanceId);
        if (!instance) throw instanceNotFound(candidate.instanceId);
        const checked = check(instance, versions);
        if (!checked.migratable) return checked;
        const now = this.deps.executor.clock.now();
        const step = await tx.instances.repoint(instance.id, instance.version, to.id, now);
        const detail = {
          processKey: from.processKey,
          fromDeploymentId: from.id,
          fromVersion: from.version,
          toDeploymentId: to.id,
          toVersion: to.version,
          activeElementIds: instance.activeElementIds,
        };
        await tx.history.append([
          {
            instanceId: instance.id,
            step,
            at: now,
            event: 'instance.migrate',
            elementId: null,
            elementType: null,
            name: null,
            executionId: null,
            actor,
            data: detail,
          },
        ]);
        await tx.audit.append({
          actor,
          action: 'instance.migrate',
          subjectType: 'process_instance',
          subjectId: instance.id,
          detail,
        });
        return checked;
      });
      instances.push(outcome);
      if (outcome.migratable) migrated.push(outcome.instanceId);
    }
    return { ...plan, dryRun: false, instances, migrated };
  }

  async #versions(tx: StoreTx, input: MigrationInput, authorize?: ProcessAuthorizer) {
    authorize?.(input.processKey);
    if (input.toVersion <= input.fromVersion) {
      throw new RuntimeError(
        'migration.invalid',
        'invalid',
        `migrate to a newer version: ${input.toVersion} is not newer than ${input.fromVersion}`,
        { errors: [{ pointer: '/toVersion', message: 'must be greater than fromVersion' }] },
      );
    }
    const from = await tx.deployments.byVersion(input.processKey, input.fromVersion);
    const to = await tx.deployments.byVersion(input.processKey, input.toVersion);
    if (!from || !to) {
      const missing = from ? input.toVersion : input.fromVersion;
      throw new RuntimeError(
        'deployment.not_found',
        'not_found',
        `process "${input.processKey}" has no version ${missing}`,
      );
    }
    const fromDefinition = (await this.deps.deployments.get(tx, from.id)).definition;
    const toDefinition = (await this.deps.deployments.get(tx, to.id)).definition;
    return { from, to, fromDefinition, toDefinition };
  }

  async #candidates(
    tx: StoreTx,
    input: MigrationInput,
    versions: Versions,
  ): Promise<{ candidates: MigrationCandidate[]; truncated: boolean }> {
    const { from } = versions;
    let rows: InstanceRecord[];
    let truncated = false;
    if (input.instanceIds) {
      rows = [];
      for (const id of [...new Set(input.instanceIds)].sort()) {
        const instance = await tx.instances.get(id);
        if (!instance) throw instanceNotFound(id);
        rows.push(instance);
      }
    } else {
      const page = await tx.instances.list({
        deploymentId: from.id,
        status: 'running',
        limit: MAX_MIGRATION_BATCH + 1,
      });
      truncated = page.length > MAX_MIGRATION_BATCH;
      rows = page.slice(0, MAX_MIGRATION_BATCH).map((s) => ({ ...s, snapshot: null, variables: {} }));
      rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    }
    return { candidates: rows.map((r) => check(r, versions)), truncated };
  }
}

interface Versions {
  from: DeploymentRecord;
  to: DeploymentRecord;
  fromDefinition: DeploymentDefinition;
  toDefinition: DeploymentDefinition;
}

/** Whether one instance can move between the versions, with the reasons it cannot. */
function check(
  instance: Pick<InstanceSummary, 'id' | 'businessKey' | 'status' | 'deploymentId' | 'activeElementIds'>,
  { from, fromDefinition, toDefinition }: Versions,
): MigrationCandidate {
  const reasons: MigrationCandidate['reasons'] = [];
  if (instance.deploymentId !== from.id) {
    reasons.push({
      elementId: null,
      code: 'migration.other_version',
      message: `the instance does not run version ${from.version}`,
    });
  }
  if (instance.status !== 'running') {
    reasons.push({
      elementId: null,
      code: 'migration.not_running',
      message: `the instance is ${instance.status}`,
    });
  }
  // Event subprocesses run inside made-up scopes (the deployer's rewrite): adding or removing one
  // moves every activity into another scope, where a recovered snapshot would not find it.
  const scaffold = (elements: Record<string, unknown>) =>
    Object.keys(elements).filter(isSyntheticId).sort().join(' ');
  if (scaffold(fromDefinition.metadata.elements) !== scaffold(toDefinition.metadata.elements)) {
    reasons.push({
      elementId: null,
      code: 'migration.scope_changed',
      message:
        'the new version adds or removes event subprocesses, which moves the activities into other scopes',
    });
  }
  const fromElements = fromDefinition.metadata.elements;
  for (const elementId of instance.activeElementIds) {
    const target = toDefinition.metadata.elements[elementId];
    if (!target) {
      reasons.push({
        elementId,
        code: 'migration.element_missing',
        message: `"${elementId}" does not exist in the new version`,
      });
      continue;
    }
    const before = fromElements[elementId]?.type;
    if (before && before !== target.type) {
      reasons.push({
        elementId,
        code: 'migration.element_type_changed',
        message: `"${elementId}" is a ${before} here and a ${target.type} in the new version`,
      });
    }
  }
  return {
    instanceId: instance.id,
    businessKey: instance.businessKey,
    activeElementIds: instance.activeElementIds,
    migratable: reasons.length === 0,
    reasons,
  };
}

function report(
  input: MigrationInput,
  from: DeploymentRecord,
  to: DeploymentRecord,
  instances: MigrationCandidate[],
  migrated: string[],
  dryRun: boolean,
  truncated: boolean,
): MigrationReport {
  return {
    processKey: input.processKey,
    from: { deploymentId: from.id, version: from.version },
    to: { deploymentId: to.id, version: to.version },
    dryRun,
    instances,
    migrated,
    truncated,
  };
}

function instanceNotFound(id: string): RuntimeError {
  return new RuntimeError('instance.not_found', 'not_found', `no process instance ${id}`);
}

function deploymentNotFound(id: string): RuntimeError {
  return new RuntimeError('deployment.not_found', 'not_found', `no deployment ${id}`);
}
