import { describe, expect, it } from 'vitest';
import type { DomainEvent } from './domain-event.js';
import { toWebhookEvent } from './webhook-event.js';

const at = new Date('2025-03-01T09:00:00.000Z');
const ctx = { id: 'evt-1', occurredAt: at };

describe('toWebhookEvent', () => {
  it('maps run.completed to the public envelope without payloads', () => {
    const event: DomainEvent = { type: 'run.completed', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1' } };
    expect(toWebhookEvent(event, ctx)).toEqual({ id: 'evt-1', type: 'run.completed', occurredAt: '2025-03-01T09:00:00.000Z', workflowId: 'wf-1', runId: 'run-1', data: { status: 'completed' } });
  });

  it('gives run.failed the error code only, not its message', () => {
    const event: DomainEvent = { type: 'run.failed', subjectType: 'run', subjectId: 'run-1', data: { workflowId: 'wf-1', error: { code: 'tool_error', message: 'receiver said: Jane Doe not found' } } };
    expect(toWebhookEvent(event, ctx)?.data).toEqual({ status: 'failed', errorCode: 'tool_error' });
  });

  it('never emits for a challenger run', () => {
    const event: DomainEvent = { type: 'run.completed', subjectType: 'run', subjectId: 'run-2', data: { workflowId: 'wf-1' } };
    expect(toWebhookEvent(event, { ...ctx, run: { championRunId: 'run-1' } })).toBeNull();
    expect(toWebhookEvent(event, { ...ctx, run: { championRunId: null } })).not.toBeNull();
  });

  it('leaves out a reviewer’s reason and diff from approval.decided, and notes from exception.resolved', () => {
    const decided: DomainEvent = { type: 'approval.decided', subjectType: 'approval', subjectId: 'ap-1', data: { runId: 'run-1', workflowId: 'wf-1', decision: 'approve', reason: 'Called Mrs Smith at 555-1234', diff: [{ op: 'replace' }] } };
    expect(toWebhookEvent(decided, ctx)).toMatchObject({ type: 'approval.decided', runId: 'run-1', data: { approvalId: 'ap-1', decision: 'approve' } });
    expect(JSON.stringify(toWebhookEvent(decided, ctx))).not.toContain('Smith');
    const resolved: DomainEvent = { type: 'exception.resolved', subjectType: 'exception', subjectId: 'ex-1', data: { runId: 'run-1', workflowId: 'wf-1', resolution: 'hand_off', note: 'private note', handOffTo: 'support' } };
    expect(toWebhookEvent(resolved, ctx)?.data).toEqual({ exceptionId: 'ex-1', resolution: 'hand_off', handOffTo: 'support' });
  });

  it('maps approval.requested, exception.created and both cost drift events', () => {
    const requested: DomainEvent = { type: 'approval.requested', subjectType: 'approval', subjectId: 'ap-1', data: { runId: 'run-1', workflowId: 'wf-1', stepId: 'reply', actionName: 'send_reply', actionClass: 'customer_impacting', requiredRole: 'reviewer' } };
    expect(toWebhookEvent(requested, ctx)?.data).toEqual({ approvalId: 'ap-1', stepId: 'reply', actionName: 'send_reply', actionClass: 'customer_impacting', requiredRole: 'reviewer', requiredApprovals: 1 });
    const created: DomainEvent = { type: 'exception.created', subjectType: 'exception', subjectId: 'ex-1', data: { runId: 'run-1', workflowId: 'wf-1', stepId: 'classify', reason: 'low_confidence' } };
    expect(toWebhookEvent(created, ctx)).toMatchObject({ type: 'exception.created', runId: 'run-1', data: { exceptionId: 'ex-1', stepId: 'classify', reason: 'low_confidence' } });
    const drift: DomainEvent = { type: 'cost.drift_detected', subjectType: 'cost_alert', subjectId: 'al-1', data: { workflowId: 'wf-1', windowStart: 'a', windowEnd: 'b', runs: 10, costPerRunUsd: 2, baselinePerRunUsd: 1, increasePercent: 100 } };
    expect(toWebhookEvent(drift, ctx)).toMatchObject({ type: 'cost.drift', runId: null, data: { alertId: 'al-1', state: 'detected', increasePercent: 100 } });
    const cleared: DomainEvent = { type: 'cost.drift_cleared', subjectType: 'cost_alert', subjectId: 'al-1', data: { workflowId: 'wf-1', runs: 10, costPerRunUsd: 1, increasePercent: null } };
    expect(toWebhookEvent(cleared, ctx)?.data).toMatchObject({ state: 'cleared' });
  });

  it('ignores every other event', () => {
    for (const type of ['run.created', 'run.started', 'run.cancelled', 'approval.decision_recorded', 'exception.claimed', 'workflow.paused', 'webhook_subscription.created']) {
      expect(toWebhookEvent({ type, subjectType: 'run', subjectId: 'x', data: { workflowId: 'wf-1' } }, ctx)).toBeNull();
    }
  });
});
