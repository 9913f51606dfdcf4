import type { ProcessMetadata } from './deployment.metadata.js';

export const DEPLOYMENT_FORMAT = 'collectflow.deployment/1';

/**
 * A deployed process as plain JSON: the host stores it next to the XML and hands it back to
 * `runStep`. `sourceContext` is the model pre-parsed by moddle-context-serializer, so steps never
 * parse XML again.
 */
export interface DeploymentDefinition {
  format: typeof DEPLOYMENT_FORMAT;
  processKey: string;
  name: string | null;
  metadata: ProcessMetadata;
  sourceContext: string;
}
