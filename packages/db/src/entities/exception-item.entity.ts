import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A run step routed to the exception queue, its claim and resolution. Table `exception_items`. */
@Entity({ name: 'exception_items' })
export class ExceptionItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'run_id' })
  runId: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  @Column({ type: 'text', name: 'step_id' })
  stepId: string;

  /** low_confidence | invalid_output | tool_error | missing_data | policy_blocked | timeout | model_error */
  @Column({ type: 'text' })
  reason: string;

  /** open | claimed | resolved */
  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  details: Record<string, unknown>;

  @Column({ type: 'uuid', name: 'assignee_id', nullable: true })
  assigneeId: string | null;

  @Column({ type: 'timestamptz', name: 'claimed_at', nullable: true })
  claimedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'due_at', nullable: true })
  dueAt: Date | null;

  /** retry | override_output | hand_off | cancel; null until resolved. */
  @Column({ type: 'text', nullable: true })
  resolution: string | null;

  @Column({ type: 'text', name: 'resolution_note', nullable: true })
  resolutionNote: string | null;

  @Column({ type: 'jsonb', name: 'resolution_output', nullable: true })
  resolutionOutput: unknown;

  @Column({ type: 'text', name: 'hand_off_to', nullable: true })
  handOffTo: string | null;

  @Column({ type: 'uuid', name: 'resolved_by', nullable: true })
  resolvedBy: string | null;

  @Column({ type: 'timestamptz', name: 'resolved_at', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  /** When retention cleared this row's payload columns (docs/security.md); null while they are kept. */
  @Column({ type: 'timestamptz', name: 'payload_purged_at', nullable: true })
  payloadPurgedAt: Date | null;
}
