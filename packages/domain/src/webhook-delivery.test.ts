import { describe, expect, it } from 'vitest';
import { expectDomainError, NOW } from './test/fixtures.js';
import { afterWebhookAttempt, claimWebhookDelivery, replayWebhookDelivery, webhookRetryDelayMs } from './webhook-delivery.js';

const policy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 3000 };
const pending = { id: 'd-1', status: 'pending' as const, attempts: 1, series: 1 };

describe('webhook delivery retries', () => {
  it('backs off exponentially with equal jitter, capped', () => {
    expect(webhookRetryDelayMs(1, policy, () => 0)).toBe(500);
    expect(webhookRetryDelayMs(1, policy, () => 1)).toBe(1000);
    expect(webhookRetryDelayMs(2, policy, () => 0)).toBe(1000);
    expect(webhookRetryDelayMs(2, policy, () => 1)).toBe(2000);
    expect(webhookRetryDelayMs(5, policy, () => 1)).toBe(3000);
    // Whatever the jitter, the wait after attempt n+1 is at least the wait after attempt n.
    expect(webhookRetryDelayMs(2, policy, () => 0)).toBeGreaterThanOrEqual(webhookRetryDelayMs(1, policy, () => 1));
  });

  it('succeeds on a 2xx, retries a failure later, and fails once the attempts are used', () => {
    expect(afterWebhookAttempt(pending, { ok: true }, policy, NOW)).toEqual({ status: 'succeeded', nextAttemptAt: null });
    expect(afterWebhookAttempt(pending, { ok: false }, policy, NOW, () => 0)).toEqual({ status: 'pending', nextAttemptAt: new Date(NOW.getTime() + 500) });
    expect(afterWebhookAttempt({ ...pending, attempts: 3 }, { ok: false }, policy, NOW)).toEqual({ status: 'failed', nextAttemptAt: null });
  });

  it('claims the next attempt, or ends a delivery whose last attempt was cut short', () => {
    expect(claimWebhookDelivery(pending, policy)).toEqual({ send: true, attempt: 2 });
    expect(claimWebhookDelivery({ ...pending, attempts: 3 }, policy)).toEqual({ send: false, status: 'failed' });
    expectDomainError(() => claimWebhookDelivery({ ...pending, status: 'succeeded' }, policy), 'illegal_transition');
  });

  it('replays a finished delivery as a new series, audited; a pending one is refused', () => {
    const done = { ...pending, status: 'failed' as const, attempts: 3, subscriptionId: 's-1', workflowId: 'wf-1', eventId: 'e-1' };
    const replayed = replayWebhookDelivery(done, NOW);
    expect(replayed.state).toEqual({ id: 'd-1', status: 'pending', attempts: 0, series: 2, nextAttemptAt: NOW });
    expect(replayed.events[0]).toMatchObject({ type: 'webhook_delivery.replayed', subjectId: 'd-1', data: { from: 'failed', series: 2, workflowId: 'wf-1' } });
    expectDomainError(() => replayWebhookDelivery({ ...done, status: 'pending' }, NOW), 'illegal_transition');
  });
});
