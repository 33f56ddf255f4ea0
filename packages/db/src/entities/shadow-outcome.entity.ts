import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The human outcome of a shadow run compared with the AI's. Table `shadow_outcomes`. */
@Entity({ name: 'shadow_outcomes' })
export class ShadowOutcomeEntity {
  @PrimaryColumn({ type: 'uuid', name: 'run_id' })
  runId: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  @Column({ type: 'jsonb', name: 'human_outcome' })
  humanOutcome: unknown;

  @Column({ type: 'jsonb', name: 'ai_outcome', nullable: true })
  aiOutcome: unknown;

  @Column({ type: 'boolean', nullable: true })
  agreed: boolean | null;

  @Column({ type: 'uuid', name: 'recorded_by' })
  recordedBy: string;

  @Column({ type: 'timestamptz', name: 'recorded_at', default: () => 'now()' })
  recordedAt: Date;
}
