import { applyRunCommand, ApprovalEntity, assertWorkflowScope, auditInputFor, VersionCache, ExceptionItemEntity, fromShadowOutcome, insertEntity, inTransaction, isUuid, loadRun, loadWorkflow, pgPoolOf, recordEvents, RunEntity, ShadowOutcomeEntity, StepAttemptEntity, toApproval, toExceptionItem, toRun, toShadowOutcome, toStepAttempt, toWorkflow, type Tx, WorkflowEntity } from '@gatehouse/db';
import { context, currentTraceparent, inSpan, SPAN_ATTRIBUTES, trace } from '@gatehouse/telemetry';
import {
  DomainError,
  canonicalInput,
  createChallengerRun,
  createRun,
  sampledForChallenger,
  type Transition,
  type Workflow,
  recordHumanOutcome,
  resolveIdempotentStart,
  type Actor,
  type Approval,
  type ExceptionItem,
  type JsonValue,
  type Run,
  type RunStatus,
  type ShadowOutcome,
  type StepAttempt,
} from '@gatehouse/domain';
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../graphql/connection.js';
import type { AuditSealer } from '../audit/audit-sealer.js';
import { StartRunBatcher } from './start-run-batcher.js';
import { WorkflowSnapshots } from './workflow-snapshots.js';

export interface StartRunCommand {
  workflowKey: string;
  input: unknown;
  idempotencyKey: string;
  externalRef?: string | null;
}

export interface RunFilter {
  workflowKey?: string | null;
  statuses?: RunStatus[] | null;
  externalRef?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  /** true: only challenger runs (which shadow live runs); otherwise only live runs. */
  challengerRuns?: boolean | null;
}

export class RunService {
  private readonly versions = new VersionCache();
  private readonly workflows = new WorkflowSnapshots();
  private readonly inserts: StartRunBatcher;
  constructor(
    private readonly ds: DataSource,
    private readonly sealer: AuditSealer,
  ) {
    this.inserts = new StartRunBatcher(() => pgPoolOf(ds));
  }

  /**
   * Validates the input, then inserts the run, its first dispatch and its audit event in ONE
   * statement. Same idempotency key + same input returns the existing run (also under a race:
   * the unique index decides and the loser reads the winner's row).
   */
  start(actor: Actor, cmd: StartRunCommand): Promise<{ run: Run; replayed: boolean }> {
    // The request's span (if any) gets the run id too: every span of a run carries it.
    const request = trace.getSpan(context.active());
    return inSpan('gatehouse.start_run', { [SPAN_ATTRIBUTES.workflowKey]: cmd.workflowKey }, async (span) => {
      const started = await this.startInSpan(actor, cmd);
      for (const s of [span, request]) s?.setAttribute(SPAN_ATTRIBUTES.runId, started.run.id);
      span.setAttribute('gatehouse.replayed', started.replayed);
      return started;
    });
  }

  private async startInSpan(actor: Actor, cmd: StartRunCommand): Promise<{ run: Run; replayed: boolean }> {
    const inputHash = createHash('sha256').update(canonicalInput(cmd.input)).digest('hex');
    const key = cmd.idempotencyKey.trim();
    const db = this.ds.manager;
    for (let attempt = 1; ; attempt++) {
      // A snapshot first; after 'workflow_changed' the row itself (see WorkflowSnapshots).
      const workflow = await this.workflows.get(db, cmd.workflowKey, attempt > 1);
      const version = await this.versions.published(db, workflow);
      const replay = async () => {
        const existing = await db.findOne(RunEntity, { where: { workflowId: workflow.id, idempotencyKey: key } });
        return existing ? { run: resolveIdempotentStart(toRun(existing), inputHash), replayed: true } : null;
      };
      let created: ReturnType<typeof createRun>;
      try {
        created = createRun(workflow, version, { id: randomUUID(), input: cmd.input, inputHash, idempotencyKey: key, externalRef: cmd.externalRef ?? null }, actor, new Date());
      } catch (error) {
        // A retry of a request that was accepted earlier gets its run, even if the workflow
        // changed since (a new version whose schema the old input no longer meets).
        const earlier = error instanceof DomainError ? await replay() : null;
        if (earlier) return earlier;
        throw error;
      }
      const { state, events } = created;
      const shadowed = await this.challengerRunFor(db, workflow, state);
      if (shadowed) events.push(...shadowed.events);
      // Staged rather than appended: the chain's lock is not taken on this hot path (see stageAuditEvents).
      const audit = events.map((e) => auditInputFor(actor, { ...e, data: { ...e.data, workflowKey: workflow.key } }));
      const traceparent = currentTraceparent();
      const outcome = await this.inserts.insert({
        run: state,
        audit,
        workflowChallenger: workflow.challenger ?? null,
        challenger: shadowed?.state ?? null,
        ...(traceparent ? { traceparent } : {}),
      });
      if (outcome === 'inserted') {
        this.sealer.soon();
        return { run: state, replayed: false };
      }
      // The unique (workflow, idempotency key) index decided for an earlier run, also when two
      // requests with one key race.
      if (outcome === 'key_taken') return (await replay())!;
      // The workflow was published, promoted or rolled back since it was read (or snapshotted).
      if (attempt >= 3) throw new DomainError('conflict', `Workflow "${workflow.key}" is changing; start the run again.`, { workflowKey: workflow.key });
    }
  }

  /** The challenger run shadowing a new live run, when the workflow has a challenger and the run is in its share. */
  private async challengerRunFor(db: Tx, workflow: Workflow, run: Run): Promise<Transition<Run> | null> {
    const challenger = workflow.challenger;
    if (!challenger || !sampledForChallenger(run.id, challenger.sharePercent)) return null;
    const version = await this.versions.byId(db, challenger.versionId);
    return version ? createChallengerRun(run, version, randomUUID(), run.createdAt) : null;
  }

  cancel(actor: Actor, runId: string, reason: string): Promise<Run> {
    if (!reason.trim()) throw new DomainError('invalid_input', 'Say why the run is cancelled (reason is required).', { field: 'reason' });
    this.assertId(runId);
    return inTransaction(this.ds, async (tx) => {
      const run = await loadRun(tx, runId, true);
      const { run: next, events } = await applyRunCommand(tx, run, { type: 'cancel', reason: reason.trim() }, actor, new Date());
      await recordEvents(tx, actor, events);
      return next;
    });
  }

  recordHumanOutcome(actor: Actor, runId: string, outcome: JsonValue): Promise<ShadowOutcome> {
    this.assertId(runId);
    return inTransaction(this.ds, async (tx) => {
      const run = await loadRun(tx, runId, true);
      await assertWorkflowScope(tx, actor, run.workflowId);
      const existing = await tx.findOne(ShadowOutcomeEntity, { where: { runId } });
      // Agreement is judged by the run's workflow's rule as it stands when the outcome is recorded.
      const workflow = toWorkflow(await tx.findOneOrFail(WorkflowEntity, { where: { id: run.workflowId } }));
      const { state, events } = recordHumanOutcome(run, existing ? toShadowOutcome(existing) : null, outcome, workflow.evaluation, actor, new Date());
      await insertEntity(tx, ShadowOutcomeEntity, fromShadowOutcome(state));
      await recordEvents(tx, actor, events);
      return state;
    });
  }

  async get(runId: string): Promise<Run> {
    this.assertId(runId);
    return loadRun(this.ds.manager, runId);
  }

  async list(filter: RunFilter, first: number | null | undefined, after: string | null | undefined): Promise<Connection<Run>> {
    const limit = pageSize(first);
    const cursor = decodeCursor(after);
    const qb = this.ds.getRepository(RunEntity).createQueryBuilder('r');
    if (filter.workflowKey) {
      const workflow = await loadWorkflow(this.ds.manager, filter.workflowKey);
      qb.andWhere('r.workflow_id = :wid', { wid: workflow.id });
    }
    // Challenger runs shadow live runs; they are listed only when asked for.
    qb.andWhere(filter.challengerRuns ? 'r.champion_run_id IS NOT NULL' : 'r.champion_run_id IS NULL');
    if (filter.statuses?.length) qb.andWhere('r.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter.externalRef) qb.andWhere('r.external_ref = :ref', { ref: filter.externalRef });
    if (filter.createdAfter) qb.andWhere('r.created_at >= :after', { after: filter.createdAfter });
    if (filter.createdBefore) qb.andWhere('r.created_at < :before', { before: filter.createdBefore });
    if (cursor) qb.andWhere('(r.created_at, r.id) < (:cAt::timestamptz, :cId::uuid)', { cAt: String(cursor.sortValue), cId: cursor.id });
    const rows = await qb.orderBy('r.created_at', 'DESC').addOrderBy('r.id', 'DESC').take(limit + 1).getMany();
    return toConnection(rows.map(toRun), limit, (r) => encodeCursor(r.createdAt.toISOString(), r.id));
  }

  /** The challenger run that shadows a live run, if any (runs_champion_idx). */
  async challengerRunOf(runId: string): Promise<Run | null> {
    const row = await this.ds.getRepository(RunEntity).findOne({ where: { championRunId: runId } });
    return row ? toRun(row) : null;
  }

  async stepAttempts(runId: string): Promise<StepAttempt[]> {
    const rows = await this.ds.getRepository(StepAttemptEntity).find({ where: { runId }, order: { startedAt: 'ASC', attempt: 'ASC' } });
    return rows.map(toStepAttempt);
  }

  async approvals(runId: string): Promise<Approval[]> {
    const rows = await this.ds.getRepository(ApprovalEntity).find({ where: { runId }, order: { createdAt: 'ASC' } });
    return rows.map(toApproval);
  }

  async exceptions(runId: string): Promise<ExceptionItem[]> {
    const rows = await this.ds.getRepository(ExceptionItemEntity).find({ where: { runId }, order: { createdAt: 'ASC' } });
    return rows.map(toExceptionItem);
  }

  async shadowOutcome(runId: string): Promise<ShadowOutcome | null> {
    const row = await this.ds.getRepository(ShadowOutcomeEntity).findOne({ where: { runId } });
    return row ? toShadowOutcome(row) : null;
  }

  private assertId(runId: string): void {
    if (!isUuid(runId)) throw new DomainError('not_found', `No run with id ${runId} (run ids are UUIDs).`, { runId });
  }
}
