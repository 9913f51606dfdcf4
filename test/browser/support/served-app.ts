import { type StartedServer, start } from '@collectflow/cli';
import { createLogger } from '@collectflow/server';

/**
 * The real server, as `npm start` runs it, on a random port with an in-memory database and the
 * built web app (`npm test` builds it before vitest runs).
 */
export async function serveApp(env: Record<string, string> = {}): Promise<StartedServer> {
  // The CLI's demo data would fill inboxes and lists; browser tests make what they need. The
  // demo setting is read from the process environment.
  process.env.COLLECTFLOW_DEMO = env.COLLECTFLOW_DEMO ?? 'off';
  const { runtimeConfigFromEnv } = await import('@collectflow/cli');
  const config = runtimeConfigFromEnv({
    COLLECTFLOW_DATA_DIR: 'memory://',
    PORT: '0',
    HOST: '127.0.0.1',
    ...env,
  });
  return start(config, createLogger({ level: 'silent' }));
}
