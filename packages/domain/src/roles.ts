import { DomainError } from './errors.js';

export const ROLES = ['admin', 'owner', 'reviewer', 'integrator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whoever performs an operation: a person in the console or an integrator's API key. */
export interface Actor {
  readonly id: string;
  readonly role: Role;
  readonly name?: string;
}

/** The system itself (seeding, the runner) acting without a human principal. */
export const SYSTEM_ACTOR_ROLE = 'system';

/**
 * Role × operation table: the one place that says who may call what. Operation names are the
 * GraphQL field names so the API enforces it with a single mechanism.
 */
export const OPERATION_ROLES = {
  // queries
  me: ['admin', 'owner', 'reviewer', 'integrator', 'viewer'],
  workflows: ['admin', 'owner', 'reviewer', 'integrator', 'viewer'],
  workflow: ['admin', 'owner', 'reviewer', 'integrator', 'viewer'],
  run: ['admin', 'owner', 'reviewer', 'integrator', 'viewer'],
  runs: ['admin', 'owner', 'reviewer', 'integrator', 'viewer'],
  exceptionQueue: ['admin', 'owner', 'reviewer', 'viewer'],
  approvals: ['admin', 'owner', 'reviewer', 'viewer'],
  approval: ['admin', 'owner', 'reviewer', 'viewer'],
  exception: ['admin', 'owner', 'reviewer', 'viewer'],
  metrics: ['admin', 'owner', 'reviewer', 'viewer'],
  costAlerts: ['admin', 'owner', 'reviewer', 'viewer'],
  auditTrail: ['admin', 'owner', 'reviewer', 'viewer'],
  verifyAuditChain: ['admin', 'owner', 'viewer'],
  // a run's decision record carries personal data out of the system: no viewers; reviewers only where assigned, integrator keys only for their workflows
  decisionRecord: ['admin', 'owner', 'reviewer', 'integrator'],
  principals: ['admin', 'owner', 'reviewer', 'viewer'],
  apiKeys: ['admin'],
  // workflow definition and rollout
  createWorkflow: ['admin', 'owner'],
  updateWorkflow: ['admin', 'owner'],
  proposeWorkflowVersion: ['admin', 'owner'],
  approveWorkflowVersion: ['admin', 'owner'],
  rejectWorkflowVersion: ['admin', 'owner'],
  publishWorkflowVersion: ['admin', 'owner'],
  rollbackWorkflow: ['admin', 'owner'],
  // champion / challenger: a version shadowing live runs before it takes over (the switch is publishWorkflowVersion)
  attachChallenger: ['admin', 'owner'],
  detachChallenger: ['admin', 'owner'],
  setRolloutStage: ['admin', 'owner'],
  pauseWorkflow: ['admin', 'owner'],
  resumeWorkflow: ['admin', 'owner'],
  // per-workflow scoping: who reviews a workflow (reviewers act only where assigned)
  assignReviewer: ['admin', 'owner'],
  unassignReviewer: ['admin', 'owner'],
  // shadow evaluation and promotion gating (signOffPromotion: the workflow's named change approver or an admin, checked in the domain)
  setEvaluationPolicy: ['admin', 'owner'],
  signOffPromotion: ['admin', 'owner', 'reviewer'],
  assessReadiness: ['admin', 'owner'],
  // runs
  startRun: ['admin', 'owner', 'integrator'],
  cancelRun: ['admin', 'owner', 'integrator'],
  recordHumanOutcome: ['admin', 'owner', 'reviewer', 'integrator'],
  // the manual path a run was handed off to reports back (usually an integration's key)
  recordHandOffOutcome: ['admin', 'owner', 'integrator'],
  // human work
  decideApproval: ['admin', 'owner', 'reviewer'],
  claimException: ['admin', 'owner', 'reviewer'],
  releaseException: ['admin', 'owner', 'reviewer'],
  resolveException: ['admin', 'owner', 'reviewer'],
  reopenRun: ['admin', 'owner', 'reviewer'],
  // event subscriptions (webhooks): integrators manage the endpoints they registered, admins and owners every one (webhook-subscription.ts)
  webhookSubscriptions: ['admin', 'owner', 'integrator'],
  webhookDeliveries: ['admin', 'owner', 'integrator'],
  createWebhookSubscription: ['admin', 'owner', 'integrator'],
  updateWebhookSubscription: ['admin', 'owner', 'integrator'],
  deleteWebhookSubscription: ['admin', 'owner', 'integrator'],
  rotateWebhookSecret: ['admin', 'owner', 'integrator'],
  replayWebhookDelivery: ['admin', 'owner', 'integrator'],
  // identity
  createApiKey: ['admin'],
  revokeApiKey: ['admin'],
  // people: who may act at all (principal.ts keeps an admin from locking everyone out)
  createPrincipal: ['admin'],
  setPrincipalRole: ['admin'],
  disablePrincipal: ['admin'],
  enablePrincipal: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Operation = keyof typeof OPERATION_ROLES;

export function isOperation(name: string): name is Operation {
  return Object.prototype.hasOwnProperty.call(OPERATION_ROLES, name);
}

export function canPerform(role: Role, operation: Operation): boolean {
  return (OPERATION_ROLES[operation] as readonly Role[]).includes(role);
}

/** Every operation the role may call, in table order (the console shows only these controls). */
export function operationsFor(role: Role): Operation[] {
  return (Object.keys(OPERATION_ROLES) as Operation[]).filter((operation) => canPerform(role, operation));
}

export function assertCanPerform(actor: Actor, operation: Operation): void {
  if (!canPerform(actor.role, operation)) {
    const allowed = OPERATION_ROLES[operation].join(', ');
    throw new DomainError(
      'forbidden',
      `The ${actor.role} role may not call ${operation}; it needs one of: ${allowed}.`,
      { operation, role: actor.role, allowedRoles: [...OPERATION_ROLES[operation]] },
    );
  }
}

/** Roles that may decide an approval that requires `required`: higher roles may stand in. */
const APPROVER_RANK: Record<'reviewer' | 'owner' | 'admin', number> = {
  reviewer: 1,
  owner: 2,
  admin: 3,
};

export type ApproverRole = keyof typeof APPROVER_RANK;

export function satisfiesApproverRole(role: Role, required: ApproverRole): boolean {
  if (role !== 'reviewer' && role !== 'owner' && role !== 'admin') return false;
  return APPROVER_RANK[role] >= APPROVER_RANK[required];
}
