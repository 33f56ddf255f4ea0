import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A workflow: its owners, rollout stage, kill switch and published version. Table `workflows`. */
@Entity({ name: 'workflows' })
export class WorkflowEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** The operational outcome (statement + target metric); null until defined. */
  @Column({ type: 'jsonb', nullable: true })
  outcome: unknown;

  @Column({ type: 'uuid', name: 'operational_owner_id', nullable: true })
  operationalOwnerId: string | null;

  @Column({ type: 'uuid', name: 'change_approver_id', nullable: true })
  changeApproverId: string | null;

  @Column({ type: 'uuid', name: 'failure_reviewer_id', nullable: true })
  failureReviewerId: string | null;

  /** shadow | draft | execute */
  @Column({ type: 'text', name: 'rollout_stage', default: 'shadow' })
  rolloutStage: string;

  @Column({ type: 'boolean', default: false })
  paused: boolean;

  @Column({ type: 'text', name: 'paused_reason', nullable: true })
  pausedReason: string | null;

  @Column({ type: 'uuid', name: 'published_version_id', nullable: true })
  publishedVersionId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  evaluation: Record<string, unknown>;

  @Column({ type: 'uuid', name: 'created_by' })
  createdBy: string;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
