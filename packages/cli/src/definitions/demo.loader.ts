import { DomainError } from '@collectflow/schema';
import type { Logger } from '@collectflow/server';
import type { Store } from '@collectflow/store';
import type { PreparedDefinitions } from './definitions.loader.js';
import { createSeedApp, type DemoSeedOptions, type DemoSeedReport, seedDemo } from './demo.seeder.js';
import { type DemoUser, ensureDemoUsers } from './demo-users.loader.js';

export interface DemoSettings {
  /** COLLECTFLOW_DEMO: on by default on the embedded database, off on PostgreSQL. */
  enabled: boolean;
  cases: number;
  seed: string;
  /** COLLECTFLOW_DEMO_PASSWORD; the documented one of definitions/users.demo.json otherwise. */
  password: string | undefined;
}

// Every scenario of the demo once (see generateDemoData), plus two: work in every role's inbox.
export const DEFAULT_DEMO_CASES = 12;
const META_KEY = 'demo';

/**
 * COLLECTFLOW_DEMO (on|off), COLLECTFLOW_DEMO_CASES, COLLECTFLOW_DEMO_SEED, COLLECTFLOW_DEMO_PASSWORD.
 * A PostgreSQL installation is taken to be a real one: no demo data (nor demo logins with a
 * documented password) unless asked for.
 */
export function demoSettingsFromEnv(env: NodeJS.ProcessEnv, backend: 'pglite' | 'postgres'): DemoSettings {
  const raw = env.COLLECTFLOW_DEMO?.trim().toLowerCase();
  if (raw && raw !== 'on' && raw !== 'off') {
    throw new DomainError('config.bad_demo', 'invalid', `COLLECTFLOW_DEMO "${raw}" is not on or off`, {
      hint: 'set COLLECTFLOW_DEMO=off to start without demo data',
    });
  }
  const cases = env.COLLECTFLOW_DEMO_CASES?.trim();
  const count = cases ? Number(cases) : DEFAULT_DEMO_CASES;
  if (!Number.isInteger(count) || count < 0 || count > 100_000) {
    throw new DomainError(
      'config.bad_demo_cases',
      'invalid',
      `COLLECTFLOW_DEMO_CASES "${cases}" is not a number of cases`,
      {
        hint: 'a whole number from 0 to 100000',
      },
    );
  }
  return {
    enabled: raw ? raw === 'on' : backend === 'pglite',
    cases: count,
    seed: env.COLLECTFLOW_DEMO_SEED?.trim() || 'collectflow',
    password: env.COLLECTFLOW_DEMO_PASSWORD || undefined,
  };
}

/**
 * The demo's "now" when none is given: 10:00 in Shanghai (02:00 UTC) of today, or of yesterday
 * before that hour. The same all day, so a seed is reproducible within the day; past, so that
 * nothing the demo did lies in the future.
 */
export function defaultDemoAsOf(now: Date): string {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 2));
  const asOf = today.getTime() <= now.getTime() ? today : new Date(today.getTime() - 86_400_000);
  return asOf.toISOString();
}

/** An installation that never had the demo and runs no process yet: a first start. */
export async function demoWanted(store: Store): Promise<boolean> {
  return store.transaction(
    async (tx) => {
      if (await tx.meta.get(META_KEY)) return false;
      const counts = await tx.instances.countByStatus();
      return Object.values(counts).every((n) => n === 0);
    },
    { readOnly: true },
  );
}

export interface DemoLoad {
  report: DemoSeedReport;
  users: DemoUser[];
  password: string | undefined;
}

/** The demo users, then the demo data; recorded so that a restart never loads it again. */
export async function loadDemo(options: {
  store: Store;
  logger: Logger;
  version: string;
  prepared: PreparedDefinitions;
  seed: Omit<DemoSeedOptions, 'asOf'> & { asOf?: string };
  password?: string | undefined;
  now: Date;
  pluginsDir?: string;
}): Promise<DemoLoad> {
  const { store, prepared } = options;
  const asOf = options.seed.asOf ?? defaultDemoAsOf(options.now);
  const password = options.password ?? prepared.demoUsers?.password;
  const users =
    prepared.demoUsers && password ? await ensureDemoUsers(store, prepared.demoUsers, password) : [];
  const target = await createSeedApp({
    store,
    logger: options.logger,
    version: options.version,
    prepared,
    asOf: new Date(asOf),
    ...(options.pluginsDir ? { pluginsDir: options.pluginsDir } : {}),
  });
  const report = await seedDemo(target, {
    ...options.seed,
    asOf,
    until: new Date(Math.max(options.now.getTime(), Date.parse(asOf))),
  });
  await store.transaction(async (tx) => {
    await tx.meta.set(META_KEY, { seed: report.seed, asOf: report.asOf, cases: options.seed.cases });
    await tx.audit.append({
      actor: 'system',
      action: 'demo.seeded',
      subjectType: 'demo',
      detail: { seed: report.seed, asOf: report.asOf, cases: report.cases, records: report.records },
    });
  });
  if (report.mismatches.length > 0) {
    options.logger.warn(
      { mismatches: report.mismatches.slice(0, 20) },
      'demo instances not where the demo says',
    );
  }
  return { report, users, password: users.length > 0 ? password : undefined };
}
