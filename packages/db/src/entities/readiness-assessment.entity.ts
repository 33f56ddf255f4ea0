import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One readiness checklist for a workflow; history is kept, the latest counts. Table `readiness_assessments`. */
@Entity({ name: 'readiness_assessments' })
export class ReadinessAssessmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  /** { criterion: { met, evidence } } for the six criteria. */
  @Column({ type: 'jsonb' })
  answers: unknown;

  @Column({ type: 'integer', name: 'met_count' })
  metCount: number;

  @Column({ type: 'boolean' })
  ready: boolean;

  @Column({ type: 'uuid', name: 'assessed_by' })
  assessedBy: string;

  @Column({ type: 'timestamptz', name: 'assessed_at', default: () => 'now()' })
  assessedAt: Date;
}
