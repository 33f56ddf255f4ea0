import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One immutable definition of a workflow and its approval lifecycle. Table `workflow_versions`. */
@Entity({ name: 'workflow_versions' })
export class WorkflowVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  @Column({ type: 'integer' })
  version: number;

  /** draft | proposed | approved | rejected | published | superseded */
  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'jsonb' })
  definition: Record<string, unknown>;

  /** The reviewers' runbook (Markdown), versioned with the definition. */
  @Column({ type: 'text', nullable: true })
  runbook: string | null;

  @Column({ type: 'text', name: 'change_note', default: '' })
  changeNote: string;

  @Column({ type: 'uuid', name: 'author_id' })
  authorId: string;

  @Column({ type: 'uuid', name: 'approved_by', nullable: true })
  approvedBy: string | null;

  @Column({ type: 'timestamptz', name: 'approved_at', nullable: true })
  approvedAt: Date | null;

  @Column({ type: 'uuid', name: 'rejected_by', nullable: true })
  rejectedBy: string | null;

  @Column({ type: 'timestamptz', name: 'rejected_at', nullable: true })
  rejectedAt: Date | null;

  @Column({ type: 'text', name: 'rejection_reason', nullable: true })
  rejectionReason: string | null;

  @Column({ type: 'uuid', name: 'published_by', nullable: true })
  publishedBy: string | null;

  @Column({ type: 'timestamptz', name: 'published_at', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
