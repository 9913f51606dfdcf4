import { type Logger, pino } from 'pino';

export type { Logger };

/** JSON logs; secrets and personal data never reach them (cookies and tokens are redacted). */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'collectflow' },
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    },
    options.destination ?? process.stdout,
  );
}
