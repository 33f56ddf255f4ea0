import { Entity, PrimaryColumn } from 'typeorm';
import { AuditEventFields } from './audit-event-fields.js';
import { bigintToNumber } from './column-transformers.js';

/**
 * An audit event staged off the chain, waiting to be sealed onto it. Table `audit_pending`.
 * Written by `stageAuditEvents`, taken by `audit_lock_take()`; never read as the audit trail.
 */
@Entity({ name: 'audit_pending' })
export class AuditPendingEntity extends AuditEventFields {
  @PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: bigintToNumber })
  pid: number;
}
