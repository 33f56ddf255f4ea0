import { describe, expect, it } from 'vitest';
import { ROLES } from './roles.js';
import { NOW, actors, expectDomainError } from './test/fixtures.js';
import { assertActsOnWorkflow, assignReviewer, isWorkflowScoped, unassignReviewer, workflowScopeBlocker } from './workflow-scope.js';

const WF = { id: 'wf-1', key: 'triage' };

describe('workflowScopeBlocker', () => {
  it('lets an assigned reviewer act and refuses an unassigned one with FORBIDDEN naming the workflow', () => {
    expect(workflowScopeBlocker(actors.reviewer, WF, true)).toBeNull();
    const error = workflowScopeBlocker(actors.reviewer, WF, false);
    expect(error).toMatchObject({ code: 'forbidden', details: { workflowKey: 'triage', assigned: false } });
    expect(error?.message).toMatch(/not assigned to workflow "triage"/);
    expectDomainError(() => assertActsOnWorkflow(actors.reviewer2, WF, false), 'forbidden');
  });

  it('does not scope admins and owners (nor integrators, scoped by their key, nor viewers, who never act)', () => {
    for (const actor of [actors.admin, actors.approver, actors.integrator, actors.viewer]) {
      expect(workflowScopeBlocker(actor, WF, false)).toBeNull();
    }
    expect(ROLES.filter(isWorkflowScoped)).toEqual(['reviewer']);
  });
});

describe('assignReviewer / unassignReviewer', () => {
  const rita = { id: 'u-rita', role: 'reviewer', email: 'rita@x' } as const;

  it('assigns a reviewer once, audited', () => {
    const { state, events } = assignReviewer(WF, rita, false, actors.approver, NOW);
    expect(state).toEqual({ workflowId: 'wf-1', principalId: 'u-rita', assignedBy: actors.approver.id, assignedAt: NOW });
    expect(events).toEqual([{ type: 'workflow.reviewer_assigned', subjectType: 'workflow', subjectId: 'wf-1', data: { workflowKey: 'triage', principalId: 'u-rita' } }]);
    expectDomainError(() => assignReviewer(WF, rita, true, actors.approver, NOW), 'conflict');
  });

  it('refuses to assign a role that is not scoped', () => {
    const error = expectDomainError(() => assignReviewer(WF, { id: 'u-o', role: 'owner', email: 'o@x' }, false, actors.admin, NOW), 'invalid_input');
    expect(error.message).toMatch(/o@x is a owner/);
  });

  it('unassigns only someone assigned', () => {
    expect(unassignReviewer(WF, rita, true).events[0]).toMatchObject({ type: 'workflow.reviewer_unassigned', data: { principalId: 'u-rita' } });
    expectDomainError(() => unassignReviewer(WF, rita, false), 'not_found');
  });
});
