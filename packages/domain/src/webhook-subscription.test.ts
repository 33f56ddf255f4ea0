import { describe, expect, it } from 'vitest';
import { actors, expectDomainError, LATER, NOW } from './test/fixtures.js';
import { assertManagesWebhookSubscription, createWebhookSubscription, deleteWebhookSubscription, MAX_WEBHOOK_SUBSCRIPTIONS_PER_WORKFLOW, rotateWebhookSecret, updateWebhookSubscription } from './webhook-subscription.js';

const workflow = { id: 'wf-1', key: 'support-triage' };
const policy = { allowPrivate: false };
const create = (overrides: Partial<Parameters<typeof createWebhookSubscription>[0]> = {}) =>
  createWebhookSubscription({ id: 'sub-1', workflow, url: 'https://hooks.example.com/in?token=abc', eventTypes: ['run.failed', 'run.completed', 'run.failed'], secret: 's3cret', existingCount: 0, ...overrides }, policy, actors.integrator, NOW);

describe('webhook subscriptions', () => {
  it('creates an enabled subscription with event types in table order; the audit event hides the query and never holds the secret', () => {
    const { state, events } = create({ description: '  CRM sync ' });
    expect(state).toMatchObject({ enabled: true, eventTypes: ['run.completed', 'run.failed'], description: 'CRM sync', createdBy: actors.integrator.id });
    expect(events).toEqual([{ type: 'webhook_subscription.created', subjectType: 'webhook_subscription', subjectId: 'sub-1', data: { workflowId: 'wf-1', workflowKey: 'support-triage', url: 'https://hooks.example.com/in?…', eventTypes: ['run.completed', 'run.failed'], description: 'CRM sync' } }]);
    expect(JSON.stringify(events)).not.toContain('s3cret');
    expect(JSON.stringify(events)).not.toContain('token=abc');
  });

  it('refuses unknown event types, none at all, long descriptions and too many subscriptions', () => {
    expect(expectDomainError(() => create({ eventTypes: ['run.completed', 'run.exploded'] }), 'invalid_input').message).toMatch(/Unknown webhook event type "run.exploded"; choose from run.completed/);
    expectDomainError(() => create({ eventTypes: [] }), 'invalid_input');
    expectDomainError(() => create({ description: 'x'.repeat(501) }), 'invalid_input');
    expectDomainError(() => create({ existingCount: MAX_WEBHOOK_SUBSCRIPTIONS_PER_WORKFLOW }), 'precondition_failed');
    expect(expectDomainError(() => create({ url: 'http://127.0.0.1/' }), 'invalid_input').details).toMatchObject({ reason: 'private_target' });
  });

  it('updates only what changed and audits the change; no change, no event', () => {
    const { state } = create();
    const disabled = updateWebhookSubscription(state, { enabled: false, eventTypes: ['cost.drift'] }, policy, LATER);
    expect(disabled.state).toMatchObject({ enabled: false, eventTypes: ['cost.drift'], updatedAt: LATER });
    expect(disabled.events[0]?.data).toEqual({ workflowId: 'wf-1', changed: { enabled: { from: true, to: false }, eventTypes: { from: ['run.completed', 'run.failed'], to: ['cost.drift'] } } });
    expect(updateWebhookSubscription(state, { enabled: true }, policy, LATER).events).toEqual([]);
  });

  it('rotates the secret and deletes, both audited without the secret', () => {
    const { state } = create();
    const rotated = rotateWebhookSecret(state, 'new-secret', LATER);
    expect(rotated.state).toMatchObject({ secret: 'new-secret', secretRotatedAt: LATER });
    expect(JSON.stringify(rotated.events)).not.toContain('secret"');
    expect(deleteWebhookSubscription(state).events[0]?.type).toBe('webhook_subscription.deleted');
  });

  it('lets integrators manage only their own subscriptions; owners and admins manage all', () => {
    const { state } = create();
    expect(() => assertManagesWebhookSubscription(actors.integrator, state)).not.toThrow();
    expect(() => assertManagesWebhookSubscription(actors.author, state)).not.toThrow();
    expect(() => assertManagesWebhookSubscription(actors.admin, state)).not.toThrow();
    expectDomainError(() => assertManagesWebhookSubscription({ id: 'k-other', role: 'integrator' }, state), 'forbidden');
  });
});
