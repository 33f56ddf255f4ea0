import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './column-transformers.js';

/** One attempt to deliver, with the receiver's answer. Table `webhook_delivery_attempts`. */
@Entity({ name: 'webhook_delivery_attempts' })
export class WebhookDeliveryAttemptEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: bigintToNumber })
  id: number;

  @Column({ type: 'uuid', name: 'delivery_id' })
  deliveryId: string;

  @Column({ type: 'integer' })
  series: number;

  @Column({ type: 'integer' })
  attempt: number;

  @Column({ type: 'timestamptz', name: 'started_at', default: () => 'now()' })
  startedAt: Date;

  /** null while in flight, or when the dispatcher died before the answer (error says so). */
  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'integer', name: 'response_status', nullable: true })
  responseStatus: number | null;

  /** The first 1,024 bytes of the receiver's answer (a bounded excerpt). */
  @Column({ type: 'text', name: 'response_body', nullable: true })
  responseBody: string | null;

  @Column({ type: 'integer', name: 'latency_ms', nullable: true })
  latencyMs: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
