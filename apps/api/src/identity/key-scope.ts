import { isUuid } from '@gatehouse/db';
import { keyScopeBlocker, type Operation } from '@gatehouse/domain';
import type { DataSource } from 'typeorm';
import type { GraphQLContext } from '../graphql/context.js';

/**
 * Where an operation names its workflow: the argument holding a workflow key, or a run /
 * approval / exception / hand-off id whose workflow is looked up. An API key limited to some
 * workflows (api_keys.workflow_keys) may call only `me` and the operations listed here, and only
 * for its workflows; everything else — lists across workflows, creating workflows, identity —
 * is FORBIDDEN for it, so an operation added later is closed to scoped keys until listed.
 * (docs/security.md, "Authentication" lists the same table.)
 */
type Target =
  | { kind: 'workflow'; arg: string; optional?: boolean }
  | { kind: 'run' | 'approval' | 'exception' | 'hand_off' | 'webhook_subscription' | 'webhook_delivery'; arg: string };

export const KEY_SCOPE_TARGETS: Partial<Record<Operation, Target | 'unscoped'>> = {
  me: 'unscoped',
  workflow: { kind: 'workflow', arg: 'key' },
  updateWorkflow: { kind: 'workflow', arg: 'key' },
  startRun: { kind: 'workflow', arg: 'workflowKey' },
  proposeWorkflowVersion: { kind: 'workflow', arg: 'workflowKey' },
  approveWorkflowVersion: { kind: 'workflow', arg: 'workflowKey' },
  rejectWorkflowVersion: { kind: 'workflow', arg: 'workflowKey' },
  publishWorkflowVersion: { kind: 'workflow', arg: 'workflowKey' },
  rollbackWorkflow: { kind: 'workflow', arg: 'workflowKey' },
  attachChallenger: { kind: 'workflow', arg: 'workflowKey' },
  detachChallenger: { kind: 'workflow', arg: 'workflowKey' },
  setRolloutStage: { kind: 'workflow', arg: 'workflowKey' },
  pauseWorkflow: { kind: 'workflow', arg: 'workflowKey' },
  resumeWorkflow: { kind: 'workflow', arg: 'workflowKey' },
  setEvaluationPolicy: { kind: 'workflow', arg: 'workflowKey' },
  signOffPromotion: { kind: 'workflow', arg: 'workflowKey' },
  assessReadiness: { kind: 'workflow', arg: 'workflowKey' },
  metrics: { kind: 'workflow', arg: 'workflowKey' },
  costAlerts: { kind: 'workflow', arg: 'workflowKey' },
  run: { kind: 'run', arg: 'id' },
  cancelRun: { kind: 'run', arg: 'runId' },
  recordHumanOutcome: { kind: 'run', arg: 'runId' },
  reopenRun: { kind: 'run', arg: 'runId' },
  decisionRecord: { kind: 'run', arg: 'runId' },
  approval: { kind: 'approval', arg: 'id' },
  decideApproval: { kind: 'approval', arg: 'approvalId' },
  exception: { kind: 'exception', arg: 'id' },
  claimException: { kind: 'exception', arg: 'exceptionId' },
  releaseException: { kind: 'exception', arg: 'exceptionId' },
  resolveException: { kind: 'exception', arg: 'exceptionId' },
  recordHandOffOutcome: { kind: 'hand_off', arg: 'handOffId' },
  webhookSubscriptions: { kind: 'workflow', arg: 'workflowKey', optional: true },
  createWebhookSubscription: { kind: 'workflow', arg: 'workflowKey' },
  updateWebhookSubscription: { kind: 'webhook_subscription', arg: 'id' },
  deleteWebhookSubscription: { kind: 'webhook_subscription', arg: 'id' },
  rotateWebhookSecret: { kind: 'webhook_subscription', arg: 'id' },
  webhookDeliveries: { kind: 'webhook_subscription', arg: 'subscriptionId' },
  replayWebhookDelivery: { kind: 'webhook_delivery', arg: 'deliveryId' },
};

const TABLE_OF = { run: 'runs', approval: 'approvals', exception: 'exception_items', hand_off: 'hand_offs', webhook_subscription: 'webhook_subscriptions', webhook_delivery: 'webhook_deliveries' } as const;

/**
 * Runs after the role gate (authorizeOperation), on root fields only (see guardRootFields).
 * Returns a promise only when it must read which workflow an id belongs to: the common case
 * (no key scope, or a workflow key in the arguments) costs no promise.
 */
export function enforceKeyWorkflowScope(context: GraphQLContext, operation: string, args: Record<string, unknown>): Promise<void> | void {
  const scope = context.principal?.workflowScope;
  if (!scope) return;
  const target = KEY_SCOPE_TARGETS[operation as Operation];
  if (target === 'unscoped') return;
  if (!target) throw keyScopeBlocker(scope, operation as Operation)!;
  const value: unknown = args[target.arg];
  const check = (workflowKey: string | null) => {
    // An id that names nothing is left to the resolver (NOT_FOUND); a missing workflow filter is "all workflows".
    if (workflowKey === null && typeof value === 'string') return;
    const blocker = keyScopeBlocker(scope, operation as Operation, { what: target.kind.replace('_', '-'), argument: target.arg, workflowKey });
    if (blocker) throw blocker;
  };
  if (typeof value !== 'string') return check(null);
  if (target.kind === 'workflow') return check(value);
  return workflowOf(context.dataSource, target.kind, value).then(check);
}

async function workflowOf(ds: DataSource, kind: keyof typeof TABLE_OF, id: string): Promise<string | null> {
  if (!isUuid(id)) return null;
  const rows: Array<{ key: string }> = await ds.query(`SELECT w.key FROM ${TABLE_OF[kind]} t JOIN workflows w ON w.id = t.workflow_id WHERE t.id = $1`, [id]);
  return rows[0]?.key ?? null;
}
