import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Logger } from '../logger.js';
import type { ClientIp } from './client-ip.js';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id: the caller's X-Request-Id when it is a sane token, else a new UUID. */
    id: string;
  }
}

/** Per request: the process logger, the URL as it arrived (a mounted Express router rewrites req.url later), the child once made. */
const origins = new WeakMap<http.IncomingMessage, { logger: Logger; url: string | undefined; child?: Logger }>();

/**
 * The request's logger: a child of the process logger whose lines carry the request (`req.id`,
 * method, url). Made on first use, so a request that logs nothing costs no logger.
 */
export function requestLogger(req: http.IncomingMessage, fallback?: Logger): Logger {
  const origin = origins.get(req);
  if (!origin) {
    if (fallback) return fallback;
    throw new Error('requestLogger: the request did not pass requestLog');
  }
  return (origin.child ??= origin.logger.child({ req: { id: req.id, method: req.method, url: origin.url } }));
}

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Request ids and one log line per request. It does what pino-http did for us, at a fraction
 * of the cost: pino-http serialised every request's headers into a child logger up front, even
 * when nothing would be logged, which made it one of the largest costs of a startRun. Here the
 * request's logger (requestLogger) is made only when something logs, binds three fields, and the
 * completion line is built only when its level is enabled; no headers are logged (API keys,
 * cookies and bearer tokens travel in them).
 */
export function requestLog(logger: Logger, clientIp: ClientIp): (req: http.IncomingMessage, res: http.ServerResponse, path: string) => void {
  return (req, res, path) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('x-request-id', id);
    origins.set(req, { logger, url: req.url });
    if (!QUIET_PATHS.has(path)) {
      const started = performance.now();
      const done = () => {
        res.off('finish', done);
        res.off('close', done);
        const responseTime = Math.round(performance.now() - started);
        // An answer that never finished (the client went away) or a server error is worth a look.
        if (!res.writableFinished) requestLogger(req).warn({ res: { statusCode: res.statusCode }, responseTime }, 'request aborted');
        else if (res.statusCode >= 500) requestLogger(req).error({ res: { statusCode: res.statusCode }, responseTime }, 'request errored');
        else if (logger.isLevelEnabled('info')) requestLogger(req).info({ res: { statusCode: res.statusCode }, responseTime, remoteAddress: clientIp(req) }, 'request completed');
      };
      res.on('finish', done);
      res.on('close', done);
    }
  };
}
