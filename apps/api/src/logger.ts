import { pino, type Logger } from 'pino';

/** JSON logs to stdout; secrets that may pass through headers are redacted. */
export function createLogger(level: string, name = 'gatehouse-api'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
