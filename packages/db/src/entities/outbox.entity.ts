import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './column-transformers.js';

/** A message waiting to be relayed (transactional outbox). Table `outbox`. */
@Entity({ name: 'outbox' })
export class OutboxEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: bigintToNumber })
  id: number;

  @Column({ type: 'text' })
  topic: string;

  @Column({ type: 'text', name: 'message_key' })
  messageKey: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'available_at', default: () => 'now()' })
  availableAt: Date;

  @Column({ type: 'timestamptz', name: 'published_at', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError: string | null;
}
