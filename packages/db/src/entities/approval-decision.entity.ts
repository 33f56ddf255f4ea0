import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One person's decision on an approval (N-of-M). Table `approval_decisions`; written by repositories/authorization.ts. */
@Entity({ name: 'approval_decisions' })
export class ApprovalDecisionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'approval_id' })
  approvalId: string;

  /** Goes up with every edit; only the current round counts towards required_approvals. */
  @Column({ type: 'integer' })
  round: number;

  @Column({ type: 'uuid', name: 'decided_by' })
  decidedBy: string;

  /** approve | reject | edit_and_approve */
  @Column({ type: 'text' })
  decision: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** The edited output (edit_and_approve only); purged by retention. */
  @Column({ type: 'jsonb', nullable: true })
  edited: unknown;

  @Column({ type: 'timestamptz', name: 'decided_at', default: () => 'now()' })
  decidedAt: Date;
}
