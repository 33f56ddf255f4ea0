import { context, SpanKind, trace, tracer } from '@gatehouse/telemetry';
import type express from 'express';
import type { ApiMetrics } from './api-metrics.js';

/** The routes the API serves; anything else counts as "other" so a scanner cannot mint label values. */
const ROUTES = ['/graphql', '/healthz', '/readyz', '/metrics', '/auth', '/runs'] as const;

function routeOf(path: string): string {
  return ROUTES.find((r) => path === r || path.startsWith(`${r}/`)) ?? 'other';
}

/** Counts and times every HTTP request, rate-limited and malformed ones included. */
export function httpMetrics(metrics: ApiMetrics): express.RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      // originalUrl: inside a mounted router req.path has lost the mount point.
      const route = routeOf(req.originalUrl.split('?')[0]!);
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

/**
 * Opens the server span of a GraphQL request and makes it the active context for the rest of
 * the request, so resolvers' spans (startRun) and the dispatches they write descend from it.
 * Mounted after body parsing, like the request logger: stream callbacks would lose the context.
 * The GraphQL plugin names the span after the operation once it is known.
 */
export function graphqlSpan(): express.RequestHandler {
  return (req, res, next) => {
    const span = tracer().startSpan('graphql', { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.originalUrl.split('?')[0] } });
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      span.end();
    });
    context.with(trace.setSpan(context.active(), span), next);
  };
}
