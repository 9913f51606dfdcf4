import { createHash } from 'node:crypto';
import { type Clock, type LintProblem, MAX_BPMN_BYTES, parseAndLint } from '@collectflow/engine';
import type { DeploymentRecord, Store } from '@collectflow/store';
import { v7 as uuidv7 } from 'uuid';
import { RuntimeError } from './runtime.errors.js';
import type { FormCatalog, GroupCatalog, ProcessAuthorizer } from './runtime.ports.js';

export interface DeployOutcome {
  deployment: DeploymentRecord | null;
  /** Warnings (errors never deploy). */
  problems: LintProblem[];
  /** The same bytes as the latest version: nothing new was stored. */
  unchanged: boolean;
}

/** Lint problems as a DomainError, with the elements they name, for a 4xx that nothing was stored for. */
export class DeploymentRejected extends RuntimeError {
  constructor(readonly problems: LintProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    const tooLarge = errors.some((p) => p.code === 'bpmn.too_large');
    super(
      tooLarge ? 'deployment.too_large' : 'deployment.invalid',
      tooLarge ? 'too_large' : 'invalid',
      `the BPMN file cannot be deployed: ${errors.length} problem${errors.length === 1 ? '' : 's'} (${[
        ...new Set(errors.map((p) => p.code)),
      ].join(', ')})`,
      {
        errors: errors.map((p) => ({
          pointer: p.elementId ? `/elements/${p.elementId}` : '',
          code: p.code,
          message: p.elementId ? `${p.elementId}: ${p.message}` : p.message,
        })),
        hint: 'fix the elements listed in problems and upload again',
      },
    );
  }
}

/**
 * Deploys BPMN uploads: parse, lint against the form registry, the known groups and the
 * registered service handlers, then store the bytes once with the parsed definition. Uploading
 * the same bytes as the latest version is a no-op.
 */
export class DeploymentService {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      forms: FormCatalog;
      groups: GroupCatalog;
      handlerExists: (name: string) => boolean;
      maxBytes?: number;
    },
  ) {}

  get maxBytes(): number {
    return this.deps.maxBytes ?? MAX_BPMN_BYTES;
  }

  async deploy(
    source: Uint8Array,
    actor: string,
    options: { dryRun?: boolean; authorize?: ProcessAuthorizer } = {},
  ): Promise<DeployOutcome> {
    const knownGroups = [...(await this.deps.groups.knownGroups())];
    const { definition, problems } = await parseAndLint(source, {
      formExists: (key, version) => this.deps.forms.formExists(key, version),
      knownGroups,
      handlerExists: (name) => this.deps.handlerExists(name),
      maxBytes: this.maxBytes,
    });
    if (!definition) throw new DeploymentRejected(problems);
    options.authorize?.(definition.processKey);
    if (options.dryRun) return { deployment: null, problems, unchanged: false };

    const sha256 = createHash('sha256').update(source).digest('hex');
    return this.deps.store.transaction(async (tx) => {
      const latest = await tx.deployments.latest(definition.processKey);
      if (latest && latest.sourceSha256 === sha256) return { deployment: latest, problems, unchanged: true };
      const deployment = await tx.deployments.insertNextVersion({
        id: uuidv7(),
        processKey: definition.processKey,
        name: definition.name,
        source,
        sourceSha256: sha256,
        definition,
        problems,
        messageStarts: [
          ...new Set(definition.metadata.messages.filter((m) => m.kind === 'start').map((m) => m.name)),
        ],
        deployedBy: actor,
        deployedAt: this.deps.clock.now(),
      });
      await tx.audit.append({
        actor,
        action: 'process.deploy',
        subjectType: 'process_deployment',
        subjectId: deployment.id,
        detail: { processKey: deployment.processKey, version: deployment.version, sha256 },
      });
      return { deployment, problems, unchanged: false };
    });
  }

  async list(options: { processKey?: string; limit: number; cursor?: string }): Promise<DeploymentRecord[]> {
    return this.deps.store.transaction((tx) => tx.deployments.list(options), { readOnly: true });
  }

  async get(id: string): Promise<{ deployment: DeploymentRecord; definition: unknown }> {
    return this.deps.store.transaction(
      async (tx) => {
        const deployment = await tx.deployments.get(id);
        if (!deployment) throw new RuntimeError('deployment.not_found', 'not_found', `no deployment ${id}`);
        return { deployment, definition: await tx.deployments.definition(id) };
      },
      { readOnly: true },
    );
  }

  async source(id: string): Promise<Buffer> {
    const source = await this.deps.store.transaction((tx) => tx.deployments.source(id), { readOnly: true });
    if (!source) throw new RuntimeError('deployment.not_found', 'not_found', `no deployment ${id}`);
    return source;
  }
}
