import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One execution of a published workflow version for one input. Table `runs`. */
@Entity({ name: 'runs' })
export class RunEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  @Column({ type: 'uuid', name: 'version_id' })
  versionId: string;

  /** shadow | draft | execute, captured when the run starts. */
  @Column({ type: 'text' })
  mode: string;

  /** queued | running | waiting_approval | in_exception | completed | failed | cancelled | handed_off */
  @Column({ type: 'text' })
  status: string;

  /** NULL only once purged by retention (payloadPurgedAt). */
  @Column({ type: 'jsonb', nullable: true })
  input: unknown;

  @Column({ type: 'text', name: 'input_hash' })
  inputHash: string;

  @Column({ type: 'text', name: 'idempotency_key' })
  idempotencyKey: string;

  @Column({ type: 'text', name: 'external_ref', nullable: true })
  externalRef: string | null;

  @Column({ type: 'text', name: 'current_step_id', nullable: true })
  currentStepId: string | null;

  @Column({ type: 'integer', name: 'dispatch_seq', default: 1 })
  dispatchSeq: number;

  @Column({ type: 'jsonb', nullable: true })
  output: unknown;

  @Column({ type: 'jsonb', nullable: true })
  error: unknown;

  @Column({ type: 'text', name: 'cancel_reason', nullable: true })
  cancelReason: string | null;

  @Column({ type: 'uuid', name: 'created_by' })
  createdBy: string;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;

  /** Times the run was re-opened after completing (its result was wrong): rework in the metrics. */
  @Column({ type: 'integer', name: 'reopen_count', default: 0 })
  reopenCount: number;

  @Column({ type: 'timestamptz', name: 'reopened_at', nullable: true })
  reopenedAt: Date | null;

  /** On a challenger run: the live (champion) run it shadows. Null on every live run. */
  @Column({ type: 'uuid', name: 'champion_run_id', nullable: true })
  championRunId: string | null;

  /** When retention cleared this row's payload columns (docs/security.md); null while they are kept. */
  @Column({ type: 'timestamptz', name: 'payload_purged_at', nullable: true })
  payloadPurgedAt: Date | null;
}
