import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericToNumber } from './column-transformers.js';

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

  /** The approved version shadowing a share of live runs (champion / challenger); null when none. */
  @Column({ type: 'uuid', name: 'challenger_version_id', nullable: true })
  challengerVersionId: string | null;

  /** Percent (0–100) of live runs the challenger shadows. */
  @Column({ type: 'numeric', name: 'challenger_share', precision: 5, scale: 2, nullable: true, transformer: numericToNumber })
  challengerShare: number | null;

  @Column({ type: 'uuid', name: 'challenger_attached_by', nullable: true })
  challengerAttachedBy: string | null;

  @Column({ type: 'timestamptz', name: 'challenger_attached_at', nullable: true })
  challengerAttachedAt: Date | null;

  @Column({ type: 'uuid', name: 'created_by' })
  createdBy: string;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
