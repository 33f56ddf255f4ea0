import { VersionCache } from '@gatehouse/db';
import { findStep, isCurrentDispatch, parseStepDispatch, type Run, type StepDispatch } from '@gatehouse/domain';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { BatchHandler, DeadLetter, Delivery } from '../transport/transport.js';
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
}

/**
 * The runner's one handler for both transports: decode, drop what is stale, park what a kill
 * switch holds, execute the rest (network steps concurrently) and commit the batch at once.
 */
export function createStepHandler(options: StepHandlerOptions): BatchHandler {
  const versions = options.versions ?? new VersionCache();
  return async (batch: Delivery[]) => {
    const deadLetters: DeadLetter[] = [];
    const decoded: Array<{ delivery: Delivery; dispatch: StepDispatch }> = [];
    for (const delivery of batch) {
      const parsed = parseStepDispatch(delivery.value);
      if (parsed.ok) decoded.push({ delivery, dispatch: parsed.dispatch });
      else deadLetters.push({ delivery, reason: `malformed step dispatch: ${parsed.reason}`, runId: parsed.runId });
    }
    if (decoded.length === 0) return { deadLetters };

    const runs = await loadRuns(options.ds, [...new Set(decoded.map((d) => d.dispatch.runId))]);
    const live: Array<{ dispatch: StepDispatch; run: Run }> = [];
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
      (snapshot.paused ? parked : live).push({ dispatch, run: snapshot.run });
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
        ...(await mapWithConcurrency(live, options.ioConcurrency, async ({ dispatch, run }) => {
          const definition = defs.get(run.versionId);
          const step = definition && findStep(definition, dispatch.stepId);
          if (!definition || !step) throw new Error(`Invariant: run ${run.id} is at step "${dispatch.stepId}", which version ${run.versionId} does not define`);
          const grant = dispatch.decisionId ? decisions.approvals.get(dispatch.decisionId) : undefined;
          const override = dispatch.decisionId ? decisions.exceptions.get(dispatch.decisionId) : undefined;
          return executeStep(options.io, {
            dispatch,
            run,
            definition,
            step,
            prior: prior.get(run.id)!,
            grant: grant && grant.status === 'approved' && grant.runId === run.id && grant.stepId === step.id ? grant : null,
            override: override && override.resolution === 'override_output' && override.runId === run.id && override.stepId === step.id ? override : null,
          });
        })),
      );
    }

    if (executions.length > 0 || parked.length > 0) {
      const result = await commitBatch(options.ds, executions, parked, options);
      if (result.stale > 0) options.logger.info({ stale: result.stale }, 'dropped step results of runs that moved on meanwhile');
      if (result.parked > 0) options.logger.info({ parked: result.parked }, 'held steps of paused workflows');
    }
    return { deadLetters };
  };
}
