import type { DeploymentDefinition } from '../deploy/deployment.definition.js';
import type { InstanceSnapshot } from '../runtime/snapshot.codec.js';
import type { InstanceStatus, StepResult } from '../runtime/step.types.js';

/** What a host keeps per process instance. One row; everything else hangs off it. */
export interface InstanceRecord {
  instanceId: string;
  deploymentId: string;
  processKey: string;
  businessKey: string | null;
  status: InstanceStatus;
  /** JSON; opaque to the host, handed back to the next step unchanged. */
  snapshot: InstanceSnapshot;
  /** Optimistic lock: bumped by every saved step. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Persistence the runtime's host needs. The one path for every event:
 * begin → `lock` → runStep → `saveStep` → commit. Implemented by the store package.
 */
export interface InstanceStore {
  /** Reads and locks the row for the rest of the transaction (`SELECT ... FOR UPDATE`). */
  lock(instanceId: string): Promise<InstanceRecord | undefined>;
  /** Inserts a new instance from its first step's result. */
  create(
    instance: { instanceId: string; deploymentId: string; businessKey: string | null },
    result: StepResult,
  ): Promise<InstanceRecord>;
  /**
   * Writes the step atomically: snapshot and status, waiting tasks (upsert; close
   * `closedTaskIds`), timer jobs (upsert `create` by timerId, delete `cancel`), message
   * subscriptions (replace), service calls, outbox and history. Fails with a conflict when the
   * row's version is not `expectedVersion`.
   */
  saveStep(instanceId: string, expectedVersion: number, result: StepResult): Promise<InstanceRecord>;
}

/** Deployments by id; hosts should cache the returned objects (the runtime caches per object). */
export interface DeploymentStore {
  get(deploymentId: string): Promise<DeploymentDefinition | undefined>;
}
