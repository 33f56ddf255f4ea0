import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AuditEventFields } from './audit-event-fields.js';
import { bigintToNumber } from './column-transformers.js';

/**
 * One link of the hash-chained, append-only audit log. Table `audit_events`.
 * Write it only through `appendAuditEvent`; the database refuses UPDATE, DELETE and TRUNCATE.
 */
@Entity({ name: 'audit_events' })
export class AuditEventEntity extends AuditEventFields {
  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  seq: number;

  @Column({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id: string;

  @Column({ type: 'text', name: 'prev_hash' })
  prevHash: string;

  @Column({ type: 'text' })
  hash: string;
}
