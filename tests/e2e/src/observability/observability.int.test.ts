import { metricValue, scrape, type Sample } from '@gatehouse/telemetry/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The runner's own helper for librdkafka's mock cluster, from its build.
import { kafkaUnavailableReason, startKafkaForTests } from '../../../../apps/runner/dist/dev/kafka-mock-cluster.js';
import { startApiAndRunner, type ApiAndRunner } from './api-and-runner.js';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.js';

/*
 * docs/observability.md, end to end: the built API and runner processes with tracing on
 * (exporting to an OTLP/HTTP receiver inside this test) and their /metrics endpoints, on each
 * transport. Runs started through the API move the counters of both processes by exactly what
 * happened, and one trace follows a run from startRun through the outbox (and Kafka) and every
 * runner step to the action receiver, which sees the same trace id in its traceparent header.
 */
const START_RUN = `mutation ($input: JSON!, $idem: String!) { startRun(workflowKey: "support-triage", input: $input, idempotencyKey: $idem) { run { id } } }`;
const RUN_STATUSES = `{ runs(first: 100) { edges { node { id status } } } exceptionQueue(first: 100) { edges { node { reason } } } }`;

const kafkaUnavailable = kafkaUnavailableReason();
if (kafkaUnavailable) console.warn(`Skipping observability on the Kafka transport: ${kafkaUnavailable}.`);

const delta = (before: Sample[], after: Sample[], name: string, labels: Record<string, string> = {}) => metricValue(after, name, labels) - metricValue(before, name, labels);
const ticket = (n: number, message: string) => ({ ticketId: `OBS-${n}`, customerEmail: 'obs@example.com', message });

describe.each([
  { transport: 'postgres', skip: false },
  { transport: 'kafka', skip: kafkaUnavailable !== null },
])('on the $transport transport', ({ transport, skip }) => {
  let otlp: OtlpReceiver;
  let platform: ApiAndRunner;
  const stops: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    if (skip) return;
    const env: Record<string, string> = { OTEL_BSP_SCHEDULE_DELAY: '200' };
    if (transport === 'kafka') {
      const kafka = await startKafkaForTests();
      stops.unshift(() => kafka.stop());
      Object.assign(env, { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_MAX_WAIT_MS: '100' });
    }
    otlp = await startOtlpReceiver();
    stops.unshift(() => otlp.close());
    platform = await startApiAndRunner({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url });
    stops.unshift(() => platform.stop());
  });
  afterAll(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  async function settled(): Promise<{ exceptions: number }> {
    for (let i = 0; i < 300; i++) {
      const data = await platform.gql<any>('gh_dev_viewer', RUN_STATUSES);
      const runs: Array<{ status: string }> = data.runs.edges.map((e: any) => e.node);
      if (runs.every((r) => r.status !== 'queued' && r.status !== 'running')) return { exceptions: data.exceptionQueue.edges.length };
      await sleep(200);
    }
    throw new Error('runs did not settle');
  }

  it.skipIf(skip)('metrics of the API and the runner move by exactly the runs started and the steps run', async () => {
    await settled(); // the demo runs, seeded at start
    const [apiBefore, runnerBefore] = [await scrape(`${platform.apiUrl}/metrics`), await scrape(platform.runnerMetricsUrl)];

    // Three how-to tickets go straight through (classify, check, branch, send-article); two unclear ones land in the exception queue.
    for (let i = 0; i < 3; i++) await platform.gql('gh_dev_integrator', START_RUN, { input: ticket(i, 'How do I export my data to CSV?'), idem: `obs-howto-${i}` });
    for (let i = 3; i < 5; i++) await platform.gql('gh_dev_integrator', START_RUN, { input: ticket(i, 'Something odd happened'), idem: `obs-unclear-${i}` });
    const { exceptions } = await settled();

    const apiAfter = await scrape(`${platform.apiUrl}/metrics`);
    const startRun = { operation_type: 'mutation', operation: 'startRun' };
    expect(delta(apiBefore, apiAfter, 'gatehouse_graphql_requests_total', startRun)).toBe(5);
    expect(delta(apiBefore, apiAfter, 'gatehouse_graphql_request_duration_seconds_count', startRun)).toBe(5);

    // Counters move just after a batch commits, gauges at the next sample: wait for both.
    const runnerAfter = await waitForSample(
      platform.runnerMetricsUrl,
      (s) => metricValue(s, 'gatehouse_exceptions_open') === exceptions && delta(runnerBefore, s, 'gatehouse_steps_processed_total', { kind: 'action' }) === 3,
    );
    expect(delta(runnerBefore, runnerAfter, 'gatehouse_steps_processed_total', { kind: 'rules' })).toBe(5);
    expect(delta(runnerBefore, runnerAfter, 'gatehouse_steps_processed_total', { kind: 'validate', outcome: 'failed' })).toBe(2);
    expect(delta(runnerBefore, runnerAfter, 'gatehouse_steps_processed_total', { kind: 'route' })).toBe(3);
    expect(delta(runnerBefore, runnerAfter, 'gatehouse_steps_processed_total', { kind: 'action', outcome: 'succeeded' })).toBe(3);
    expect(delta(runnerBefore, runnerAfter, 'gatehouse_step_duration_seconds_count', { kind: 'action' })).toBe(3);
    // The open-exceptions gauge is the exception queue (the demo's unclear ticket and these two).
    expect(exceptions).toBe(3);
    expect(metricValue(runnerAfter, 'gatehouse_exceptions_open')).toBe(exceptions);
    expect(metricValue(runnerAfter, 'gatehouse_exceptions_open', { reason: 'low_confidence' })).toBe(exceptions);
    expect(metricValue(runnerAfter, 'gatehouse_approvals_pending')).toBe(2);
    expect(metricValue(runnerAfter, 'gatehouse_runs_active', { status: 'in_exception' })).toBe(exceptions);
    if (transport === 'kafka') {
      // Everything is processed and committed: the group's lag, sampled after, is zero on every partition it has seen.
      const lagged = await waitForSample(platform.runnerMetricsUrl, (s) => s.some((x) => x.name === 'gatehouse_kafka_consumer_lag') && metricValue(s, 'gatehouse_kafka_consumer_lag') === 0);
      expect(lagged.filter((x) => x.name === 'gatehouse_kafka_consumer_lag').length).toBeGreaterThan(0);
      expect(metricValue(lagged, 'gatehouse_kafka_consumer_lag')).toBe(0);
    }
  });

  it.skipIf(skip)('a run is one trace from startRun to the action receiver, every span carrying the run id', async () => {
    const { startRun } = await platform.gql<any>('gh_dev_integrator', START_RUN, { input: ticket(9, 'How do I reset my password?'), idem: 'obs-traced' });
    const runId: string = startRun.run.id;
    await settled();
    const action = platform.actions.find((a) => a.body.runId === runId);
    expect(action, 'the action receiver was called').toBeDefined();
    const traceparent = String(action!.headers.traceparent);
    const [, traceId, parentSpanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent) ?? [];
    expect(traceId, `traceparent ${traceparent}`).toBeDefined();

    // The processes export every 200 ms; wait for the runner's last span.
    const expected = ['gatehouse-api mutation startRun', 'gatehouse-api gatehouse.start_run', 'gatehouse-runner step rules', 'gatehouse-runner step validate', 'gatehouse-runner step route', 'gatehouse-runner step action', 'gatehouse-runner action send_help_article'];
    let trace = otlp.spans.filter((s) => s.traceId === traceId);
    for (let i = 0; i < 100 && trace.length < expected.length; i++) {
      await sleep(100);
      trace = otlp.spans.filter((s) => s.traceId === traceId);
    }
    expect(trace.map((s) => `${s.service} ${s.name}`).sort()).toEqual([...expected].sort());
    for (const span of trace) expect(span.attributes['gatehouse.run_id'], span.name).toBe(runId);

    // The links: request → startRun → first step → … → last step → action request → receiver.
    const byName = (name: string) => trace.find((s) => s.name === name)!;
    const request = byName('mutation startRun');
    expect(request.parentSpanId).toBeNull();
    expect(byName('gatehouse.start_run').parentSpanId).toBe(request.spanId);
    const steps = ['step rules', 'step validate', 'step route', 'step action'].map(byName);
    expect(steps[0]!.parentSpanId).toBe(byName('gatehouse.start_run').spanId);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.parentSpanId, steps[i]!.name).toBe(steps[i - 1]!.spanId);
    const send = byName('action send_help_article');
    expect(send.parentSpanId).toBe(steps[3]!.spanId);
    expect(parentSpanId).toBe(send.spanId);
    expect(steps[3]!.attributes).toMatchObject({ 'gatehouse.workflow_key': 'support-triage', 'gatehouse.step_id': 'send-article', 'gatehouse.step_kind': 'action', 'gatehouse.attempt': 1, 'gatehouse.outcome': 'succeeded' });

    // The runner's log lines for the run's steps carry the run and the trace.
    const lines = platform.runnerLogs().filter((l) => l.runId === runId);
    expect(lines.map((l) => `${l.stepId}:${l.attempt}`)).toEqual(['classify:1', 'check:1', 'branch:1', 'send-article:1']);
    for (const line of lines) expect(line.trace_id).toBe(traceId);
    expect(lines.map((l) => l.span_id)).toEqual(steps.map((s) => s.spanId));
  });
});

async function waitForSample(url: string, done: (s: Sample[]) => boolean): Promise<Sample[]> {
  let sample = await scrape(url);
  for (let i = 0; i < 100 && !done(sample); i++) {
    await sleep(100);
    sample = await scrape(url);
  }
  return sample;
}
