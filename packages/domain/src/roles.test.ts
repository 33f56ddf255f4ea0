import { describe, expect, it } from 'vitest';
import {
  OPERATION_ROLES,
  ROLES,
  assertCanPerform,
  canPerform,
  isOperation,
  satisfiesApproverRole,
  type ApproverRole,
  type Operation,
  type Role,
} from './roles.js';
import { actors, expectDomainError } from './test/fixtures.js';

const operations = Object.keys(OPERATION_ROLES) as Operation[];

/** Names starting with one of these verbs change state; leadership (viewer) must not call them. */
const MUTATING_VERB = /^(create|update|propose|approve|reject|publish|rollback|set|pause|resume|start|cancel|record|decide|claim|release|resolve|revoke|reopen|sign|assess|disable|enable)[A-Z]/;
const mutations = operations.filter((op) => MUTATING_VERB.test(op));

/** The mutations DESIGN.md promises integrators, written out so a rename fails here. */
const DESIGN_MUTATIONS = [
  'createWorkflow',
  'proposeWorkflowVersion',
  'approveWorkflowVersion',
  'publishWorkflowVersion',
  'rollbackWorkflow',
  'setRolloutStage',
  'pauseWorkflow',
  'resumeWorkflow',
  'startRun',
  'cancelRun',
  'recordHumanOutcome',
  'decideApproval',
  'claimException',
  'resolveException',
  'createApiKey',
  'revokeApiKey',
];
const DESIGN_QUERIES = ['me', 'workflows', 'workflow', 'run', 'runs', 'exceptionQueue', 'approvals', 'metrics', 'auditTrail', 'verifyAuditChain'];

describe('OPERATION_ROLES', () => {
  it('covers every query and mutation named in the design', () => {
    for (const op of [...DESIGN_MUTATIONS, ...DESIGN_QUERIES]) expect(operations, op).toContain(op);
  });

  it.each(operations)('%s is allowed to at least one known role, with no duplicates', (op) => {
    const roles = OPERATION_ROLES[op] as readonly string[];
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) expect(ROLES as readonly string[]).toContain(role);
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('lets admin do everything', () => {
    expect(operations.filter((op) => !canPerform('admin', op))).toEqual([]);
  });

  it('recognises every design mutation as mutating', () => {
    for (const op of DESIGN_MUTATIONS) expect(mutations, op).toContain(op);
    expect(mutations).toEqual(expect.arrayContaining(['updateWorkflow', 'rejectWorkflowVersion', 'releaseException', 'reopenRun', 'signOffPromotion', 'assessReadiness', 'setEvaluationPolicy', 'recordHandOffOutcome']));
  });

  it.each(mutations)('viewer may not call the mutation %s', (op) => {
    expect(canPerform('viewer', op)).toBe(false);
  });

  it('lets viewer read dashboards and the audit trail', () => {
    for (const op of ['me', 'workflows', 'metrics', 'auditTrail', 'verifyAuditChain', 'runs'] as const) {
      expect(canPerform('viewer', op), op).toBe(true);
    }
  });

  it('keeps API keys and people management for admin only', () => {
    for (const op of ['apiKeys', 'createApiKey', 'revokeApiKey', 'createPrincipal', 'setPrincipalRole', 'disablePrincipal', 'enablePrincipal'] as const) {
      expect(OPERATION_ROLES[op]).toEqual(['admin']);
    }
  });

  it('lets an integrator start and cancel runs and report outcomes, but not do human work', () => {
    expect(canPerform('integrator', 'startRun')).toBe(true);
    expect(canPerform('integrator', 'cancelRun')).toBe(true);
    expect(canPerform('integrator', 'recordHumanOutcome')).toBe(true);
    for (const op of ['decideApproval', 'claimException', 'resolveException', 'createWorkflow', 'publishWorkflowVersion', 'exceptionQueue'] as const) {
      expect(canPerform('integrator', op), op).toBe(false);
    }
  });

  it('lets a reviewer work the queue and the inbox, but not change workflows or start runs', () => {
    for (const op of ['decideApproval', 'claimException', 'releaseException', 'resolveException'] as const) {
      expect(canPerform('reviewer', op), op).toBe(true);
    }
    for (const op of ['createWorkflow', 'publishWorkflowVersion', 'setRolloutStage', 'pauseWorkflow', 'startRun', 'cancelRun'] as const) {
      expect(canPerform('reviewer', op), op).toBe(false);
    }
  });

  it('lets an owner define, approve, publish, roll out and pause workflows', () => {
    for (const op of ['createWorkflow', 'updateWorkflow', 'proposeWorkflowVersion', 'approveWorkflowVersion', 'rejectWorkflowVersion', 'publishWorkflowVersion', 'rollbackWorkflow', 'setRolloutStage', 'pauseWorkflow', 'resumeWorkflow'] as const) {
      expect(canPerform('owner', op), op).toBe(true);
    }
    expect(canPerform('owner', 'createApiKey')).toBe(false);
  });
});

describe('isOperation', () => {
  it('accepts table keys and refuses everything else, including inherited properties', () => {
    expect(isOperation('startRun')).toBe(true);
    expect(isOperation('decideApproval')).toBe(true);
    expect(isOperation('deleteEverything')).toBe(false);
    expect(isOperation('toString')).toBe(false);
    expect(isOperation('__proto__')).toBe(false);
  });
});

describe('assertCanPerform', () => {
  it('refuses with forbidden, naming the role, the operation and the roles that may', () => {
    const error = expectDomainError(() => assertCanPerform(actors.viewer, 'publishWorkflowVersion'), 'forbidden');
    expect(error.message).toBe('The viewer role may not call publishWorkflowVersion; it needs one of: admin, owner.');
    expect(error.details).toEqual({ operation: 'publishWorkflowVersion', role: 'viewer', allowedRoles: ['admin', 'owner'] });
  });

  it('names every allowed role for a widely allowed operation', () => {
    const error = expectDomainError(() => assertCanPerform(actors.integrator, 'decideApproval'), 'forbidden');
    expect(error.message).toContain('admin, owner, reviewer');
  });

  it('returns quietly for an allowed role and throws for a disallowed one on the same operation', () => {
    expect(assertCanPerform(actors.integrator, 'startRun')).toBeUndefined();
    expectDomainError(() => assertCanPerform(actors.reviewer, 'startRun'), 'forbidden');
  });
});

describe('satisfiesApproverRole', () => {
  // Written out by hand: reviewer < owner < admin; integrator and viewer never decide.
  const expected: Record<Role, Record<ApproverRole, boolean>> = {
    admin: { reviewer: true, owner: true, admin: true },
    owner: { reviewer: true, owner: true, admin: false },
    reviewer: { reviewer: true, owner: false, admin: false },
    integrator: { reviewer: false, owner: false, admin: false },
    viewer: { reviewer: false, owner: false, admin: false },
  };
  const cases = ROLES.flatMap((role) => (['reviewer', 'owner', 'admin'] as const).map((required) => [role, required, expected[role][required]] as const));

  it.each(cases)('%s deciding an approval that requires %s → %s', (role, required, allowed) => {
    expect(satisfiesApproverRole(role, required)).toBe(allowed);
  });
});
