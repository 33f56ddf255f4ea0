import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An integrator's API key; only a slow hash of it is stored (legacy rows: SHA-256). Table `api_keys`. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'principal_id' })
  principalId: string;

  @Column({ type: 'text' })
  name: string;

  /** The public, non-secret start of the key, used to find it. */
  @Column({ type: 'text' })
  prefix: string;

  @Column({ type: 'text', name: 'key_hash' })
  keyHash: string;

  /** 'scrypt' (salted, slow) or 'sha256' (keys issued before the migration to scrypt). */
  @Column({ type: 'text', name: 'hash_scheme' })
  hashScheme: 'scrypt' | 'sha256';

  /** The role the key acts with, at most its principal's; null: the principal's role. */
  @Column({ type: 'text', nullable: true })
  role: string | null;

  /** The workflows (keys) the key may act on; null: all. */
  @Column({ type: 'text', array: true, name: 'workflow_keys', nullable: true })
  workflowKeys: string[] | null;

  @Column({ type: 'uuid', name: 'created_by', nullable: true })
  createdBy: string | null;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'uuid', name: 'revoked_by', nullable: true })
  revokedBy: string | null;

  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;
}
