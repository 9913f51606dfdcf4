import { fileURLToPath } from 'node:url';
import { DomainError } from '@collectflow/schema';
import { type StoreConfig, storeConfigFromEnv } from '@collectflow/store';

export interface RuntimeConfig {
  store: StoreConfig;
  port: number;
  host: string | undefined;
  definitionsDir: string;
  webDist: string;
  version: string;
  /** First administrator, created on an empty installation only. */
  admin: { username: string | undefined; password: string | undefined };
  corsOrigins: string[];
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Everything the server reads from the environment, checked in one place. */
export function runtimeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const rawPort = env.PORT?.trim() || '3000';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) {
    throw new DomainError('config.bad_port', 'invalid', `PORT "${rawPort}" is not a port number`, {
      hint: 'set PORT to a number between 1 and 65535 (0 picks a free port)',
    });
  }
  return {
    store: storeConfigFromEnv(env),
    port,
    host: env.HOST?.trim() || undefined,
    definitionsDir: env.COLLECTFLOW_DEFINITIONS_DIR?.trim() || `${repoRoot}definitions`,
    webDist: env.COLLECTFLOW_WEB_DIST?.trim() || `${repoRoot}packages/web/dist`,
    version: process.env.npm_package_version ?? '0.1.0',
    admin: {
      username: env.COLLECTFLOW_ADMIN_USERNAME?.trim() || undefined,
      password: env.COLLECTFLOW_ADMIN_PASSWORD || undefined,
    },
    corsOrigins: (env.COLLECTFLOW_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
}
