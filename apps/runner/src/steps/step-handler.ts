import { VersionCache, type Tx } from '@gatehouse/db';
import { findStep, isCurrentDispatch, parseStepDispatch, type Run, type StepDispatch } from '@gatehouse/domain';
import { contextFromTraceparent, currentTraceparent, inSpan, SPAN_ATTRIBUTES, SpanStatusCode } from '@gatehouse/telemetry';
import type { Logger } from 'pino';
import type { RunnerMetrics } from '../metrics/runner-metrics.js';
import type { DataSource } from 'typeorm';
import type { BatchControls, BatchHandler, DeadLetter, Delivery } from '../transport/transport.js';
import { loadDecisions, loadPriorAttempts, loadRuns } from './batch-context.js';
import { commitBatch, type CommitOptions, type ParkedDispatch } from './commit-batch.js';
import { executeStep, type Execution, type StepIo } from './execute-step.js';
import { mapWithConcurrency } from './map-with-concurrency.js';

export interface StepHandlerOptions extends CommitOptions {
  ds: DataSource;
  io: StepIo;
  logger: Logger;
  /** Steps of one batch that may wait on the network at once. */
  ioConcurrency: number;
  versions?: VersionCache;
  /** The process's instruments; unset (most tests): nothing is measured. */
  metrics?: RunnerMetrics;
}

/**
 * The runner's one handler for both transports: decode, drop what is stale, park what a kill
 * switch holds, execute the rest (network steps concurrently) and commit the batch at once.
 */
export function createStepHandler(options: StepHandlerOptions): BatchHandler {
  const versions = options.versions ?? new VersionCache();
  const { metrics } = options;
  return async (batch: Delivery[], controls?: BatchControls) => {
    metrics?.batchSize.observe({ transport: options.transport }, batch.length);
    const deadLetters: DeadLetter[] = [];
    const decoded: Array<{ delivery: Delivery; dispatch: StepDispatch }> = [];
    for (const delivery of batch) {
      const parsed = parseStepDispatch(delivery.value);
      if (parsed.ok) decoded.push({ delivery, dispatch: parsed.dispatch });
      else deadLetters.push({ delivery, reason: `malformed step dispatch: ${parsed.reason}`, runId: parsed.runId });
    }
    if (decoded.length === 0) {
      metrics?.deadLettered.inc({ transport: options.transport }, deadLetters.length);
      return { deadLetters };
    }

    const runs = await loadRuns(options.ds, [...new Set(decoded.map((d) => d.dispatch.runId))]);
    const live: Array<{ dispatch: StepDispatch; run: Run; workflowKey: string }> = [];
    const parked: ParkedDispatch[] = [];
    const seen = new Set<string>();
    for (const { delivery, dispatch } of decoded) {
      const snapshot = runs.get(dispatch.runId);
      if (!snapshot) {
        deadLetters.push({ delivery, reason: `no run ${dispatch.runId} in this database`, runId: dispatch.runId });
        continue;
      }
      // A batch can hold the same dispatch twice (a redelivery next to the original).
      const identity = `${dispatch.runId}#${dispatch.seq ?? 'legacy'}`;
      if (!isCurrentDispatch(snapshot.run, dispatch) || seen.has(identity)) continue;
      seen.add(identity);
      if (snapshot.paused) parked.push({ dispatch, run: snapshot.run });
      else live.push({ dispatch, run: snapshot.run, workflowKey: snapshot.workflowKey });
    }

    const executions: Execution[] = [];
    if (live.length > 0) {
      const runIds = live.map((l) => l.run.id);
      const [defs, prior, decisions] = await Promise.all([
        versions.definitions(options.ds.manager, live.map((l) => l.run.versionId)),
        loadPriorAttempts(options.ds, runIds),
        loadDecisions(
          options.ds,
          live.filter((l) => l.dispatch.cause === 'approval_granted' && l.dispatch.decisionId).map((l) => l.dispatch.decisionId!),
          live.filter((l) => l.dispatch.cause === 'exception_override' && l.dispatch.decisionId).map((l) => l.dispatch.decisionId!),
        ),
      ]);
      executions.push(
        ...(await mapWithConcurrency(live, options.ioConcurrency, async ({ dispatch, run, workflowKey }) => {
          const definition = defs.get(run.versionId);
          const step = definition && findStep(definition, dispatch.stepId);
          if (!definition || !step) throw new Error(`Invariant: run ${run.id} is at step "${dispatch.stepId}", which version ${run.versionId} does not define`);
          const grant = dispatch.decisionId ? decisions.approvals.get(dispatch.decisionId) : undefined;
          const override = dispatch.decisionId ? decisions.exceptions.get(dispatch.decisionId) : undefined;
          const input = {
            dispatch,
            run,
            definition,
            step,
            prior: prior.get(run.id)!,
            grant: grant && grant.status === 'approved' && grant.runId === run.id && grant.stepId === step.id ? grant : null,
            override: override && override.resolution === 'override_output' && override.runId === run.id && override.stepId === step.id ? override : null,
          };
          // One span per step execution, continuing the trace of whoever dispatched it (startRun, the previous step, a decision).
          const attributes = { [SPAN_ATTRIBUTES.runId]: run.id, [SPAN_ATTRIBUTES.workflowKey]: workflowKey, [SPAN_ATTRIBUTES.stepId]: step.id, [SPAN_ATTRIBUTES.stepKind]: step.kind, 'gatehouse.dispatch_cause': dispatch.cause };
          return inSpan(`step ${step.kind}`, attributes, async (span) => {
            const execution = await executeStep(options.io, input);
            const { outcome } = execution;
            span.setAttributes({ [SPAN_ATTRIBUTES.attempt]: execution.attempt, [SPAN_ATTRIBUTES.outcome]: outcome.type, ...(outcome.type === 'failed' ? { 'gatehouse.failure_reason': outcome.reason } : {}) });
            if (outcome.type === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.message });
            logStep(options.logger, execution, workflowKey);
            const traceparent = currentTraceparent();
            return traceparent ? { ...execution, traceparent } : execution;
          }, contextFromTraceparent(dispatch.traceparent));
        })),
      );
    }

    if (executions.length > 0 || parked.length > 0) {
      // The dead letters are all known by now: the batch is acknowledged with its effects.
      const acknowledge = controls?.acknowledgeIn && ((tx: Tx) => controls.acknowledgeIn!(tx, deadLetters));
      const result = await commitBatch(options.ds, executions, parked, { ...options, ...(acknowledge ? { acknowledge } : {}) });
      if (metrics) observeSteps(metrics, executions, result.stale);
      if (result.stale > 0) options.logger.info({ stale: result.stale }, 'dropped step results of runs that moved on meanwhile');
      if (result.parked > 0) options.logger.info({ parked: result.parked }, 'held steps of paused workflows');
    }
    metrics?.deadLettered.inc({ transport: options.transport }, deadLetters.length);
    return { deadLetters };
  };
}

/**
 * A step's own log line, from a child logger carrying the run, step and attempt (and, with
 * tracing on, the trace and span ids). Failures at info; the rest at debug, so a busy runner
 * at the default level does not write a line per step.
 */
function logStep(logger: Logger, e: Execution, workflowKey: string): void {
  const failed = e.outcome.type === 'failed';
  if (!logger.isLevelEnabled(failed ? 'info' : 'debug')) return;
  const log = logger.child({ runId: e.run.id, workflowKey, stepId: e.step.id, stepKind: e.step.kind, attempt: e.attempt });
  const durationMs = e.finishedAt.getTime() - e.startedAt.getTime();
  if (e.outcome.type === 'failed') log.info({ outcome: 'failed', reason: e.outcome.reason, retryable: e.outcome.retryable, error: e.outcome.message, durationMs }, 'step failed');
  else log.debug({ outcome: e.outcome.type, durationMs }, 'step executed');
}

/** After the commit: the batch's steps count (stale results too: they ran, their result was dropped). */
function observeSteps(metrics: RunnerMetrics, executions: Execution[], stale: number): void {
  for (const e of executions) {
    const labels = { kind: e.step.kind, outcome: e.outcome.type };
    metrics.stepsProcessed.inc(labels);
    metrics.stepDuration.observe(labels, (e.finishedAt.getTime() - e.startedAt.getTime()) / 1000);
  }
  if (stale > 0) metrics.staleResults.inc(stale);
}
