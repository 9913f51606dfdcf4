import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '@collectflow/schema';
import type { DashboardsService, Logger } from '@collectflow/server';

export interface DashboardsLoadReport {
  files: number;
  created: string[];
  updated: string[];
  /** Dashboards someone saved since they were seeded: their version wins over the file. */
  edited: string[];
}

/**
 * Seeds definitions/dashboards/*.json into the store, each validated against the dashboard JSON
 * Schema first. A file seeded before and unchanged writes nothing, so a second start changes no
 * row. Then the typed projections and expression indexes the dashboards read are ensured.
 */
export async function loadDashboards(
  dashboards: DashboardsService,
  definitionsDir: string,
  logger?: Logger,
): Promise<DashboardsLoadReport> {
  const dir = join(definitionsDir, 'dashboards');
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const files = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  const report: DashboardsLoadReport = { files: files.length, created: [], updated: [], edited: [] };
  for (const name of files) {
    const text = await readFile(join(dir, name), 'utf8');
    let definition: unknown;
    try {
      definition = JSON.parse(text);
    } catch (cause) {
      throw new DomainError(
        'definitions.invalid_json',
        'invalid',
        `dashboards/${name} is not JSON: ${(cause as Error).message}`,
      );
    }
    const sha256 = createHash('sha256').update(text).digest('hex');
    try {
      const { key, outcome } = await dashboards.seed(definition, sha256);
      if (outcome === 'created') report.created.push(key);
      else if (outcome === 'updated') report.updated.push(key);
      else if (outcome === 'edited') report.edited.push(key);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') {
        const first = error.errors?.[0];
        throw new DomainError(
          'definitions.invalid_dashboard',
          'invalid',
          `dashboards/${name}: ${first ? `${first.pointer} ${first.message}` : error.message}`,
          {
            hint: 'fix the file (it is checked against the dashboard JSON Schema) and start again',
            cause: error,
          },
        );
      }
      throw error;
    }
  }
  if (report.created.length + report.updated.length > 0 || report.edited.length > 0) {
    logger?.info(report, 'dashboards loaded');
  }
  // Projections and indexes for what the dashboards read. On PGlite (an embedded, small database)
  // the start waits for them, so a stop right after the start never leaves one half built; on
  // PostgreSQL a large table must not hold up the start, so they are built in the background.
  const storage = dashboards.ensureIndexes().catch((error: unknown) => {
    logger?.warn(
      { err: error },
      'dashboard projections or indexes were not built; queries still work from the records',
    );
  });
  if (dashboards.backend === 'pglite') await storage;
  return report;
}
