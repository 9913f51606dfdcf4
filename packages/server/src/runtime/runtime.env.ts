import { DomainError } from '@collectflow/schema';
import type { ProcessRuntimeOptions } from './process.runtime.js';

export interface RuntimeEnv {
  /** Runtime options for createApp's runtimeOptions. */
  options: Partial<Omit<ProcessRuntimeOptions, 'store' | 'logger' | 'validator' | 'forms'>>;
  /** Whether this node runs a scheduler (a web-only node can leave timers to the others). */
  schedulerEnabled: boolean;
  /** Folder of service-handler plugins to load at start. */
  pluginsDir: string | undefined;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new DomainError('config.bad_number', 'invalid', `${name} "${raw}" is not a positive integer`, {
      hint: `set ${name} to a number of milliseconds, or unset it`,
    });
  }
  return value;
}

/**
 * The runtime's environment: COLLECTFLOW_SCHEDULER (on|off), COLLECTFLOW_SCHEDULER_POLL_MS,
 * COLLECTFLOW_PLUGINS_DIR, COLLECTFLOW_SERVICE_TIMEOUT_MS, COLLECTFLOW_SERVICE_LEASE_MS,
 * COLLECTFLOW_NODE_ID.
 */
export function runtimeEnv(env: NodeJS.ProcessEnv = process.env): RuntimeEnv {
  const scheduler = env.COLLECTFLOW_SCHEDULER?.trim().toLowerCase() || 'on';
  if (scheduler !== 'on' && scheduler !== 'off') {
    throw new DomainError(
      'config.bad_scheduler',
      'invalid',
      `COLLECTFLOW_SCHEDULER "${scheduler}" is not on or off`,
    );
  }
  const pollIntervalMs = positiveInt(env, 'COLLECTFLOW_SCHEDULER_POLL_MS');
  const serviceCallTimeoutMs = positiveInt(env, 'COLLECTFLOW_SERVICE_TIMEOUT_MS');
  const serviceLeaseMs = positiveInt(env, 'COLLECTFLOW_SERVICE_LEASE_MS');
  const nodeId = env.COLLECTFLOW_NODE_ID?.trim();
  return {
    schedulerEnabled: scheduler === 'on',
    pluginsDir: env.COLLECTFLOW_PLUGINS_DIR?.trim() || undefined,
    options: {
      ...(pollIntervalMs ? { scheduler: { pollIntervalMs } } : {}),
      ...(serviceCallTimeoutMs ? { serviceCallTimeoutMs } : {}),
      ...(serviceLeaseMs ? { serviceLeaseMs } : {}),
      ...(nodeId ? { nodeId } : {}),
    },
  };
}
