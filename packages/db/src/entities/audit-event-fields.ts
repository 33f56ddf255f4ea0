import { Column } from 'typeorm';

/** What an audit event says, shared by the chained events and the staged ones. */
export abstract class AuditEventFields {
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
}
