import { isWebhookEventType, type WebhookSubscription } from '@gatehouse/domain';
import { WebhookSubscriptionEntity } from '../entities/webhook-subscription.entity.js';

export function toWebhookSubscription(e: WebhookSubscriptionEntity): WebhookSubscription {
  return {
    id: e.id,
    workflowId: e.workflowId,
    url: e.url,
    eventTypes: e.eventTypes.filter(isWebhookEventType),
    description: e.description,
    enabled: e.enabled,
    secret: e.secret,
    createdBy: e.createdBy,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    secretRotatedAt: e.secretRotatedAt,
  };
}

export function fromWebhookSubscription(s: WebhookSubscription): WebhookSubscriptionEntity {
  return Object.assign(new WebhookSubscriptionEntity(), { ...s, eventTypes: [...s.eventTypes] });
}
