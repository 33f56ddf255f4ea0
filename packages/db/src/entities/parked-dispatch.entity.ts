import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The next step of a run held at its workflow's kill switch until resume. Table `parked_dispatches`. */
@Entity({ name: 'parked_dispatches' })
export class ParkedDispatchEntity {
  @PrimaryColumn({ type: 'uuid', name: 'run_id' })
  runId: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'timestamptz', name: 'parked_at', default: () => 'now()' })
  parkedAt: Date;
}
