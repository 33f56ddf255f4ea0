import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A reviewer assigned to a workflow (per-workflow scoping). Table `workflow_reviewers`; written by repositories/authorization.ts. */
@Entity({ name: 'workflow_reviewers' })
export class WorkflowReviewerEntity {
  @PrimaryColumn({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  @PrimaryColumn({ type: 'uuid', name: 'principal_id' })
  principalId: string;

  @Column({ type: 'uuid', name: 'assigned_by', nullable: true })
  assignedBy: string | null;

  @Column({ type: 'timestamptz', name: 'assigned_at', default: () => 'now()' })
  assignedAt: Date;
}
