import { applyRunCommand, ExceptionItemEntity, fromExceptionItem, fromHandOff, HandOffEntity, insertEntity, inTransaction, isUuid, loadRun, loadWorkflow, recordEvents, toExceptionItem, type Tx, WorkflowVersionEntity } from '@gatehouse/db';
import {
  DomainError,
  claimException,
  defaultHandOff,
  handOffFromException,
  releaseException,
  resolveException,
  stepOutputSchema,
  type Actor,
  type DomainEvent,
  type ExceptionItem,
  type ExceptionReason,
  type ExceptionResolution,
  type ExceptionStatus,
  type JsonValue,
  type Run,
  type WorkflowDefinition,
} from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../graphql/connection.js';

export type AssigneeFilter = 'me' | 'unassigned' | 'any';

export interface ExceptionFilter {
  workflowKey?: string | null;
  reasons?: ExceptionReason[] | null;
  statuses?: ExceptionStatus[] | null;
  assignee?: AssigneeFilter | null;
}

export interface ResolveCommand {
  exceptionId: string;
  resolution: ExceptionResolution;
  note: string;
  output?: JsonValue;
  handOffTo?: string | null;
}

export class ExceptionService {
  constructor(private readonly ds: DataSource) {}

  claim(actor: Actor, id: string): Promise<ExceptionItem> {
    return this.change(actor, id, async (_tx, item) => claimException(item, actor, new Date()));
  }

  release(actor: Actor, id: string): Promise<ExceptionItem> {
    return this.change(actor, id, async (_tx, item) => releaseException(item, actor));
  }

  /** Resolution and the run's next move commit together; retry and override re-dispatch the run. */
  resolve(actor: Actor, cmd: ResolveCommand): Promise<ExceptionItem> {
    return this.change(actor, cmd.exceptionId, async (tx, item, run) => {
      if (!run) throw new Error('Invariant: resolve runs with the run locked');
      const now = new Date();
      const version = await tx.findOneOrFail(WorkflowVersionEntity, { where: { id: run.versionId } });
      const definition = version.definition as unknown as WorkflowDefinition;
      const resolved = resolveException(
        item,
        { resolution: cmd.resolution, note: cmd.note, ...(cmd.output !== undefined ? { output: cmd.output } : {}), handOffTo: cmd.handOffTo ?? null },
        actor,
        now,
        defaultHandOff(definition, item.reason),
        stepOutputSchema(definition, item.stepId),
      );
      await tx.save(ExceptionItemEntity, fromExceptionItem(resolved.state));
      const moved = await applyRunCommand(tx, run, resolved.runCommand, actor, now, item.id);
      // A hand-off is tracked until the manual path reports back (hand-off failure metrics).
      const handOff = handOffFromException(resolved.state, randomUUID(), now);
      if (handOff) await insertEntity(tx, HandOffEntity, fromHandOff(handOff.state));
      return { state: resolved.state, events: [...resolved.events, ...moved.events, ...(handOff?.events ?? [])], saved: true };
    }, { lockRun: true });
  }

  async get(id: string): Promise<ExceptionItem> {
    const row = isUuid(id) ? await this.ds.getRepository(ExceptionItemEntity).findOne({ where: { id } }) : null;
    if (!row) throw new DomainError('not_found', `No exception with id ${id}.`);
    return toExceptionItem(row);
  }

  /** The reviewer's queue: oldest first, because the oldest item is closest to breaching its SLA. */
  async list(actor: Actor, filter: ExceptionFilter, first: number | null | undefined, after: string | null | undefined): Promise<Connection<ExceptionItem>> {
    const limit = pageSize(first);
    const cursor = decodeCursor(after);
    const qb = this.ds.getRepository(ExceptionItemEntity).createQueryBuilder('x');
    if (filter.workflowKey) {
      const workflow = await loadWorkflow(this.ds.manager, filter.workflowKey);
      qb.andWhere('x.workflow_id = :wid', { wid: workflow.id });
    }
    qb.andWhere('x.status IN (:...statuses)', { statuses: filter.statuses?.length ? filter.statuses : ['open', 'claimed'] });
    if (filter.reasons?.length) qb.andWhere('x.reason IN (:...reasons)', { reasons: filter.reasons });
    if (filter.assignee === 'me') qb.andWhere('x.assignee_id = :me', { me: actor.id });
    if (filter.assignee === 'unassigned') qb.andWhere('x.assignee_id IS NULL');
    if (cursor) qb.andWhere('(x.created_at, x.id) > (:cAt::timestamptz, :cId::uuid)', { cAt: String(cursor.sortValue), cId: cursor.id });
    const rows = await qb.orderBy('x.created_at', 'ASC').addOrderBy('x.id', 'ASC').take(limit + 1).getMany();
    return toConnection(rows.map(toExceptionItem), limit, (x) => encodeCursor(x.createdAt.toISOString(), x.id));
  }

  /**
   * Locks the item (and, for changes that move the run, the run first: the order cancelRun
   * takes them in, so a resolution racing a cancel waits instead of deadlocking), applies one
   * domain transition, saves it and audits it.
   */
  private change(
    actor: Actor,
    id: string,
    apply: (tx: Tx, item: ExceptionItem, run: Run | null) => Promise<{ state: ExceptionItem; events: DomainEvent[]; saved?: boolean }>,
    options: { lockRun?: boolean } = {},
  ): Promise<ExceptionItem> {
    if (!isUuid(id)) throw new DomainError('not_found', `No exception with id ${id}.`);
    return inTransaction(this.ds, async (tx) => {
      let run: Run | null = null;
      if (options.lockRun) {
        // run_id never changes, so reading it unlocked to find which run to lock first is safe.
        const ref = await tx.findOne(ExceptionItemEntity, { where: { id }, select: { id: true, runId: true } });
        if (!ref) throw new DomainError('not_found', `No exception with id ${id}.`);
        run = await loadRun(tx, ref.runId, true);
      }
      // Row lock: two reviewers claiming at once serialize, and the second sees the first's claim.
      const row = await tx.findOne(ExceptionItemEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new DomainError('not_found', `No exception with id ${id}.`);
      const { state, events, saved } = await apply(tx, toExceptionItem(row), run);
      if (!saved && events.length > 0) await tx.save(ExceptionItemEntity, fromExceptionItem(state));
      await recordEvents(tx, actor, events);
      return state;
    });
  }
}
