import { applyRunCommand, assertWorkflowScope, ExceptionItemEntity, fromExceptionItem, fromHandOff, HandOffEntity, insertEntity, inTransaction, isUuid, loadRun, loadWorkflow, recordEvents, toExceptionItem, type Tx, WorkflowVersionEntity } from '@gatehouse/db';
import {
  DomainError,
  assertNever,
  claimException,
  defaultHandOff,
  EXCEPTION_DUE_SOON_MINUTES,
  handOffFromException,
  releaseException,
  resolveException,
  stepOutputSchema,
  type Actor,
  type DomainEvent,
  type ExceptionItem,
  type ExceptionQueueOrder,
  type ExceptionReason,
  type ExceptionSlaState,
  type ExceptionResolution,
  type ExceptionStatus,
  type JsonValue,
  type Run,
  type WorkflowDefinition,
} from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import { Brackets, type DataSource, type SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../graphql/connection.js';

export type AssigneeFilter = 'me' | 'unassigned' | 'any';

export interface ExceptionFilter {
  workflowKey?: string | null;
  /** Only these workflows (the caller's scope); null or absent: every workflow. */
  workflowIds?: readonly string[] | null;
  reasons?: ExceptionReason[] | null;
  statuses?: ExceptionStatus[] | null;
  assignee?: AssigneeFilter | null;
  /** Only items opened at least this many minutes ago. */
  minAgeMinutes?: number | null;
  slaStates?: ExceptionSlaState[] | null;
}

/** An age filter longer than a year is a typo, not a query. */
const MAX_AGE_MINUTES = 525_600;
/** Stands in for "no due time" so due-soonest order and its cursor put those items last. */
const NO_DUE_AT = '9999-12-31T23:59:59.999Z';
const DUE_KEY = `COALESCE(x.due_at, '${NO_DUE_AT}'::timestamptz)`;

/** SQL for each SLA state at :now / :soon; the same boundaries as the domain's exceptionSlaState. */
const SLA_STATE_SQL: Record<ExceptionSlaState, string> = {
  overdue: 'x.due_at < :now',
  due_soon: 'x.due_at >= :now AND x.due_at < :soon',
  on_track: 'x.due_at >= :soon',
  no_sla: 'x.due_at IS NULL',
};

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

  /**
   * The reviewer's queue: oldest first by default, because the oldest item has waited longest;
   * newest first, or due soonest (items without an SLA last). Keyset-paged on (sort key, id).
   */
  async list(
    actor: Actor,
    filter: ExceptionFilter,
    first: number | null | undefined,
    after: string | null | undefined,
    order: ExceptionQueueOrder = 'oldest',
  ): Promise<Connection<ExceptionItem>> {
    const limit = pageSize(first);
    const cursor = decodeCursor(after);
    const now = new Date();
    const qb = this.ds.getRepository(ExceptionItemEntity).createQueryBuilder('x');
    if (filter.workflowKey) {
      const workflow = await loadWorkflow(this.ds.manager, filter.workflowKey);
      qb.andWhere('x.workflow_id = :wid', { wid: workflow.id });
    }
    if (filter.workflowIds) qb.andWhere('x.workflow_id = ANY(:scopeIds::uuid[])', { scopeIds: [...filter.workflowIds] });
    qb.andWhere('x.status IN (:...statuses)', { statuses: filter.statuses?.length ? filter.statuses : ['open', 'claimed'] });
    if (filter.reasons?.length) qb.andWhere('x.reason IN (:...reasons)', { reasons: filter.reasons });
    if (filter.assignee === 'me') qb.andWhere('x.assignee_id = :me', { me: actor.id });
    if (filter.assignee === 'unassigned') qb.andWhere('x.assignee_id IS NULL');
    if (filter.minAgeMinutes !== null && filter.minAgeMinutes !== undefined) {
      const minutes = filter.minAgeMinutes;
      if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_AGE_MINUTES) {
        throw new DomainError('invalid_input', `minAgeMinutes must be a whole number of minutes between 0 and ${MAX_AGE_MINUTES}.`, { field: 'minAgeMinutes' });
      }
      qb.andWhere('x.created_at <= :openedBy', { openedBy: new Date(now.getTime() - minutes * 60_000) });
    }
    if (filter.slaStates?.length) {
      const states = [...new Set(filter.slaStates)];
      qb.andWhere(new Brackets((or) => states.forEach((state) => or.orWhere(`(${SLA_STATE_SQL[state]})`))));
      qb.setParameters({ now, soon: new Date(now.getTime() + EXCEPTION_DUE_SOON_MINUTES * 60_000) });
    }
    const rows = await orderQueue(qb, order, cursor).take(limit + 1).getMany();
    const items = rows.map(toExceptionItem);
    return toConnection(items, limit, (x) => encodeCursor(cursorValue(x, order), x.id));
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
      // Per-workflow scoping: a reviewer claims, releases and resolves only on assigned workflows.
      await assertWorkflowScope(tx, actor, row.workflowId);
      const { state, events, saved } = await apply(tx, toExceptionItem(row), run);
      if (!saved && events.length > 0) await tx.save(ExceptionItemEntity, fromExceptionItem(state));
      await recordEvents(tx, actor, events);
      return state;
    });
  }
}

/** Adds the order and the keyset condition after `cursor` (whose sort value is an ISO instant). */
function orderQueue(
  qb: SelectQueryBuilder<ExceptionItemEntity>,
  order: ExceptionQueueOrder,
  cursor: { sortValue: string | number; id: string } | null,
): SelectQueryBuilder<ExceptionItemEntity> {
  const at = cursor ? { cAt: String(cursor.sortValue), cId: cursor.id } : null;
  switch (order) {
    case 'oldest':
      if (at) qb.andWhere('(x.created_at, x.id) > (:cAt::timestamptz, :cId::uuid)', at);
      return qb.orderBy('x.created_at', 'ASC').addOrderBy('x.id', 'ASC');
    case 'newest':
      if (at) qb.andWhere('(x.created_at, x.id) < (:cAt::timestamptz, :cId::uuid)', at);
      return qb.orderBy('x.created_at', 'DESC').addOrderBy('x.id', 'DESC');
    case 'due_soonest':
      if (at) qb.andWhere(`(${DUE_KEY}, x.id) > (:cAt::timestamptz, :cId::uuid)`, at);
      return qb.orderBy(DUE_KEY, 'ASC').addOrderBy('x.id', 'ASC');
    default:
      return assertNever(order, 'exception queue order');
  }
}

function cursorValue(item: ExceptionItem, order: ExceptionQueueOrder): string {
  if (order === 'due_soonest') return item.dueAt?.toISOString() ?? NO_DUE_AT;
  return item.createdAt.toISOString();
}
