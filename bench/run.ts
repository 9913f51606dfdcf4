// `npm run bench [-- --only store,start]`: runs the benchmark groups and merges their figures into
// bench/results.json. PostgreSQL when DATABASE_URL is set, PGlite otherwise.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dashboardsGroup } from './groups/dashboards.bench.js';
import { engineGroup } from './groups/engine.bench.js';
import { registryGroup } from './groups/registry.bench.js';
import { startGroup } from './groups/start.bench.js';
import { storeGroup } from './groups/store.bench.js';
import { webGroup } from './groups/web.bench.js';
import { type BenchGroup, type BenchResult, contextFor, toResult } from './harness.js';

const groups: BenchGroup[] = [storeGroup, startGroup, registryGroup, engineGroup, dashboardsGroup, webGroup];

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const resultsPath = join(repoRoot, 'bench', 'results.json');

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((name) => !groups.some((g) => g.name === name)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown group ${unknown.join(', ')}; groups are ${groups.map((g) => g.name).join(', ')}\n`,
  );
  process.exit(1);
}

const ctx = contextFor(process.env.DATABASE_URL?.trim() || undefined, repoRoot);
const fresh: BenchResult[] = [];
for (const group of groups.filter((g) => !only || only.includes(g.name))) {
  process.stderr.write(`bench ${group.name} on ${ctx.backend}\n`);
  for (const figure of await group.run(ctx)) {
    const result = toResult(figure, ctx.backend);
    fresh.push(result);
    const vs = result.baseline
      ? ` (baseline ${result.baseline.id} ${result.baseline.value}, ratio ${result.ratio})`
      : '';
    process.stderr.write(`  ${result.id} = ${result.value} ${result.unit}${vs}\n`);
  }
}

// Figures of groups that did not run this time are kept, so `--only` refines one group.
const previous: BenchResult[] = existsSync(resultsPath)
  ? (JSON.parse(readFileSync(resultsPath, 'utf8')).results ?? [])
  : [];
const key = (r: BenchResult) => `${r.id}|${r.backend}`;
const freshKeys = new Set(fresh.map(key));
const results = [...previous.filter((r) => !freshKeys.has(key(r))), ...fresh];
writeFileSync(
  resultsPath,
  `${JSON.stringify({ runAt: new Date().toISOString(), node: process.version, cpus: cpus().length, results }, null, 2)}\n`,
);
process.stderr.write(`wrote ${resultsPath}\n`);
