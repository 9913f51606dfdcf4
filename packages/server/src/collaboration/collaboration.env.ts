import { DomainError } from '@collectflow/schema';
import { eicarTestScanner, noopVirusScanner } from './attachments/virus.scanner.js';
import type { CollaborationOptions } from './collaboration.js';

export interface CollaborationEnv {
  options: CollaborationOptions;
  /** COLLECTFLOW_COLLABORATION_WORKER=off leaves SLA sweeps and webhook sends to other nodes. */
  workerEnabled: boolean;
}

function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new DomainError('config.invalid', 'invalid', `${name} must be a positive number, not "${raw}"`);
  }
  return value;
}

/**
 * The collaboration settings from the environment:
 * COLLECTFLOW_PUBLIC_URL (absolute links in chat messages), COLLECTFLOW_ATTACHMENTS_DIR (files in
 * a directory instead of the database), COLLECTFLOW_ATTACHMENTS_MAX_MB, COLLECTFLOW_VIRUS_SCANNER
 * (none | eicar-test), COLLECTFLOW_SLA_REMINDER_MINUTES, COLLECTFLOW_BUSINESS_TIME_ZONE,
 * COLLECTFLOW_CURRENCY, COLLECTFLOW_COLLABORATION_INTERVAL_SECONDS, COLLECTFLOW_COLLABORATION_WORKER.
 */
export function collaborationEnv(env: NodeJS.ProcessEnv = process.env): CollaborationEnv {
  const options: CollaborationOptions = {};
  const publicUrl = env.COLLECTFLOW_PUBLIC_URL?.trim();
  if (publicUrl) options.publicUrl = publicUrl;
  const attachments: NonNullable<CollaborationOptions['attachments']> = {};
  const dir = env.COLLECTFLOW_ATTACHMENTS_DIR?.trim();
  if (dir) attachments.directory = dir;
  const maxMb = positive(env, 'COLLECTFLOW_ATTACHMENTS_MAX_MB');
  if (maxMb) attachments.maxBytes = Math.floor(maxMb * 1024 * 1024);
  const scanner = env.COLLECTFLOW_VIRUS_SCANNER?.trim();
  if (scanner) {
    if (scanner !== 'none' && scanner !== 'eicar-test') {
      throw new DomainError(
        'config.invalid',
        'invalid',
        `COLLECTFLOW_VIRUS_SCANNER must be none or eicar-test`,
        {
          hint: 'plug a real scanner in through createApp({ collaboration: { attachments: { scanner } } })',
        },
      );
    }
    attachments.scanner = scanner === 'eicar-test' ? eicarTestScanner : noopVirusScanner;
  }
  if (Object.keys(attachments).length > 0) options.attachments = attachments;
  const reminder = positive(env, 'COLLECTFLOW_SLA_REMINDER_MINUTES');
  if (reminder) options.sla = { reminderLeadMs: reminder * 60_000 };
  const zone = env.COLLECTFLOW_BUSINESS_TIME_ZONE?.trim();
  const currency = env.COLLECTFLOW_CURRENCY?.trim();
  if (zone || currency) {
    if (zone) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
      } catch {
        throw new DomainError(
          'config.invalid',
          'invalid',
          `COLLECTFLOW_BUSINESS_TIME_ZONE "${zone}" is not a time zone`,
        );
      }
    }
    options.performance = { ...(zone ? { timeZone: zone } : {}), ...(currency ? { currency } : {}) };
  }
  const interval = positive(env, 'COLLECTFLOW_COLLABORATION_INTERVAL_SECONDS');
  if (interval) options.intervalMs = interval * 1000;
  return { options, workerEnabled: env.COLLECTFLOW_COLLABORATION_WORKER?.trim() !== 'off' };
}
