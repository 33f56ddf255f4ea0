import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A human gate on a run step and its decision. Table `approvals`. */
@Entity({ name: 'approvals' })
export class ApprovalEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'run_id' })
  runId: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  @Column({ type: 'text', name: 'step_id' })
  stepId: string;

  @Column({ type: 'text', name: 'action_name', nullable: true })
  actionName: string | null;

  /** read | draft | reversible | irreversible | customer_impacting */
  @Column({ type: 'text', name: 'action_class' })
  actionClass: string;

  /** admin | owner | reviewer */
  @Column({ type: 'text', name: 'required_role' })
  requiredRole: string;

  /** N of N-of-M: distinct approvers needed (1–5). */
  @Column({ type: 'integer', name: 'required_approvals', default: 1 })
  requiredApprovals: number;

  /** pending | approved | rejected | cancelled */
  @Column({ type: 'text' })
  status: string;

  /** approve | reject | edit_and_approve; null while pending. */
  @Column({ type: 'text', nullable: true })
  decision: string | null;

  /** NULL only once purged by retention (payloadPurgedAt). */
  @Column({ type: 'jsonb', nullable: true })
  proposed: unknown;

  @Column({ type: 'jsonb', nullable: true })
  edited: unknown;

  @Column({ type: 'jsonb', nullable: true })
  diff: unknown;

  @Column({ type: 'uuid', name: 'requested_by', nullable: true })
  requestedBy: string | null;

  @Column({ type: 'uuid', name: 'decided_by', nullable: true })
  decidedBy: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'timestamptz', name: 'due_at', nullable: true })
  dueAt: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'decided_at', nullable: true })
  decidedAt: Date | null;

  /** When retention cleared this row's payload columns (docs/security.md); null while they are kept. */
  @Column({ type: 'timestamptz', name: 'payload_purged_at', nullable: true })
  payloadPurgedAt: Date | null;
}
