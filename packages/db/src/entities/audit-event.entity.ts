import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './column-transformers.js';

/**
 * One link of the hash-chained, append-only audit log. Table `audit_events`.
 * Write it only through `appendAuditEvent`; the database refuses UPDATE, DELETE and TRUNCATE.
 */
@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  seq: number;

  @Column({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id: string;

  @Column({ type: 'timestamptz', name: 'occurred_at' })
  occurredAt: Date;

  @Column({ type: 'uuid', name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column({ type: 'text', name: 'actor_role' })
  actorRole: string;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text', name: 'subject_type' })
  subjectType: string;

  @Column({ type: 'text', name: 'subject_id' })
  subjectId: string;

  @Column({ type: 'text', name: 'scope_ids', array: true, default: () => "'{}'" })
  scopeIds: string[];

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  data: Record<string, unknown>;

  @Column({ type: 'text', name: 'prev_hash' })
  prevHash: string;

  @Column({ type: 'text' })
  hash: string;
}
