import { z } from 'zod';

const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional();

/**
 * Environment of metrics and tracing, shared by the API and the runner (each app spreads it
 * into its own schema, so it is still parsed once at start). The OTEL_* names are the
 * OpenTelemetry specification's, so collectors' usual settings apply unchanged.
 */
export const telemetryEnvShape = {
  /** Bearer token /metrics requires when set; in production /metrics answers 401 until it is set. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** OTLP/HTTP collector base URL (`/v1/traces` is appended); unset: tracing off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: url,
  /** Full OTLP/HTTP traces URL; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url,
  /** The service name spans carry; default: the app's (gatehouse-api, gatehouse-runner). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** Share of new traces recorded (0–1); a trace started upstream keeps its parent's decision. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number({ message: 'must be a number' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(1),
  /** How often finished spans are exported, in milliseconds. */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').positive('must be positive').default(5000),
};

export interface TelemetryEnv {
  NODE_ENV: string;
  METRICS_TOKEN?: string | undefined;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_SERVICE_NAME?: string | undefined;
  OTEL_TRACES_SAMPLER_ARG: number;
  OTEL_BSP_SCHEDULE_DELAY: number;
}

/** Where spans go, or null when tracing is off (no endpoint configured). */
export function tracesUrl(env: Pick<TelemetryEnv, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'>): string | null {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return null;
}

/**
 * Who may read /metrics: with a token, whoever sends it; without one, everybody outside
 * production and nobody in production (metrics name workflows and reveal load: not public by default).
 */
export function metricsAccess(env: Pick<TelemetryEnv, 'NODE_ENV' | 'METRICS_TOKEN'>): MetricsAccess {
  if (env.METRICS_TOKEN) return { kind: 'token', token: env.METRICS_TOKEN };
  return env.NODE_ENV === 'production' ? { kind: 'closed' } : { kind: 'open' };
}

export type MetricsAccess = { kind: 'open' } | { kind: 'closed' } | { kind: 'token'; token: string };
