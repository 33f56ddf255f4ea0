export * from './metrics-endpoint.js';
export * from './metrics-registry.js';
export * from './telemetry-env.js';
export * from './trace-context.js';
export * from './tracing.js';
// The instruments and tracing API the apps use, from the one pinned copy.
export { Counter, Gauge, Histogram, type Registry } from 'prom-client';
export { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
