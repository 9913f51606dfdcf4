import { parseArgs } from 'node:util';
import { DomainError } from '@collectflow/schema';
import { createLogger, ensureBuiltinRoles, type Logger, runtimeEnv } from '@collectflow/server';
import { openStore } from '@collectflow/store';
import { loadDefinitions, prepareDefinitions, roleNames } from '../definitions/definitions.loader.js';
import { type DemoLoad, loadDemo } from '../definitions/demo.loader.js';
import { createPackApp } from '../definitions/pack.app.js';
import type { RuntimeConfig } from '../runtime.config.js';

export interface SeedArgs {
  demo: boolean;
  cases: number;
  seed: string;
  /** The demo's "now"; 10:00 Shanghai of today by default (see defaultDemoAsOf). */
  asOf?: string;
}

const MAX_CASES = 100_000;

function invalid(message: string, hint: string): DomainError {
  return new DomainError('seed.bad_args', 'invalid', message, { hint });
}

/** `collectflow seed --demo [--cases N] [--seed S] [--as-of ISO]` as options. */
export function parseSeedArgs(argv: string[]): SeedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        demo: { type: 'boolean' },
        cases: { type: 'string' },
        seed: { type: 'string' },
        'as-of': { type: 'string' },
      },
    }));
  } catch (error) {
    throw invalid(
      (error as Error).message,
      'usage: collectflow seed --demo [--cases N] [--seed S] [--as-of ISO]',
    );
  }
  if (!values.demo) {
    throw invalid(
      'seed needs --demo (the only kind of seed there is)',
      'collectflow seed --demo --cases 200',
    );
  }
  const cases = values.cases === undefined ? 40 : Number(values.cases);
  if (!Number.isInteger(cases) || cases < 1 || cases > MAX_CASES) {
    throw invalid(
      `--cases "${String(values.cases)}" is not a number of cases`,
      `a whole number from 1 to ${MAX_CASES}`,
    );
  }
  const asOf = values['as-of'];
  if (typeof asOf === 'string' && Number.isNaN(Date.parse(asOf))) {
    throw invalid(`--as-of "${asOf}" is not a date and time`, 'e.g. --as-of 2025-07-01T02:00:00Z');
  }
  return {
    demo: true,
    cases,
    seed: typeof values.seed === 'string' && values.seed !== '' ? values.seed : 'collectflow',
    ...(typeof asOf === 'string' ? { asOf: new Date(asOf).toISOString() } : {}),
  };
}

/**
 * A progress bar on a terminal (redrawn in place, at most ten times a second), a line per tenth
 * elsewhere (CI logs, pipes): no dependency for what is one line of text.
 */
export class ProgressLine {
  #last = '';
  #drawn = 0;
  #phase = '';

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly labels: Record<string, string>,
  ) {}

  update(phase: string, done: number, total: number): void {
    if (total <= 0) return;
    const label = this.labels[phase] ?? phase;
    const share = Math.min(1, done / total);
    if (this.stream.isTTY) {
      const now = Date.now();
      if (phase === this.#phase && done < total && now - this.#drawn < 100) return;
      this.#drawn = now;
      if (phase !== this.#phase && this.#phase) this.stream.write('\n');
      this.#phase = phase;
      const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - label.length - 30));
      const filled = Math.round(share * width);
      this.stream.write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${done}/${total}`,
      );
      if (done >= total) {
        this.stream.write('\n');
        this.#phase = '';
      }
      return;
    }
    const step = `${phase}:${Math.floor(share * 10)}`;
    if (step === this.#last) return;
    this.#last = step;
    this.stream.write(`${label}: ${Math.floor(share * 100)}% (${done}/${total})\n`);
  }
}

/** Below this many cases the seed is over before a bar would say anything. */
const PROGRESS_FROM_CASES = 50;

/**
 * `collectflow seed --demo`: migrates, loads definitions/ (as start does), creates the demo users,
 * then writes the demo data and replays its flows (see definitions/demo.seeder.ts).
 */
export async function seed(
  config: RuntimeConfig,
  args: SeedArgs,
  options: {
    logger?: Logger;
    progress?: NodeJS.WritableStream;
    /** Show progress from this many cases on (default 50). */
    progressFrom?: number;
    env?: NodeJS.ProcessEnv;
    now?: Date;
  } = {},
): Promise<DemoLoad> {
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const store = await openStore(config.store);
  try {
    await store.migrate();
    const prepared = await prepareDefinitions(config.definitionsDir);
    await ensureBuiltinRoles(store, await roleNames(config.definitionsDir));
    const processEnv = runtimeEnv(options.env ?? process.env);
    const { built } = await createPackApp({ store, logger, version: config.version, prepared, processEnv });
    await loadDefinitions(store, prepared, { registry: built.registry, runtime: built.runtime, logger });
    const bar =
      args.cases >= (options.progressFrom ?? PROGRESS_FROM_CASES)
        ? new ProgressLine(options.progress ?? process.stderr, {
            generate: 'generating',
            records: 'writing records',
            flows: 'replaying flows',
          })
        : undefined;
    const env = options.env ?? process.env;
    return await loadDemo({
      store,
      logger,
      version: config.version,
      prepared,
      seed: {
        cases: args.cases,
        seed: args.seed,
        ...(args.asOf ? { asOf: args.asOf } : {}),
        ...(bar ? { onProgress: (phase, done, total) => bar.update(phase, done, total) } : {}),
      },
      password: env.COLLECTFLOW_DEMO_PASSWORD || undefined,
      // An explicit --as-of seeds exactly that moment; otherwise what fell due since 10:00 runs too.
      now: options.now ?? (args.asOf ? new Date(args.asOf) : new Date()),
      ...(processEnv.pluginsDir ? { pluginsDir: processEnv.pluginsDir } : {}),
    });
  } finally {
    await store.close();
  }
}
