import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DeploymentDefinition, type ParseAndLintOptions, parseAndLint } from '../../src/index.js';

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

export function readFixture(name: string): Buffer {
  return readFileSync(fixturePath(name));
}

const FORMS = new Map<string, number[]>([
  ['debt-case', [1, 2, 3]],
  ['escalation', [1]],
  ['payment', [1]],
  ['letter', [1]],
  ['address', [1]],
  ['solvency', [1]],
  ['claim', [1]],
]);

/** The registries a small collection team would have. */
export const lintContext: ParseAndLintOptions = {
  formExists: (key, version) => {
    const versions = FORMS.get(key);
    return versions !== undefined && (version === undefined || versions.includes(version));
  },
  knownGroups: ['collectors', 'supervisors', 'back-office', 'legal'],
  handlerExists: (name) => ['letters.post', 'sms.send'].includes(name),
};

export async function deployFixture(name: string): Promise<DeploymentDefinition> {
  const { definition, problems } = await parseAndLint(readFixture(name), lintContext);
  if (!definition) throw new Error(`${name} did not deploy: ${JSON.stringify(problems, null, 2)}`);
  return definition;
}
