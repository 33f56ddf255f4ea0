import type { DomainEvent } from './domain-event.js';

/** The events an integrator can subscribe to; the names are public API (docs/webhooks.md). */
export const WEBHOOK_EVENT_TYPES = [
  'run.completed',
  'run.failed',
  'approval.requested',
  'approval.decided',
  'exception.created',
  'exception.resolved',
  'cost.drift',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * A public event as captured, before the subscription's workflow key is added to its body
 * (the envelope integrators receive is {id, type, occurredAt, workflowKey, runId, data}).
 */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  workflowId: string;
  runId: string | null;
  data: Record<string, unknown>;
}

/** What the mapping needs to know about the run an event concerns, when the caller has it. */
export interface WebhookRunContext {
  championRunId?: string | null;
}

/**
 * The public webhook event of a domain event, or null when the event is not one integrators
 * subscribe to. Challenger runs are shadow copies of live runs and never produce events
 * (docs/champion-challenger.md): their run is passed when the caller has it, and the capture
 * statement checks the run row as a second wall when it does not.
 *
 * The data is a whitelist per type: ids, codes and public fields, never free text a person
 * wrote (approval reasons, resolution notes), edit diffs or payloads — integrators read those
 * through the API with their own key (run(id), approval(id)), where access is checked.
 */
export function toWebhookEvent(event: DomainEvent, context: { id: string; occurredAt: Date; run?: WebhookRunContext | null }): WebhookEvent | null {
  if (context.run?.championRunId) return null;
  const d = event.data;
  const workflowId = typeof d['workflowId'] === 'string' ? d['workflowId'] : null;
  if (!workflowId) return null;
  const runId = event.subjectType === 'run' ? event.subjectId : typeof d['runId'] === 'string' ? d['runId'] : null;
  const build = (type: WebhookEventType, data: Record<string, unknown>): WebhookEvent => ({ id: context.id, type, occurredAt: context.occurredAt.toISOString(), workflowId, runId, data: dropUndefined(data) });
  switch (event.type) {
    case 'run.completed':
      return build('run.completed', { status: 'completed' });
    case 'run.failed': {
      const error = d['error'] as { code?: unknown } | undefined;
      return build('run.failed', { status: 'failed', errorCode: typeof error?.code === 'string' ? error.code : null });
    }
    case 'approval.requested':
      return build('approval.requested', {
        approvalId: event.subjectId,
        stepId: d['stepId'],
        actionName: d['actionName'] ?? null,
        actionClass: d['actionClass'],
        requiredRole: d['requiredRole'],
        requiredApprovals: d['requiredApprovals'] ?? 1,
      });
    case 'approval.decided':
      return build('approval.decided', { approvalId: event.subjectId, decision: d['decision'] });
    case 'exception.created':
      return build('exception.created', { exceptionId: event.subjectId, stepId: d['stepId'], reason: d['reason'] });
    case 'exception.resolved':
      return build('exception.resolved', { exceptionId: event.subjectId, resolution: d['resolution'], handOffTo: d['handOffTo'] ?? null });
    case 'cost.drift_detected':
    case 'cost.drift_cleared':
      return build('cost.drift', {
        alertId: event.subjectId,
        state: event.type === 'cost.drift_detected' ? 'detected' : 'cleared',
        windowStart: d['windowStart'],
        windowEnd: d['windowEnd'],
        runs: d['runs'],
        costPerRunUsd: d['costPerRunUsd'],
        baselinePerRunUsd: d['baselinePerRunUsd'],
        increasePercent: d['increasePercent'] ?? null,
      });
    default:
      return null;
  }
}

function dropUndefined(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}
