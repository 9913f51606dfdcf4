import { isDomainError } from '@collectflow/schema';
import type { ProcessRuntime } from '@collectflow/server';
import { definitionFileError, firstProblem } from './definition-file.error.js';
import type { DefinitionFile } from './definitions.reader.js';

export interface ProcessLoadOutcome {
  path: string;
  processKey: string | null;
  /** The version deployed from the file; null when the latest deployment already has these bytes. */
  deployed: number | null;
}

/**
 * Deploys a BPMN file through the runtime's deployment service: parse, lint against the
 * registered forms, groups and handlers, store. The same bytes as the latest version store nothing.
 */
export async function deployProcessFile(
  runtime: ProcessRuntime,
  file: DefinitionFile,
  actor: string,
): Promise<ProcessLoadOutcome> {
  try {
    const outcome = await runtime.deployments.deploy(file.content, actor);
    return {
      path: file.path,
      processKey: outcome.deployment?.processKey ?? null,
      deployed: outcome.unchanged ? null : (outcome.deployment?.version ?? null),
    };
  } catch (error) {
    if (isDomainError(error) && error.code.startsWith('deployment.')) {
      throw definitionFileError(
        file.path,
        `cannot be deployed: ${firstProblem(error.errors, error.message)}`,
        'fix the process (it opens in bpmn.io and the Camunda Modeler) and start again',
      );
    }
    throw error;
  }
}
