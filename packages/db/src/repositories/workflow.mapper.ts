import { WorkflowEntity, WorkflowVersionEntity } from '../entities/index.js';
import { DEFAULT_EVALUATION_POLICY, type EvaluationPolicy, type Outcome, type RolloutStage, type VersionStatus, type Workflow, type WorkflowDefinition, type WorkflowVersion } from '@gatehouse/domain';

export function toWorkflow(e: WorkflowEntity): Workflow {
  return {
    id: e.id,
    key: e.key,
    name: e.name,
    description: e.description,
    outcome: (e.outcome as Outcome | null) ?? null,
    owners: {
      operationalOwnerId: e.operationalOwnerId,
      changeApproverId: e.changeApproverId,
      failureReviewerId: e.failureReviewerId,
    },
    rolloutStage: e.rolloutStage as RolloutStage,
    paused: e.paused,
    pausedReason: e.pausedReason,
    publishedVersionId: e.publishedVersionId,
    // Stored policies are complete; defaults fill keys a later version of the policy adds.
    evaluation: { ...DEFAULT_EVALUATION_POLICY, ...(e.evaluation as Partial<EvaluationPolicy>) },
    challenger:
      e.challengerVersionId && e.challengerShare !== null && e.challengerAttachedAt
        ? { versionId: e.challengerVersionId, sharePercent: e.challengerShare, attachedBy: e.challengerAttachedBy ?? '', attachedAt: e.challengerAttachedAt }
        : null,
    createdBy: e.createdBy,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

export function fromWorkflow(w: Workflow): WorkflowEntity {
  return Object.assign(new WorkflowEntity(), {
    id: w.id,
    key: w.key,
    name: w.name,
    description: w.description,
    outcome: w.outcome,
    operationalOwnerId: w.owners.operationalOwnerId,
    changeApproverId: w.owners.changeApproverId,
    failureReviewerId: w.owners.failureReviewerId,
    rolloutStage: w.rolloutStage,
    paused: w.paused,
    pausedReason: w.pausedReason,
    publishedVersionId: w.publishedVersionId,
    evaluation: w.evaluation,
    challengerVersionId: w.challenger?.versionId ?? null,
    challengerShare: w.challenger?.sharePercent ?? null,
    challengerAttachedBy: w.challenger?.attachedBy ?? null,
    challengerAttachedAt: w.challenger?.attachedAt ?? null,
    createdBy: w.createdBy,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  });
}

export function toVersion(e: WorkflowVersionEntity): WorkflowVersion {
  return {
    id: e.id,
    workflowId: e.workflowId,
    version: e.version,
    status: e.status as VersionStatus,
    definition: e.definition as unknown as WorkflowDefinition,
    runbook: e.runbook ?? null,
    changeNote: e.changeNote,
    authorId: e.authorId,
    approvedBy: e.approvedBy,
    approvedAt: e.approvedAt,
    rejectedBy: e.rejectedBy,
    rejectedAt: e.rejectedAt,
    rejectionReason: e.rejectionReason,
    publishedBy: e.publishedBy,
    publishedAt: e.publishedAt,
    createdAt: e.createdAt,
  };
}

export function fromVersion(v: WorkflowVersion): WorkflowVersionEntity {
  return Object.assign(new WorkflowVersionEntity(), {
    id: v.id,
    workflowId: v.workflowId,
    version: v.version,
    status: v.status,
    definition: v.definition,
    runbook: v.runbook,
    changeNote: v.changeNote,
    authorId: v.authorId,
    approvedBy: v.approvedBy,
    approvedAt: v.approvedAt,
    rejectedBy: v.rejectedBy,
    rejectedAt: v.rejectedAt,
    rejectionReason: v.rejectionReason,
    publishedBy: v.publishedBy,
    publishedAt: v.publishedAt,
    createdAt: v.createdAt,
  });
}
