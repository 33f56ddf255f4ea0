import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An integrator's API key; only its hash is stored. Table `api_keys`. */
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
