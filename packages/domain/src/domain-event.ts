/**
 * What a transition emits. Services persist each as an audit event (and, where a run must
 * move on, an outbox dispatch) in the same transaction as the state change.
 */
export interface DomainEvent {
  readonly type: string;
  readonly subjectType: 'workflow' | 'workflow_version' | 'run' | 'approval' | 'exception' | 'shadow_outcome' | 'api_key' | 'principal' | 'hand_off' | 'cost_alert' | 'webhook_subscription' | 'webhook_delivery';
  readonly subjectId: string;
  readonly data: Record<string, unknown>;
}
