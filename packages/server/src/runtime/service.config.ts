import type { DeploymentDefinition } from '@collectflow/engine';

interface SerializedActivity {
  id: string;
  behaviour?: {
    extensionElements?: { values?: { $type?: string; values?: { name?: string; value?: string }[] }[] };
  };
}

/**
 * A service task's configuration is its camunda:properties (`url`, `method`, `retries`, …), the
 * way Camunda Modeler's properties panel writes them. They are read from the deployment's
 * pre-serialized model once per deployment.
 */
export function serviceConfigsOf(
  definition: DeploymentDefinition,
): Map<string, Readonly<Record<string, string>>> {
  const configs = new Map<string, Readonly<Record<string, string>>>();
  const serviceIds = new Set(definition.metadata.serviceTasks.map((s) => s.elementId));
  if (serviceIds.size === 0) return configs;
  const context = JSON.parse(definition.sourceContext) as { activities?: SerializedActivity[] };
  for (const activity of context.activities ?? []) {
    if (!serviceIds.has(activity.id)) continue;
    const config: Record<string, string> = {};
    for (const extension of activity.behaviour?.extensionElements?.values ?? []) {
      if (extension.$type !== 'camunda:Properties') continue;
      for (const property of extension.values ?? []) {
        if (property.name) config[property.name] = property.value ?? '';
      }
    }
    configs.set(activity.id, Object.freeze(config));
  }
  return configs;
}
