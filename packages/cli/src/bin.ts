#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isDomainError } from '@collectflow/schema';
import { createLogger } from '@collectflow/server';
import { codegen, parseCodegenArgs } from './commands/codegen.command.js';
import { migrate } from './commands/migrate.command.js';
import { parseSeedArgs, seed } from './commands/seed.command.js';
import { start } from './commands/start.command.js';
import { runtimeConfigFromEnv } from './runtime.config.js';

const USAGE = `usage: collectflow <command>

commands:
  start              migrate, load definitions/ and serve the API and web app (PORT, default 3000)
  migrate [status|down]
                     apply pending database migrations (or show them, or roll all back)
  seed --demo [--cases N] [--seed S] [--as-of ISO]
                     demo debtors, cases, contacts, promises and payments, with running flows
                     (deterministic for the same seed, cases and as-of; demo users per role)
  codegen [--out DIR] [FORM...]
                     TypeScript types of form data: FORM is a definition file or directory,
                     or key[@version] of a stored form (default: every form in definitions/forms)
  help               this text

environment: DATABASE_URL, COLLECTFLOW_DATA_DIR, PORT, HOST, LOG_LEVEL (see README.md);
  process runtime: COLLECTFLOW_SCHEDULER (on|off), COLLECTFLOW_SCHEDULER_POLL_MS, COLLECTFLOW_PLUGINS_DIR,
  COLLECTFLOW_SERVICE_TIMEOUT_MS, COLLECTFLOW_SERVICE_LEASE_MS, COLLECTFLOW_NODE_ID;
  demo data: COLLECTFLOW_DEMO (on|off), COLLECTFLOW_DEMO_CASES, COLLECTFLOW_DEMO_SEED, COLLECTFLOW_DEMO_PASSWORD`;

/** Expected failures print one line that says what is wrong and what to do; never a stack trace. */
function fail(error: unknown): never {
  if (isDomainError(error)) {
    process.stderr.write(`collectflow: ${error.oneLine()}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`collectflow: unexpected error: ${message} (set COLLECTFLOW_DEBUG=1 for details)\n`);
    if (process.env.COLLECTFLOW_DEBUG) console.error(error);
  }
  process.exit(1);
}

async function main(): Promise<void> {
  const { positionals } = parseArgs({ allowPositionals: true, strict: false });
  const [command = 'help', ...rest] = positionals;
  switch (command) {
    case 'start': {
      const config = runtimeConfigFromEnv();
      const logger = createLogger();
      const running = await start(config, logger);
      process.stdout.write(`collectflow is serving ${running.url} (${running.store.description})\n`);
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'shutting down: finishing in-flight requests');
        process.once(signal, () => process.exit(1)); // a second signal forces it
        running.stop().then(
          () => {
            logger.info('stopped');
            process.exit(0);
          },
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
      return;
    }
    case 'migrate': {
      const direction = rest[0] === 'status' ? 'status' : rest[0] === 'down' ? 'down' : 'latest';
      const status = await migrate(runtimeConfigFromEnv(), direction);
      process.stdout.write(
        `migrations: ${status.applied.length} applied, ${status.pending.length} pending; version ${status.version ?? '(none)'}\n`,
      );
      return;
    }
    case 'seed': {
      const args = parseSeedArgs(process.argv.slice(process.argv.indexOf('seed') + 1));
      const loaded = await seed(runtimeConfigFromEnv(), args);
      const { report } = loaded;
      process.stdout.write(
        `demo seed "${report.seed}" as of ${report.asOf}: ${report.cases} cases written (${report.skipped} already there), ${report.records} records, ${report.instances} running flows\n`,
      );
      if (loaded.users.length > 0 && loaded.password) {
        process.stdout.write(
          `demo logins (password "${loaded.password}"): ${loaded.users.map((u) => `${u.username} (${u.roles.join(', ')})`).join(', ')}\n`,
        );
      }
      return;
    }
    case 'codegen': {
      const config = runtimeConfigFromEnv();
      const args = parseCodegenArgs(process.argv.slice(process.argv.indexOf('codegen') + 1));
      const generated = await codegen({
        ...args,
        definitionsDir: config.definitionsDir,
        store: config.store,
      });
      for (const item of generated) {
        if (item.path) process.stdout.write(`${item.key}: ${item.path}\n`);
        else process.stdout.write(`${item.source}\n`);
      }
      return;
    }
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      process.stderr.write(`collectflow: unknown command "${command}"\n${USAGE}\n`);
      process.exit(2);
  }
}

main().catch(fail);
