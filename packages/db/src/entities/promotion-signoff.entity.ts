import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A change approver's sign-off of one promotion. Table `promotion_signoffs`. */
@Entity({ name: 'promotion_signoffs' })
export class PromotionSignOffEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  /** draft | execute */
  @Column({ type: 'text', name: 'to_stage' })
  toStage: string;

  @Column({ type: 'text' })
  note: string;

  @Column({ type: 'uuid', name: 'signed_off_by' })
  signedOffBy: string;

  @Column({ type: 'timestamptz', name: 'signed_off_at', default: () => 'now()' })
  signedOffAt: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', name: 'consumed_at', nullable: true })
  consumedAt: Date | null;
}
