import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAndLint } from '../src/index.js';

const MIWG = '/work/shared/conformance/bpmn-miwg';

function bpmnFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return bpmnFiles(path);
    return entry.name.endsWith('.bpmn') ? [path] : [];
  });
}

// Registries that know everything: the reference models should be judged on their elements only.
const permissive = { formExists: () => true, knownGroups: [] as string[], handlerExists: () => true };

describe('BPMN MIWG reference models (read from the shared conformance folder)', () => {
  const files = bpmnFiles(MIWG).sort();

  it.skipIf(files.length === 0)(
    'every model either deploys or gets lint problems that name what is unsupported',
    async () => {
      const summary: string[] = [];
      let deployed = 0;
      for (const file of files) {
        const result = await parseAndLint(readFileSync(file), permissive);
        const errors = result.problems.filter((p) => p.severity === 'error');
        const name = file.slice(MIWG.length + 1);
        if (result.definition) {
          deployed++;
          expect(errors).toEqual([]);
          summary.push(`deploys   ${name} (${result.definition.processKey})`);
        } else {
          expect(errors.length).toBeGreaterThan(0);
          for (const problem of errors) {
            expect(problem.code).toMatch(/^bpmn\./);
            expect(problem.message.length).toBeGreaterThan(0);
          }
          const byCode = new Map<string, number>();
          for (const problem of errors) byCode.set(problem.code, (byCode.get(problem.code) ?? 0) + 1);
          const unsupported = [
            ...new Set(
              errors
                .filter((p) => p.code.startsWith('bpmn.unsupported_'))
                .map((p) => /^(.+?) (is|are) not supported/.exec(p.message)?.[1] ?? p.code),
            ),
          ];
          summary.push(
            `refused   ${name}: ${[...byCode].map(([code, n]) => `${code}×${n}`).join(', ')}` +
              (unsupported.length ? ` [${unsupported.join(', ')}]` : ''),
          );
        }
      }
      console.log(`MIWG: ${deployed}/${files.length} deploy\n${summary.join('\n')}`);
    },
    // 42 files on a shared, loaded machine; the test asserts outcomes, never time.
    180_000,
  );
});
