import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A person or integration that acts in Gatehouse. Table `principals`. */
@Entity({ name: 'principals' })
export class PrincipalEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  email: string;

  /** admin | owner | reviewer | integrator | viewer (CHECK in the migration). */
  @Column({ type: 'text' })
  role: string;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  /** scrypt hash (`scrypt$N$r$p$salt$hash`); null: this principal cannot sign in with a password. */
  @Column({ type: 'text', name: 'password_hash', nullable: true, select: false })
  passwordHash: string | null;

  @Column({ type: 'timestamptz', name: 'password_changed_at', nullable: true })
  passwordChangedAt: Date | null;

  /** The OIDC `sub` of this principal at the configured issuer; null: matched by email. */
  @Column({ type: 'text', name: 'oidc_subject', nullable: true })
  oidcSubject: string | null;

  @Column({ type: 'timestamptz', name: 'disabled_at', nullable: true })
  disabledAt: Date | null;
}
