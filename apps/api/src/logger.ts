import { logTraceIds } from '@gatehouse/telemetry';
import { pino, type Logger } from 'pino';

/**
 * JSON logs to stdout; secrets that may pass through headers are redacted. With `traceIds`
 * (tracing on) every line carries the active span's trace_id and span_id.
 */
export function createLogger(level: string, name = 'gatehouse-api', options: { traceIds?: boolean } = {}): Logger {
  return pino({
    name,
    level,
    ...(options.traceIds ? { mixin: logTraceIds } : {}),
    redact: {
      paths: ['req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
