import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, describe, expect, it } from 'vitest';
import { contextFromTraceparent, currentTraceparent, inSpan, logTraceIds } from './trace-context.js';

describe('trace context without a provider (tracing off)', () => {
  it('carries nothing and adds nothing to logs', async () => {
    await inSpan('off', {}, async () => {
      expect(currentTraceparent()).toBeUndefined();
      expect(logTraceIds()).toEqual({});
    });
  });
});

describe('trace context with a provider', () => {
  const exporter = new InMemorySpanExporter();
  afterAll(() => trace.disable());

  it('carries a span across a message as a W3C traceparent', async () => {
    new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
    let carried: string | undefined;
    await inSpan('producer', { 'gatehouse.run_id': 'r1' }, async () => {
      carried = currentTraceparent();
      expect(logTraceIds().trace_id).toMatch(/^[0-9a-f]{32}$/);
    });
    expect(carried).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await inSpan('consumer', {}, async () => {}, contextFromTraceparent(carried));
    await expect(inSpan('failing', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

    const [producer, consumer, failing] = exporter.getFinishedSpans();
    expect(producer!.attributes['gatehouse.run_id']).toBe('r1');
    expect(consumer!.spanContext().traceId).toBe(producer!.spanContext().traceId);
    expect(consumer!.parentSpanContext?.spanId).toBe(producer!.spanContext().spanId);
    expect(failing!.status.code).toBe(2);
  });
});
