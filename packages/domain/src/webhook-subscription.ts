import { DomainError } from './errors.js';
import type { Actor } from './roles.js';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-event.js';
import { validateWebhookUrl } from './webhook-target.js';
import type { Transition } from './workflow.js';

/** An integrator's endpoint for one workflow's events. The secret signs every delivery. */
export interface WebhookSubscription {
  id: string;
  workflowId: string;
  url: string;
  eventTypes: WebhookEventType[];
  description: string;
  enabled: boolean;
  secret: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  secretRotatedAt: Date | null;
}

export const MAX_WEBHOOK_DESCRIPTION_LENGTH = 500;
/** Per workflow: enough for every consumer a workflow reasonably has, few enough that one event never fans out unboundedly. */
export const MAX_WEBHOOK_SUBSCRIPTIONS_PER_WORKFLOW = 25;

export interface WebhookTargetPolicy {
  /** Loopback, private and link-local targets (production: false unless configured). */
  allowPrivate: boolean;
}

export function validateEventTypes(types: readonly string[]): WebhookEventType[] {
  const unknown = types.filter((t) => !isWebhookEventType(t));
  if (unknown.length > 0) {
    throw new DomainError('invalid_input', `Unknown webhook event type${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => `"${t}"`).join(', ')}; choose from ${WEBHOOK_EVENT_TYPES.join(', ')}.`, { field: 'eventTypes', unknown });
  }
  if (types.length === 0) throw new DomainError('invalid_input', `Subscribe to at least one event type (${WEBHOOK_EVENT_TYPES.join(', ')}).`, { field: 'eventTypes' });
  // Table order, without repeats: the stored list reads the same however it was given.
  return WEBHOOK_EVENT_TYPES.filter((t) => types.includes(t));
}

function validateDescription(description: string | null | undefined): string {
  const text = (description ?? '').trim();
  if (text.length > MAX_WEBHOOK_DESCRIPTION_LENGTH) throw new DomainError('invalid_input', `The description is longer than ${MAX_WEBHOOK_DESCRIPTION_LENGTH} characters.`, { field: 'description' });
  return text;
}

/** The URL as audit events and logs show it: origin and path, never a query that may hold a token. */
export function redactedWebhookUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid url)';
  }
}

export interface CreateWebhookSubscriptionInput {
  id: string;
  workflow: { id: string; key: string };
  url: string;
  eventTypes: readonly string[];
  description?: string | null;
  secret: string;
  /** Subscriptions the workflow has already. */
  existingCount: number;
}

export function createWebhookSubscription(input: CreateWebhookSubscriptionInput, policy: WebhookTargetPolicy, actor: Actor, now: Date): Transition<WebhookSubscription> {
  const url = validateWebhookUrl(input.url, policy).toString();
  const eventTypes = validateEventTypes(input.eventTypes);
  const description = validateDescription(input.description);
  if (input.existingCount >= MAX_WEBHOOK_SUBSCRIPTIONS_PER_WORKFLOW) {
    throw new DomainError('precondition_failed', `Workflow "${input.workflow.key}" already has ${MAX_WEBHOOK_SUBSCRIPTIONS_PER_WORKFLOW} webhook subscriptions; delete one first.`, { workflowKey: input.workflow.key });
  }
  const subscription: WebhookSubscription = { id: input.id, workflowId: input.workflow.id, url, eventTypes, description, enabled: true, secret: input.secret, createdBy: actor.id, createdAt: now, updatedAt: now, secretRotatedAt: null };
  return {
    state: subscription,
    events: [{ type: 'webhook_subscription.created', subjectType: 'webhook_subscription', subjectId: subscription.id, data: { workflowId: subscription.workflowId, workflowKey: input.workflow.key, url: redactedWebhookUrl(url), eventTypes, description } }],
  };
}

export interface UpdateWebhookSubscriptionInput {
  url?: string | null;
  eventTypes?: readonly string[] | null;
  enabled?: boolean | null;
  description?: string | null;
}

export function updateWebhookSubscription(current: WebhookSubscription, change: UpdateWebhookSubscriptionInput, policy: WebhookTargetPolicy, now: Date): Transition<WebhookSubscription> {
  const next: WebhookSubscription = { ...current, updatedAt: now };
  if (change.url != null) next.url = validateWebhookUrl(change.url, policy).toString();
  if (change.eventTypes != null) next.eventTypes = validateEventTypes(change.eventTypes);
  if (change.enabled != null) next.enabled = change.enabled;
  if (change.description != null) next.description = validateDescription(change.description);
  const changed: Record<string, unknown> = {};
  if (next.url !== current.url) changed['url'] = { from: redactedWebhookUrl(current.url), to: redactedWebhookUrl(next.url) };
  if (next.eventTypes.join() !== current.eventTypes.join()) changed['eventTypes'] = { from: current.eventTypes, to: next.eventTypes };
  if (next.enabled !== current.enabled) changed['enabled'] = { from: current.enabled, to: next.enabled };
  if (next.description !== current.description) changed['description'] = { from: current.description, to: next.description };
  if (Object.keys(changed).length === 0) return { state: current, events: [] };
  return { state: next, events: [{ type: 'webhook_subscription.updated', subjectType: 'webhook_subscription', subjectId: current.id, data: { workflowId: current.workflowId, changed } }] };
}

/** A new secret; the old one stops signing at once (receivers accept both while they switch: see docs/webhooks.md). */
export function rotateWebhookSecret(current: WebhookSubscription, secret: string, now: Date): Transition<WebhookSubscription> {
  return {
    state: { ...current, secret, secretRotatedAt: now, updatedAt: now },
    events: [{ type: 'webhook_subscription.secret_rotated', subjectType: 'webhook_subscription', subjectId: current.id, data: { workflowId: current.workflowId } }],
  };
}

export function deleteWebhookSubscription(current: WebhookSubscription): Transition<null> {
  return {
    state: null,
    events: [{ type: 'webhook_subscription.deleted', subjectType: 'webhook_subscription', subjectId: current.id, data: { workflowId: current.workflowId, url: redactedWebhookUrl(current.url), eventTypes: current.eventTypes } }],
  };
}

/**
 * Integrators manage the endpoints they registered; admins and owners manage every one (the
 * role table already keeps reviewers and viewers out, key scope keeps keys to their workflows).
 */
export function canManageWebhookSubscription(actor: Actor, subscription: Pick<WebhookSubscription, 'createdBy'>): boolean {
  return actor.role === 'admin' || actor.role === 'owner' || subscription.createdBy === actor.id;
}

export function assertManagesWebhookSubscription(actor: Actor, subscription: Pick<WebhookSubscription, 'createdBy' | 'id'>): void {
  if (!canManageWebhookSubscription(actor, subscription)) {
    throw new DomainError('forbidden', 'This webhook subscription was registered by another principal; integrators manage only their own (an owner or admin can change it).', { subscriptionId: subscription.id });
  }
}
