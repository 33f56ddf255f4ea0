import { context, SpanKind, trace, tracer } from '@gatehouse/telemetry';
import type http from 'node:http';
import type { ApiMetrics } from './api-metrics.js';

/** The routes the API serves; anything else counts as "other" so a scanner cannot mint label values. */
const ROUTES = ['/graphql', '/healthz', '/readyz', '/metrics', '/auth', '/runs'] as const;

function routeOf(path: string): string {
  return ROUTES.find((r) => path === r || path.startsWith(`${r}/`)) ?? 'other';
}

/** Counts and times every HTTP request, rate-limited and malformed ones included. */
export function httpMetrics(metrics: ApiMetrics): (req: http.IncomingMessage, res: http.ServerResponse, path: string) => void {
  return (req, res, path) => {
    const started = process.hrtime.bigint();
    const route = routeOf(path);
    res.once('finish', () => {
      const method = req.method ?? 'OTHER';
      metrics.httpRequests.inc({ method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
  };
}

/**
 * Runs `work` (the GraphQL operation) in the request's server span, so resolvers' spans
 * (startRun) and the dispatches they write descend from it. Called after the body is read:
 * stream callbacks would lose the context. The GraphQL plugin names the span after the
 * operation once it is known.
 */
export function inGraphqlSpan<T>(req: http.IncomingMessage, res: http.ServerResponse, path: string, work: () => Promise<T>): Promise<T> {
  const span = tracer().startSpan('graphql', { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': path } });
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    span.end();
  });
  return context.with(trace.setSpan(context.active(), span), work);
}
