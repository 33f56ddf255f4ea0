import { trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-node';
import { tracesUrl, type TelemetryEnv } from './telemetry-env.js';

export interface Tracing {
  readonly enabled: boolean;
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Registers the process-wide tracer provider when an OTLP endpoint is configured (JSON over
 * HTTP). Without one nothing is registered: the OpenTelemetry API stays a no-op, so spans,
 * context propagation and the trace ids in logs cost nothing.
 */
export function startTracing(env: TelemetryEnv, defaultServiceName: string): Tracing {
  const url = tracesUrl(env);
  if (!url) return { enabled: false, shutdown: async () => {} };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? defaultServiceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(env.OTEL_TRACES_SAMPLER_ARG) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: env.OTEL_BSP_SCHEDULE_DELAY })],
  });
  // Async-local-storage context manager and the W3C trace context propagator.
  provider.register();
  return {
    enabled: true,
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
    },
  };
}

/** Gatehouse's tracer; a no-op one unless startTracing registered a provider. */
export function tracer(): Tracer {
  return trace.getTracer('gatehouse');
}
