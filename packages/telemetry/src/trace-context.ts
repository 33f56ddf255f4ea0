import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { tracer } from './tracing.js';

/** Span attribute names shared by the API and the runner (docs/observability.md). */
export const SPAN_ATTRIBUTES = {
  runId: 'gatehouse.run_id',
  workflowKey: 'gatehouse.workflow_key',
  stepId: 'gatehouse.step_id',
  stepKind: 'gatehouse.step_kind',
  attempt: 'gatehouse.attempt',
  outcome: 'gatehouse.outcome',
} as const;

/** The W3C traceparent of the active span, to carry in a message; undefined when tracing is off. */
export function currentTraceparent(): string | undefined {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** A context whose parent is the span a message's traceparent names (a fresh root without one). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/**
 * Runs `fn` inside a new active span (a child of `parent`, default: the active context). An
 * error marks the span failed and is rethrown. With tracing off the span is a no-op.
 */
export function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>, parent: Context = context.active(), kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer().startActiveSpan(name, { attributes, kind }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * pino `mixin`: the active span's ids on every log line, so a log line leads to its trace.
 * Only installed when tracing is on.
 */
export function logTraceIds(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
