import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The human outcome of a shadow run compared with the AI's. Table `shadow_outcomes`. */
@Entity({ name: 'shadow_outcomes' })
export class ShadowOutcomeEntity {
  @PrimaryColumn({ type: 'uuid', name: 'run_id' })
  runId: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  /** NULL only once purged by retention (payloadPurgedAt). */
  @Column({ type: 'jsonb', name: 'human_outcome', nullable: true })
  humanOutcome: unknown;

  @Column({ type: 'jsonb', name: 'ai_outcome', nullable: true })
  aiOutcome: unknown;

  @Column({ type: 'boolean', nullable: true })
  agreed: boolean | null;

  @Column({ type: 'uuid', name: 'recorded_by' })
  recordedBy: string;

  @Column({ type: 'timestamptz', name: 'recorded_at', default: () => 'now()' })
  recordedAt: Date;

  /** When retention cleared this row's payload columns (docs/security.md); null while they are kept. */
  @Column({ type: 'timestamptz', name: 'payload_purged_at', nullable: true })
  payloadPurgedAt: Date | null;
}
