import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors.js';
import type { MissingItem } from './publish-check.js';
import {
  VERSION_STATUSES,
  approveVersion,
  createVersion,
  previousPublished,
  proposeVersion,
  publishVersion,
  rejectVersion,
  rollbackTo,
  type VersionStatus,
  type WorkflowVersion,
} from './workflow-version.js';
import { LATER, NOW, actors, bareDefinition, expectDomainError, fullDefinition, makeVersion, makeWorkflow } from './test/fixtures.js';

const T = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const otherStatuses = (allowed: VersionStatus) => VERSION_STATUSES.filter((s) => s !== allowed);

describe('createVersion', () => {
  it('creates a draft authored by the actor, with a trimmed change note', () => {
    const definition = fullDefinition();
    const { state, events } = createVersion({ id: 'ver-7', workflowId: 'wf-1', version: 7, definition, changeNote: '  tighten prompt ' }, actors.author, NOW);
    expect(state).toEqual(
      makeVersion({ id: 'ver-7', version: 7, definition, changeNote: 'tighten prompt', status: 'draft', authorId: actors.author.id, createdAt: NOW }),
    );
    expect(events).toEqual([
      { type: 'workflow_version.created', subjectType: 'workflow_version', subjectId: 'ver-7', data: { workflowId: 'wf-1', version: 7, changeNote: 'tighten prompt', runbook: { supplied: false, sha256: null, bytes: 0 } } },
    ]);
  });

  it('accepts an incomplete (but valid) definition: completeness is checked at publish', () => {
    expect(createVersion({ id: 'v', workflowId: 'wf-1', version: 1, definition: bareDefinition() }, actors.author, NOW).state.changeNote).toBe('');
  });

  it('refuses a structurally invalid definition with every issue', () => {
    const definition = fullDefinition();
    definition.steps.push({ id: 'classify', kind: 'approval' });
    const error = expectDomainError(() => createVersion({ id: 'v', workflowId: 'wf-1', version: 1, definition }, actors.author, NOW), 'invalid_input');
    expect(error.details.issues).toEqual([{ path: '/steps/6/id', message: 'duplicates step id "classify" (also /steps/0)' }]);
  });
});

describe('proposeVersion', () => {
  it('lets the author propose a draft', () => {
    const { state, events } = proposeVersion(makeVersion(), actors.author);
    expect(state.status).toBe('proposed');
    expect(events).toEqual([{ type: 'workflow_version.proposed', subjectType: 'workflow_version', subjectId: 'ver-1', data: { workflowId: 'wf-1', version: 1 } }]);
  });

  it('lets an admin propose someone else’s draft', () => {
    expect(proposeVersion(makeVersion(), actors.admin).state.status).toBe('proposed');
  });

  it('refuses another owner', () => {
    expectDomainError(() => proposeVersion(makeVersion(), actors.otherOwner), 'forbidden');
  });

  it.each(otherStatuses('draft'))('refuses to propose a %s version', (status) => {
    const error = expectDomainError(() => proposeVersion(makeVersion({ status }), actors.author), 'illegal_transition');
    expect(error.message).toContain(`that is ${status}`);
    expect(error.message).toContain('workflow version (v1)');
  });
});

describe('approveVersion', () => {
  const proposed = () => makeVersion({ status: 'proposed' });

  it('lets the named change approver approve', () => {
    const { state, events } = approveVersion(makeWorkflow(), proposed(), actors.approver, LATER, 'looks good');
    expect(state).toEqual({ ...proposed(), status: 'approved', approvedBy: actors.approver.id, approvedAt: LATER });
    expect(events).toEqual([
      { type: 'workflow_version.approved', subjectType: 'workflow_version', subjectId: 'ver-1', data: { workflowId: 'wf-1', version: 1, note: 'looks good' } },
    ]);
  });

  it('lets an admin approve even when not the named change approver', () => {
    expect(approveVersion(makeWorkflow(), proposed(), actors.admin, LATER).state.approvedBy).toBe(actors.admin.id);
  });

  it('never lets the author approve — not even as the named change approver or as an admin', () => {
    const asApprover = makeWorkflow({ owners: { ...makeWorkflow().owners, changeApproverId: actors.author.id } });
    const error = expectDomainError(() => approveVersion(asApprover, proposed(), actors.author, LATER), 'separation_of_duties');
    expect(error.message).toContain('You authored v1');
    expect(error.details).toEqual({ authorId: actors.author.id });
    const adminAuthored = makeVersion({ status: 'proposed', authorId: actors.admin.id });
    expectDomainError(() => approveVersion(makeWorkflow(), adminAuthored, actors.admin, LATER), 'separation_of_duties');
  });

  it.each([actors.otherOwner, actors.reviewer, actors.viewer])('forbids $id, who is not the change approver', (actor) => {
    const error = expectDomainError(() => approveVersion(makeWorkflow(), proposed(), actor, LATER), 'forbidden');
    expect(error.message).toContain('change approver named on workflow "support-triage"');
    expect(error.details).toEqual({ changeApproverId: actors.approver.id });
  });

  it('forbids a non-admin when the workflow names no change approver', () => {
    const workflow = makeWorkflow({ owners: { operationalOwnerId: 'u-ops', changeApproverId: null, failureReviewerId: null } });
    expectDomainError(() => approveVersion(workflow, proposed(), actors.approver, LATER), 'forbidden');
  });

  it('says to propose a draft first', () => {
    const error = expectDomainError(() => approveVersion(makeWorkflow(), makeVersion(), actors.approver, LATER), 'illegal_transition');
    expect(error.message).toBe('Cannot approve a workflow version (v1) that is draft. Propose it first.');
  });

  it.each(otherStatuses('proposed'))('refuses to approve a %s version', (status) => {
    expectDomainError(() => approveVersion(makeWorkflow(), makeVersion({ status }), actors.approver, LATER), 'illegal_transition');
  });
});

describe('rejectVersion', () => {
  const proposed = () => makeVersion({ status: 'proposed' });

  it('lets the change approver reject with a trimmed reason', () => {
    const { state, events } = rejectVersion(makeWorkflow(), proposed(), actors.approver, '  prompt leaks PII ', LATER);
    expect(state).toEqual({ ...proposed(), status: 'rejected', rejectedBy: actors.approver.id, rejectedAt: LATER, rejectionReason: 'prompt leaks PII' });
    expect(events).toEqual([
      { type: 'workflow_version.rejected', subjectType: 'workflow_version', subjectId: 'ver-1', data: { workflowId: 'wf-1', version: 1, reason: 'prompt leaks PII' } },
    ]);
  });

  it('lets an admin reject', () => {
    expect(rejectVersion(makeWorkflow(), proposed(), actors.admin, 'no', LATER).state.status).toBe('rejected');
  });

  it('requires a reason', () => {
    expect(expectDomainError(() => rejectVersion(makeWorkflow(), proposed(), actors.approver, '  ', LATER), 'invalid_input').details).toEqual({ field: 'reason' });
  });

  it('never lets the author reject their own version', () => {
    const error = expectDomainError(() => rejectVersion(makeWorkflow(), proposed(), actors.author, 'changed my mind', LATER), 'separation_of_duties');
    expect(error.message).toContain('someone else must reject it');
  });

  it('forbids an owner who is not the change approver', () => {
    expectDomainError(() => rejectVersion(makeWorkflow(), proposed(), actors.otherOwner, 'no', LATER), 'forbidden');
  });

  it.each(otherStatuses('proposed'))('refuses to reject a %s version', (status) => {
    expectDomainError(() => rejectVersion(makeWorkflow(), makeVersion({ status }), actors.approver, 'no', LATER), 'illegal_transition');
  });
});

describe('publishVersion', () => {
  const approved = (overrides: Partial<WorkflowVersion> = {}) => makeVersion({ status: 'approved', approvedBy: actors.approver.id, approvedAt: NOW, ...overrides });

  it('publishes the first version: no version superseded, the workflow points at it', () => {
    const workflow = makeWorkflow();
    const result = publishVersion(workflow, approved(), null, actors.approver, LATER);
    expect(result.published).toEqual({ ...approved(), status: 'published', publishedBy: actors.approver.id, publishedAt: LATER });
    expect(result.superseded).toBeNull();
    expect(result.workflow).toEqual({ ...workflow, publishedVersionId: 'ver-1', updatedAt: LATER });
    expect(result.events).toEqual([
      { type: 'workflow_version.published', subjectType: 'workflow_version', subjectId: 'ver-1', data: { workflowId: 'wf-1', version: 1, supersededVersion: null } },
    ]);
  });

  it('supersedes the current published version so exactly one is live', () => {
    const current = approved({ id: 'ver-1', version: 1, status: 'published', publishedAt: NOW, publishedBy: actors.approver.id });
    const workflow = makeWorkflow({ publishedVersionId: 'ver-1' });
    const next = approved({ id: 'ver-2', version: 2 });
    const result = publishVersion(workflow, next, current, actors.admin, LATER);
    expect(result.superseded).toEqual({ ...current, status: 'superseded' });
    expect(result.published.status).toBe('published');
    expect(result.workflow.publishedVersionId).toBe('ver-2');
    expect(result.events[0]!.data).toEqual({ workflowId: 'wf-1', version: 2, supersededVersion: 1 });
  });

  it('says approval is needed when the version is only proposed', () => {
    const error = expectDomainError(() => publishVersion(makeWorkflow(), makeVersion({ status: 'proposed' }), null, actors.approver, LATER), 'illegal_transition');
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error.message).toBe('Cannot publish a workflow version (v1) that is proposed. It needs approval by the change approver first.');
  });

  it.each(otherStatuses('approved'))('refuses to publish a %s version', (status) => {
    expectDomainError(() => publishVersion(makeWorkflow(), makeVersion({ status }), null, actors.approver, LATER), 'illegal_transition');
  });

  it('refuses a version of another workflow', () => {
    expectDomainError(() => publishVersion(makeWorkflow(), approved({ workflowId: 'wf-other' }), null, actors.approver, LATER), 'invalid_input');
  });

  it('refuses with publish_check_failed listing ALL missing items across the five points at once', () => {
    const workflow = makeWorkflow({ outcome: null, owners: { operationalOwnerId: null, changeApproverId: null, failureReviewerId: null } });
    const version = approved({ definition: bareDefinition(), approvedBy: actors.admin.id });
    const error = expectDomainError(() => publishVersion(workflow, version, null, actors.admin, LATER), 'publish_check_failed');
    const missing = error.details.missing as MissingItem[];
    expect(missing.map((m) => [m.point, m.item])).toEqual([
      ['outcome', 'outcome.statement'],
      ['outcome', 'outcome.targetMetric'],
      ['boundary', 'boundary'],
      ['approval_points', 'approvalPolicy'],
      ['exception_paths', 'exceptionPolicy.low_confidence'],
      ['exception_paths', 'exceptionPolicy.invalid_output'],
      ['exception_paths', 'exceptionPolicy.tool_error'],
      ['exception_paths', 'exceptionPolicy.missing_data'],
      ['exception_paths', 'exceptionPolicy.timeout'],
      ['named_owner', 'owners.operationalOwner'],
      ['named_owner', 'owners.changeApprover'],
      ['named_owner', 'owners.failureReviewer'],
    ]);
    expect(error.message).toBe(
      'Cannot publish v1 of "support-triage": 12 clarity item(s) missing — outcome.statement, outcome.targetMetric, boundary, approvalPolicy, ' +
        'exceptionPolicy.low_confidence, exceptionPolicy.invalid_output, exceptionPolicy.tool_error, exceptionPolicy.missing_data, exceptionPolicy.timeout, ' +
        'owners.operationalOwner, owners.changeApprover, owners.failureReviewer.',
    );
  });

  it('refuses when the change approver is the version’s author', () => {
    const workflow = makeWorkflow({ owners: { ...makeWorkflow().owners, changeApproverId: actors.author.id } });
    const error = expectDomainError(() => publishVersion(workflow, approved({ approvedBy: actors.admin.id }), null, actors.admin, LATER), 'publish_check_failed');
    expect((error.details.missing as MissingItem[]).map((m) => m.item)).toEqual(['owners.changeApprover']);
  });

  it('treats a current version that is not published as a broken invariant', () => {
    const stale = makeVersion({ id: 'ver-0', status: 'superseded' });
    expect(() => publishVersion(makeWorkflow({ publishedVersionId: 'ver-0' }), approved({ id: 'ver-2', version: 2 }), stale, actors.approver, LATER)).toThrow(/Invariant/);
  });

  it('treats a current version that is not the workflow’s published version as a broken invariant', () => {
    const live = makeVersion({ id: 'ver-1', status: 'published', publishedAt: NOW });
    const next = approved({ id: 'ver-2', version: 2 });
    // forgetting to pass the live version would leave two versions published
    expect(() => publishVersion(makeWorkflow({ publishedVersionId: 'ver-1' }), next, null, actors.approver, LATER)).toThrow(/Invariant/);
    expect(() => publishVersion(makeWorkflow({ publishedVersionId: 'ver-9' }), next, live, actors.approver, LATER)).toThrow(/Invariant/);
  });
});

describe('rollbackTo', () => {
  const live = () => makeVersion({ id: 'ver-2', version: 2, status: 'published', publishedAt: T(60), publishedBy: actors.approver.id, approvedBy: actors.approver.id });
  const old = () => makeVersion({ id: 'ver-1', version: 1, status: 'superseded', publishedAt: T(0), publishedBy: actors.approver.id, approvedBy: actors.approver.id });
  const workflow = () => makeWorkflow({ publishedVersionId: 'ver-2', rolloutStage: 'execute' });

  it('republishes a superseded version and supersedes the live one', () => {
    const result = rollbackTo(workflow(), old(), live(), actors.otherOwner, LATER, '  v2 drafts are wrong ');
    expect(result.published).toEqual({ ...old(), status: 'published', publishedBy: actors.otherOwner.id, publishedAt: LATER });
    expect(result.superseded).toEqual({ ...live(), status: 'superseded' });
    expect(result.workflow).toEqual({ ...workflow(), publishedVersionId: 'ver-1', updatedAt: LATER });
    expect(result.events).toEqual([
      {
        type: 'workflow.rolled_back',
        subjectType: 'workflow',
        subjectId: 'wf-1',
        data: { workflowId: 'wf-1', version: 1, supersededVersion: 2, reason: 'v2 drafts are wrong', fromVersionId: 'ver-2' },
      },
    ]);
  });

  it('does not need the clarity check or a fresh approval (the version was live before)', () => {
    const bare = makeWorkflow({ publishedVersionId: 'ver-2', outcome: null });
    expect(rollbackTo(bare, { ...old(), definition: bareDefinition() }, live(), actors.otherOwner, LATER, 'r').published.status).toBe('published');
  });

  it('requires a reason', () => {
    expect(expectDomainError(() => rollbackTo(workflow(), old(), live(), actors.admin, LATER, ' '), 'invalid_input').details).toEqual({ field: 'reason' });
  });

  it.each(otherStatuses('superseded'))('refuses to roll back to a %s version', (status) => {
    const error = expectDomainError(() => rollbackTo(workflow(), { ...old(), status }, live(), actors.admin, LATER, 'r'), 'illegal_transition');
    expect(error.message).toContain('Only a version that was published before can be republished by rollback.');
  });

  it('refuses a version of another workflow', () => {
    expectDomainError(() => rollbackTo(workflow(), { ...old(), workflowId: 'wf-x' }, live(), actors.admin, LATER, 'r'), 'invalid_input');
  });
});

describe('previousPublished', () => {
  const v = (version: number, status: VersionStatus, publishedAt: Date | null) => makeVersion({ id: `ver-${version}`, version, status, publishedAt });

  it('picks the newest superseded version by publish time', () => {
    const versions = [v(1, 'superseded', T(0)), v(3, 'superseded', T(30)), v(2, 'superseded', T(60)), v(4, 'published', T(90))];
    expect(previousPublished(versions)?.id).toBe('ver-2');
  });

  it('breaks a publish-time tie with the higher version number', () => {
    expect(previousPublished([v(1, 'superseded', T(0)), v(2, 'superseded', T(0))])?.id).toBe('ver-2');
  });

  it('ignores versions that were never live', () => {
    const versions = [v(5, 'approved', null), v(6, 'rejected', null), v(7, 'draft', null), v(8, 'proposed', null), v(9, 'superseded', null), v(1, 'superseded', T(0))];
    expect(previousPublished(versions)?.id).toBe('ver-1');
  });

  it('returns null when nothing was live before', () => {
    expect(previousPublished([])).toBeNull();
    expect(previousPublished([v(1, 'published', T(0)), v(2, 'approved', null)])).toBeNull();
  });

  it('does not reorder the array it was given', () => {
    const versions = [v(1, 'superseded', T(0)), v(2, 'superseded', T(60))];
    previousPublished(versions);
    expect(versions.map((x) => x.id)).toEqual(['ver-1', 'ver-2']);
  });
});

describe('full lifecycle', () => {
  it('draft → proposed → approved → published; v2 supersedes v1; rollback republishes v1', () => {
    let workflow = makeWorkflow();
    const v1 = createVersion({ id: 'ver-1', workflowId: workflow.id, version: 1, definition: fullDefinition() }, actors.author, T(0)).state;
    const v1Approved = approveVersion(workflow, proposeVersion(v1, actors.author).state, actors.approver, T(1)).state;
    const first = publishVersion(workflow, v1Approved, null, actors.approver, T(2));
    workflow = first.workflow;
    expect(workflow.publishedVersionId).toBe('ver-1');

    const v2 = createVersion({ id: 'ver-2', workflowId: workflow.id, version: 2, definition: fullDefinition(), changeNote: 'v2' }, actors.otherOwner, T(3)).state;
    const v2Approved = approveVersion(workflow, proposeVersion(v2, actors.otherOwner).state, actors.approver, T(4)).state;
    const second = publishVersion(workflow, v2Approved, first.published, actors.approver, T(5));
    workflow = second.workflow;
    expect(second.superseded).toMatchObject({ id: 'ver-1', status: 'superseded' });
    expect(workflow.publishedVersionId).toBe('ver-2');

    const target = previousPublished([second.superseded!, second.published]);
    expect(target?.id).toBe('ver-1');
    const rolledBack = rollbackTo(workflow, target!, second.published, actors.approver, T(6), 'v2 regressed');
    expect(rolledBack.workflow.publishedVersionId).toBe('ver-1');
    expect(rolledBack.published).toMatchObject({ id: 'ver-1', status: 'published', publishedAt: T(6) });
    expect(rolledBack.superseded).toMatchObject({ id: 'ver-2', status: 'superseded' });
    // after the rollback, the default rollback target is v2 (live most recently before v1 came back)
    expect(previousPublished([rolledBack.published, rolledBack.superseded!])?.id).toBe('ver-2');
  });
});
