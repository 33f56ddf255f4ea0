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

  @Column({ type: 'timestamptz', name: 'disabled_at', nullable: true })
  disabledAt: Date | null;
}
