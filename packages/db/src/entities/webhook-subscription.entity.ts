import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An integrator's endpoint for one workflow's events. Table `webhook_subscriptions`. */
@Entity({ name: 'webhook_subscriptions' })
export class WebhookSubscriptionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid', name: 'workflow_id' })
  workflowId: string;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text', name: 'event_types', array: true })
  eventTypes: string[];

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** Stored as-is: the dispatcher signs with it (docs/webhooks.md, "Secrets"). */
  @Column({ type: 'text' })
  secret: string;

  @Column({ type: 'uuid', name: 'created_by' })
  createdBy: string;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', name: 'secret_rotated_at', nullable: true })
  secretRotatedAt: Date | null;
}
