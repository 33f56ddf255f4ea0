import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './column-transformers.js';

/** A step dispatch the runner could not process, kept as received. Table `dead_letters`. */
@Entity({ name: 'dead_letters' })
export class DeadLetterEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: bigintToNumber })
  id: number;

  @Column({ type: 'text' })
  transport: string;

  @Column({ type: 'text' })
  topic: string;

  @Column({ type: 'text', name: 'message_key', nullable: true })
  messageKey: string | null;

  /** The raw message text: a garbage message must be kept exactly as it came. */
  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'uuid', name: 'run_id', nullable: true })
  runId: string | null;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'replayed_at', nullable: true })
  replayedAt: Date | null;
}
