import type { DeploymentDefinition } from '@collectflow/engine';
import type { StoreTx } from '@collectflow/store';
import { RuntimeError } from './runtime.errors.js';
import { serviceConfigsOf } from './service.config.js';

export interface CachedDeployment {
  id: string;
  /** One object per deployment for the life of the process: the engine caches its parsed model on it. */
  definition: DeploymentDefinition;
  /** camunda:properties per service task element id. */
  serviceConfig: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Elements that wait for a message: an instance active on none of them has no subscriptions. */
  catchElementIds: ReadonlySet<string>;
}

const CATCH_KINDS = new Set(['start', 'intermediateCatch', 'boundary', 'receiveTask']);

/**
 * Deployed definitions by id. A deployment never changes, so an entry is never stale; the bound
 * only keeps a node that ran thousands of versions from holding every parsed model for ever.
 */
export class DeploymentCache {
  readonly #entries = new Map<string, CachedDeployment>();

  constructor(private readonly maxEntries = 200) {}

  async get(tx: StoreTx, deploymentId: string): Promise<CachedDeployment> {
    const hit = this.#entries.get(deploymentId);
    if (hit) {
      // Re-insert: Map order is the LRU order.
      this.#entries.delete(deploymentId);
      this.#entries.set(deploymentId, hit);
      return hit;
    }
    const definition = (await tx.deployments.definition(deploymentId)) as DeploymentDefinition | undefined;
    if (!definition) {
      throw new RuntimeError('deployment.not_found', 'not_found', `no deployment ${deploymentId}`);
    }
    const entry: CachedDeployment = {
      id: deploymentId,
      definition,
      serviceConfig: serviceConfigsOf(definition),
      catchElementIds: new Set(
        definition.metadata.messages.filter((m) => CATCH_KINDS.has(m.kind)).map((m) => m.elementId),
      ),
    };
    this.#entries.set(deploymentId, entry);
    while (this.#entries.size > this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    return entry;
  }

  get size(): number {
    return this.#entries.size;
  }
}
