import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A run handed to a manual path, and what that path reported back. Table `hand_offs`. */
@Entity({ name: 'hand_offs' })
export class HandOffEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'run_id' })
  runId: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  /** The exception resolved by the hand-off; null when a run was handed off without one. */
  @Column({ type: 'uuid', name: 'exception_id', nullable: true })
  exceptionId: string | null;

  @Column({ type: 'text' })
  target: string;

  /** pending | accepted | completed | failed | bounced */
  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'timestamptz', name: 'due_at', nullable: true })
  dueAt: Date | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true })
  closedAt: Date | null;
}
