import { fromWorkflow, inTransaction, isUuid, loadPublishedVersion, loadVersion, loadWorkflow, recordEvents, toVersion, WorkflowEntity, WorkflowVersionEntity, type Tx } from '@gatehouse/db';
import { attachChallenger, challengerChanges, detachChallenger, DomainError, type Actor, type ChallengerChangeKind, type ChallengerComparison, type Workflow, type WorkflowVersion } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import { loadChallengerComparison } from './challenger-comparison.js';

export interface AttachChallengerCommand {
  workflowKey: string;
  /** The challenger by its number within the workflow, or by id (exactly one of the two). */
  version?: number | null;
  versionId?: string | null;
  sharePercent: number;
}

/** Champion / challenger: attach and detach (audited), and the side-by-side comparison. */
export class ChallengerService {
  constructor(private readonly ds: DataSource) {}

  attach(actor: Actor, cmd: AttachChallengerCommand): Promise<Workflow> {
    if ((cmd.version == null) === (cmd.versionId == null)) {
      throw new DomainError('invalid_input', 'Name the challenger by version (its number) or versionId, not both and not neither.', { field: 'version' });
    }
    return inTransaction(this.ds, async (tx) => {
      const workflow = await loadWorkflow(tx, cmd.workflowKey, true);
      const candidate = cmd.version != null ? await loadVersion(tx, workflow, cmd.version, true) : await this.versionById(tx, cmd.versionId!);
      const champion = await loadPublishedVersion(tx, workflow);
      const { state, events } = attachChallenger(workflow, champion, candidate, cmd.sharePercent, actor, new Date());
      await tx.save(WorkflowEntity, fromWorkflow(state));
      await recordEvents(tx, actor, events.map((e) => ({ ...e, data: { ...e.data, workflowKey: workflow.key } })));
      return state;
    });
  }

  detach(actor: Actor, workflowKey: string, reason: string): Promise<Workflow> {
    return inTransaction(this.ds, async (tx) => {
      const workflow = await loadWorkflow(tx, workflowKey, true);
      const { state, events } = detachChallenger(workflow, reason, new Date());
      await tx.save(WorkflowEntity, fromWorkflow(state));
      await recordEvents(tx, actor, events.map((e) => ({ ...e, data: { ...e.data, workflowKey: workflow.key } })));
      return state;
    });
  }

  comparison(workflow: Workflow): Promise<ChallengerComparison | null> {
    return loadChallengerComparison(this.ds.manager, workflow);
  }

  /** What the challenger changes compared with the published champion. */
  async changes(workflow: Workflow, challenger: WorkflowVersion | null): Promise<ChallengerChangeKind[]> {
    const champion = await loadPublishedVersion(this.ds.manager, workflow);
    return champion && challenger ? challengerChanges(champion.definition, challenger.definition) : [];
  }

  private async versionById(tx: Tx, id: string): Promise<WorkflowVersion> {
    if (!isUuid(id)) throw new DomainError('invalid_input', `versionId "${id}" is not a version id.`, { field: 'versionId' });
    const entity = await tx.findOne(WorkflowVersionEntity, { where: { id } });
    if (!entity) throw new DomainError('not_found', `There is no workflow version ${id}.`, { field: 'versionId' });
    return toVersion(entity);
  }
}
