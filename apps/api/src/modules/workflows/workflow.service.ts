import { deleteWorkflowReviewer, fromPromotionSignOff, insertWorkflowReviewer, isAssignedReviewer, workflowReviewerIds, fromVersion, fromWorkflow, insertEntity, loadPromotionEvidence, PromotionSignOffEntity, releaseParkedDispatches, inTransaction, loadPublishedVersion, loadVersion, loadWorkflow, recordEvents, resolvePrincipalRef, toVersion, toWorkflow, type Tx, WorkflowEntity, WorkflowVersionEntity } from '@gatehouse/db';
import {
  DomainError,
  approveVersion,
  assertRunbookForStage,
  assignReviewer,
  changeRolloutStage,
  checkChallengerSwitch,
  createVersion,
  createWorkflow,
  pauseWorkflow,
  previousPublished,
  proposeVersion,
  publishVersion,
  rejectVersion,
  resumeWorkflow,
  rollbackTo,
  unassignReviewer,
  isRole,
  updateWorkflow,
  type Actor,
  type DomainEvent,
  type Outcome,
  type Role,
  type RolloutStage,
  type Workflow,
  type WorkflowOwners,
  type WorkflowVersion,
} from '@gatehouse/domain';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadChallengerComparison } from '../challengers/challenger-comparison.js';

export interface OwnerRefs {
  operationalOwner?: string | null;
  changeApprover?: string | null;
  failureReviewer?: string | null;
}

export interface CreateWorkflowCommand {
  key: string;
  name: string;
  description?: string | null;
  outcome?: Outcome | null;
  owners?: OwnerRefs | null;
}

export interface UpdateWorkflowCommand {
  name?: string | null;
  description?: string | null;
  outcome?: Outcome | null;
  owners?: OwnerRefs | null;
}

/** Workflow definitions, versions, rollout stage and the kill switch: load → domain → save → audit. */
export class WorkflowService {
  constructor(private readonly ds: DataSource) {}

  async list(): Promise<Workflow[]> {
    const rows = await this.ds.getRepository(WorkflowEntity).find({ order: { key: 'ASC' } });
    return rows.map(toWorkflow);
  }

  async get(key: string): Promise<Workflow> {
    return loadWorkflow(this.ds.manager, key);
  }

  async getById(id: string): Promise<Workflow | null> {
    const row = await this.ds.getRepository(WorkflowEntity).findOne({ where: { id } });
    return row ? toWorkflow(row) : null;
  }

  async versions(workflowId: string): Promise<WorkflowVersion[]> {
    const rows = await this.ds.getRepository(WorkflowVersionEntity).find({ where: { workflowId }, order: { version: 'DESC' } });
    return rows.map(toVersion);
  }

  async versionById(id: string): Promise<WorkflowVersion | null> {
    const row = await this.ds.getRepository(WorkflowVersionEntity).findOne({ where: { id } });
    return row ? toVersion(row) : null;
  }

  create(actor: Actor, cmd: CreateWorkflowCommand): Promise<Workflow> {
    return inTransaction(this.ds, async (tx) => {
      if (await tx.exists(WorkflowEntity, { where: { key: cmd.key } })) throw duplicateKey(cmd.key);
      const owners = await this.resolveOwners(tx, cmd.owners);
      const { state, events } = createWorkflow(
        { id: randomUUID(), key: cmd.key, name: cmd.name, description: cmd.description ?? '', outcome: cmd.outcome ?? null, owners },
        actor,
        new Date(),
      );
      // A concurrent create of the same key that committed first: the unique key decides.
      const inserted = await tx.createQueryBuilder().insert().into(WorkflowEntity).values(fromWorkflow(state) as never).orIgnore().returning(['id']).execute();
      if (inserted.raw.length === 0) throw duplicateKey(cmd.key);
      await recordEvents(tx, actor, events);
      return state;
    });
  }

  update(actor: Actor, key: string, cmd: UpdateWorkflowCommand): Promise<Workflow> {
    return this.change(actor, key, async (tx, workflow) => {
      const owners = cmd.owners ? await this.resolveOwners(tx, cmd.owners) : undefined;
      return updateWorkflow(
        workflow,
        {
          ...(cmd.name != null ? { name: cmd.name } : {}),
          ...(cmd.description != null ? { description: cmd.description } : {}),
          ...(cmd.outcome !== undefined ? { outcome: cmd.outcome } : {}),
          ...(owners ? { owners } : {}),
        },
        new Date(),
      );
    });
  }

  /** `runbook`: the reviewers' Markdown runbook, versioned with the definition (docs/runbooks.md). */
  propose(actor: Actor, key: string, definition: unknown, changeNote: string | null | undefined, runbook: string | null = null): Promise<WorkflowVersion> {
    return inTransaction(this.ds, async (tx) => {
      // The workflow row lock serializes version numbering.
      const workflow = await loadWorkflow(tx, key, true);
      const { max } = (await tx
        .createQueryBuilder(WorkflowVersionEntity, 'v')
        .select('COALESCE(MAX(v.version), 0)', 'max')
        .where('v.workflow_id = :id', { id: workflow.id })
        .getRawOne<{ max: number }>()) ?? { max: 0 };
      const now = new Date();
      const draft = createVersion({ id: randomUUID(), workflowId: workflow.id, version: Number(max) + 1, definition, changeNote: changeNote ?? '', runbook }, actor, now);
      const proposed = proposeVersion(draft.state, actor);
      await insertEntity(tx, WorkflowVersionEntity, fromVersion(proposed.state));
      await recordEvents(tx, actor, [...draft.events, ...proposed.events].map((e) => withData(e, { workflowKey: key })));
      return proposed.state;
    });
  }

  approve(actor: Actor, key: string, version: number, note: string | null | undefined): Promise<WorkflowVersion> {
    return this.decideVersion(actor, key, version, (workflow, v) => approveVersion(workflow, v, actor, new Date(), note ?? ''));
  }

  reject(actor: Actor, key: string, version: number, reason: string): Promise<WorkflowVersion> {
    return this.decideVersion(actor, key, version, (workflow, v) => rejectVersion(workflow, v, actor, reason, new Date()));
  }

  /** Publishing the attached challenger is the switch to it, gated on its measured agreement (checkChallengerSwitch). */
  publish(actor: Actor, key: string, version: number, overrideReason: string | null = null): Promise<Workflow> {
    return inTransaction(this.ds, async (tx) => {
      const workflow = await loadWorkflow(tx, key, true);
      const target = await loadVersion(tx, workflow, version, true);
      const current = await loadPublishedVersion(tx, workflow);
      const comparison = workflow.challenger?.versionId === target.id ? await loadChallengerComparison(tx, workflow) : null;
      const evidence = checkChallengerSwitch(workflow, target, comparison, actor, overrideReason);
      const result = publishVersion(workflow, target, current, actor, new Date(), evidence);
      return this.savePublish(tx, actor, result);
    });
  }

  rollback(actor: Actor, key: string, targetVersion: number | null | undefined, reason: string): Promise<Workflow> {
    return inTransaction(this.ds, async (tx) => {
      const workflow = await loadWorkflow(tx, key, true);
      const current = await loadPublishedVersion(tx, workflow);
      let target: WorkflowVersion | null;
      if (targetVersion != null) {
        target = await loadVersion(tx, workflow, targetVersion, true);
      } else {
        const all = (await tx.find(WorkflowVersionEntity, { where: { workflowId: workflow.id } })).map(toVersion);
        target = previousPublished(all);
        if (!target) throw new DomainError('precondition_failed', `Workflow "${key}" has no earlier published version to roll back to.`);
      }
      const result = rollbackTo(workflow, target, current, actor, new Date(), reason);
      return this.savePublish(tx, actor, result);
    });
  }

  /** Through the promotion gate (agreement, sign-off, readiness); `override` is an admin's audited bypass. */
  setStage(actor: Actor, key: string, stage: RolloutStage, reason: string, override = false): Promise<Workflow> {
    return this.change(actor, key, async (tx, workflow) => {
      // Checked before the gate and never overridden: execute needs the live version's runbook complete.
      const published = stage === 'execute' ? await loadPublishedVersion(tx, workflow) : undefined;
      if (published !== undefined) assertRunbookForStage(workflow, stage, published);
      // The sign-off row is locked so two concurrent promotions cannot both use it.
      const evidence = await loadPromotionEvidence(tx, workflow, stage, true, published);
      const { state, events, consumedSignOff } = changeRolloutStage(workflow, { stage, reason, override }, evidence, actor, new Date());
      if (consumedSignOff) await tx.save(PromotionSignOffEntity, fromPromotionSignOff(consumedSignOff));
      return { state, events };
    });
  }

  pause(actor: Actor, key: string, reason: string): Promise<Workflow> {
    return this.change(actor, key, async (_tx, workflow) => pauseWorkflow(workflow, reason, new Date()));
  }

  resume(actor: Actor, key: string, reason: string | null | undefined): Promise<Workflow> {
    return this.change(actor, key, async (tx, workflow) => {
      const resumed = resumeWorkflow(workflow, reason ?? '', new Date());
      // Runs stopped at the kill switch go on from the step they were parked at.
      await releaseParkedDispatches(tx, workflow.id);
      return resumed;
    });
  }

  /** The reviewers assigned to the workflow (per-workflow scoping), in assignment order. */
  reviewerIds(workflowId: string): Promise<string[]> {
    return workflowReviewerIds(this.ds.manager, workflowId);
  }

  /**
   * Assigns a reviewer to the workflow (audited). The workflow row is locked so assignment
   * changes of one workflow serialize; the insert's primary key settles a race anyway.
   */
  assignReviewer(actor: Actor, key: string, principalRef: string): Promise<Workflow> {
    return inTransaction(this.ds, async (tx) => {
      const workflow = await loadWorkflow(tx, key, true);
      const principal = await this.assignable(tx, principalRef);
      const assigned = await isAssignedReviewer(tx, workflow.id, principal.id);
      const { state, events } = assignReviewer(workflow, principal, assigned, actor, new Date());
      // A concurrent assign that committed first: the primary key decides, and this one is the CONFLICT.
      if (!(await insertWorkflowReviewer(tx, state))) assignReviewer(workflow, principal, true, actor, new Date());
      await recordEvents(tx, actor, events);
      return workflow;
    });
  }

  /** Removes a reviewer's assignment (audited); their claims stay, but they can no longer act on the workflow. */
  unassignReviewer(actor: Actor, key: string, principalRef: string): Promise<Workflow> {
    return inTransaction(this.ds, async (tx) => {
      const workflow = await loadWorkflow(tx, key, true);
      const principal = await this.assignable(tx, principalRef);
      const { events } = unassignReviewer(workflow, principal, await isAssignedReviewer(tx, workflow.id, principal.id, true));
      await deleteWorkflowReviewer(tx, workflow.id, principal.id);
      await recordEvents(tx, actor, events);
      return workflow;
    });
  }

  private async assignable(tx: Tx, ref: string): Promise<{ id: string; role: Role; email: string }> {
    const entity = await resolvePrincipalRef(tx, ref, 'principal');
    if (!isRole(entity.role)) throw new DomainError('invalid_input', `principal: ${entity.email} has no known role.`, { field: 'principal' });
    return { id: entity.id, role: entity.role, email: entity.email };
  }

  /** Lock the workflow, apply one domain transition, save it and audit it. */
  private change(
    actor: Actor,
    key: string,
    apply: (tx: Tx, workflow: Workflow) => Promise<{ state: Workflow; events: DomainEvent[] }>,
  ): Promise<Workflow> {
    return inTransaction(this.ds, async (tx) => {
      const workflow = await loadWorkflow(tx, key, true);
      const { state, events } = await apply(tx, workflow);
      await tx.save(WorkflowEntity, fromWorkflow(state));
      await recordEvents(tx, actor, events.map((e) => withData(e, { workflowKey: key })));
      return state;
    });
  }

  private decideVersion(
    actor: Actor,
    key: string,
    version: number,
    decide: (workflow: Workflow, version: WorkflowVersion) => { state: WorkflowVersion; events: DomainEvent[] },
  ): Promise<WorkflowVersion> {
    return inTransaction(this.ds, async (tx) => {
      const workflow = await loadWorkflow(tx, key, true);
      const target = await loadVersion(tx, workflow, version, true);
      const { state, events } = decide(workflow, target);
      await tx.save(WorkflowVersionEntity, fromVersion(state));
      await recordEvents(tx, actor, events.map((e) => withData(e, { workflowKey: key })));
      return state;
    });
  }

  private async savePublish(
    tx: Tx,
    actor: Actor,
    result: { workflow: Workflow; published: WorkflowVersion; superseded: WorkflowVersion | null; events: DomainEvent[] },
  ): Promise<Workflow> {
    if (result.superseded) await tx.save(WorkflowVersionEntity, fromVersion(result.superseded));
    await tx.save(WorkflowVersionEntity, fromVersion(result.published));
    await tx.save(WorkflowEntity, fromWorkflow(result.workflow));
    await recordEvents(tx, actor, result.events.map((e) => withData(e, { workflowKey: result.workflow.key })));
    return result.workflow;
  }

  private async resolveOwners(tx: Tx, refs: OwnerRefs | null | undefined): Promise<Partial<WorkflowOwners>> {
    const owners: Partial<WorkflowOwners> = {};
    if (!refs) return owners;
    const resolve = async (ref: string | null | undefined, field: string) =>
      ref === undefined ? undefined : ref === null ? null : (await resolvePrincipalRef(tx, ref, field)).id;
    const operational = await resolve(refs.operationalOwner, 'owners.operationalOwner');
    const approver = await resolve(refs.changeApprover, 'owners.changeApprover');
    const reviewer = await resolve(refs.failureReviewer, 'owners.failureReviewer');
    if (operational !== undefined) owners.operationalOwnerId = operational;
    if (approver !== undefined) owners.changeApproverId = approver;
    if (reviewer !== undefined) owners.failureReviewerId = reviewer;
    return owners;
  }
}

function duplicateKey(key: string): DomainError {
  return new DomainError('conflict', `A workflow with key "${key}" already exists; choose another key or update that one.`, { workflowKey: key });
}

function withData(event: DomainEvent, extra: Record<string, unknown>): DomainEvent {
  return { ...event, data: { ...event.data, ...extra } };
}
