import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE, CREATE_WORKFLOW, DEFINITION, KEYS, OWNERS, PROPOSE, PUBLISH, publishedWorkflow, runbookFor } from '../../test/fixtures.js';
import { countRows, expectError, startTestApi, type TestApi } from '../../test/test-api.js';

const REJECT = `mutation ($key: String!, $v: Int!, $reason: String!) { rejectWorkflowVersion(workflowKey: $key, version: $v, reason: $reason) { version status rejectionReason } }`;
const ROLLBACK = `mutation ($key: String!, $reason: String!, $to: Int) { rollbackWorkflow(workflowKey: $key, reason: $reason, toVersion: $to) { publishedVersion { version } versions { version status } } }`;
const STAGE = `mutation ($key: String!, $stage: RolloutStage!) { setRolloutStage(workflowKey: $key, stage: $stage, reason: "evidence reviewed") { rolloutStage } }`;
// The promotion gate itself is tested in evaluation.int.test.ts; here an admin overrides it.
const PROMOTE_OVERRIDE = `mutation ($key: String!, $stage: RolloutStage!) { setRolloutStage(workflowKey: $key, stage: $stage, reason: "evidence reviewed", override: true) { rolloutStage } }`;
const PAUSE = `mutation ($key: String!, $reason: String!) { pauseWorkflow(workflowKey: $key, reason: $reason) { paused pausedReason } }`;
const RESUME = `mutation ($key: String!) { resumeWorkflow(workflowKey: $key, reason: "fixed") { paused pausedReason } }`;
const UPDATE = `mutation ($key: String!, $input: UpdateWorkflowInput!) { updateWorkflow(key: $key, input: $input) { name changeApprover { email } } }`;

let api: TestApi;
const auditCount = () => countRows(api.ds, 'audit_events');

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('createWorkflow / updateWorkflow', () => {
  it('creates a workflow in shadow, unpaused, audited', async () => {
    const before = await auditCount();
    const data = await api.ok(KEYS.owner, CREATE_WORKFLOW, { input: { key: 'create-ok', name: 'Create OK', owners: OWNERS } });
    expect(data.createWorkflow).toMatchObject({ key: 'create-ok', rolloutStage: 'shadow', paused: false });
    expect(await auditCount()).toBe(before + 1);
    const w = await api.ok(KEYS.viewer, `{ workflow(key: "create-ok") { operationalOwner { email } changeApprover { email } failureReviewer { email } } }`);
    expect(w.workflow).toEqual({ operationalOwner: { email: OWNERS.operationalOwner }, changeApprover: { email: OWNERS.changeApprover }, failureReviewer: { email: OWNERS.failureReviewer } });
  });

  it('refuses bad keys, duplicates, unknown owners and non-owners — writing nothing', async () => {
    const before = await auditCount();
    expectError(await api.gql(KEYS.owner, CREATE_WORKFLOW, { input: { key: 'Bad Key!', name: 'x' } }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.owner, CREATE_WORKFLOW, { input: { key: 'create-ok', name: 'again' } }), 'CONFLICT');
    expectError(await api.gql(KEYS.owner, CREATE_WORKFLOW, { input: { key: 'ghost-owner', name: 'x', owners: { operationalOwner: 'nobody@example.com' } } }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.reviewer, CREATE_WORKFLOW, { input: { key: 'by-reviewer', name: 'x' } }), 'FORBIDDEN');
    expectError(await api.gql(null, CREATE_WORKFLOW, { input: { key: 'anon', name: 'x' } }), 'UNAUTHENTICATED');
    expect(await auditCount()).toBe(before);
    expect(await countRows(api.ds, 'workflows', `key IN ('ghost-owner','by-reviewer','anon')`)).toBe(0);
  });

  it('concurrent creates of one key: exactly one wins, the others get CONFLICT', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => api.gql(KEYS.owner, CREATE_WORKFLOW, { input: { key: 'create-race', name: `Race ${i}`, owners: OWNERS } })),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    for (const loser of results.filter((r) => r.errors)) expectError(loser, 'CONFLICT');
    expect(await countRows(api.ds, 'workflows', `key = 'create-race'`)).toBe(1);
    expect(await countRows(api.ds, 'audit_events', `action = 'workflow.created' AND data->>'key' = 'create-race'`)).toBe(1);
  });

  it('updates name and owners; a no-op update is refused', async () => {
    const data = await api.ok(KEYS.owner, UPDATE, { key: 'create-ok', input: { name: 'Renamed', owners: { changeApprover: 'ada@gatehouse.dev' } } });
    expect(data.updateWorkflow).toEqual({ name: 'Renamed', changeApprover: { email: 'ada@gatehouse.dev' } });
    expectError(await api.gql(KEYS.owner, UPDATE, { key: 'create-ok', input: { name: 'Renamed' } }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.viewer, UPDATE, { key: 'create-ok', input: { name: 'x' } }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.owner, UPDATE, { key: 'missing', input: { name: 'x' } }), 'NOT_FOUND');
  });
});

describe('version lifecycle: propose → approve → publish', () => {
  beforeAll(async () => {
    await api.ok(KEYS.owner, CREATE_WORKFLOW, { input: { key: 'lifecycle', name: 'Lifecycle', outcome: { statement: 's', targetMetric: 'm' }, owners: OWNERS } });
  });

  it('proposing validates the definition and reports every problem with its JSON pointer', async () => {
    const bad = { inputSchema: { type: 'strng' }, steps: [{ id: 'a', kind: 'route', source: 'zzz', field: '/x', branches: [{ equals: 1, goto: 'nowhere' }] }] };
    const error = expectError(await api.gql(KEYS.owner, PROPOSE, { key: 'lifecycle', def: bad }), 'BAD_USER_INPUT');
    const paths = (error.extensions?.details?.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['/inputSchema/type', '/steps/0/source', '/steps/0/branches/0/goto']));
    expectError(await api.gql(KEYS.owner, PROPOSE, { key: 'lifecycle', def: { steps: [] } }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.integrator, PROPOSE, { key: 'lifecycle', def: DEFINITION }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.owner, PROPOSE, { key: 'nope', def: DEFINITION }), 'NOT_FOUND');
    expect(await countRows(api.ds, 'workflow_versions', `workflow_id = (SELECT id FROM workflows WHERE key = 'lifecycle')`)).toBe(0);
  });

  it('numbers versions, and only the change approver who is not the author may approve', async () => {
    const v1 = await api.ok(KEYS.owner, PROPOSE, { key: 'lifecycle', def: DEFINITION, note: 'first' });
    expect(v1.proposeWorkflowVersion).toMatchObject({ version: 1, status: 'proposed' });
    const author = expectError(await api.gql(KEYS.owner, APPROVE, { key: 'lifecycle', v: 1 }), 'FORBIDDEN');
    expect(author.extensions?.reason).toBe('separation_of_duties');
    expectError(await api.gql(KEYS.reviewer, APPROVE, { key: 'lifecycle', v: 1 }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.approver, APPROVE, { key: 'lifecycle', v: 9 }), 'NOT_FOUND');
    const approved = await api.ok(KEYS.approver, APPROVE, { key: 'lifecycle', v: 1 });
    expect(approved.approveWorkflowVersion).toMatchObject({ status: 'approved', approvedBy: { email: OWNERS.changeApprover } });
    expectError(await api.gql(KEYS.approver, APPROVE, { key: 'lifecycle', v: 1 }), 'CONFLICT');
  });

  it('rejects a proposal with a reason', async () => {
    await api.ok(KEYS.owner, PROPOSE, { key: 'lifecycle', def: DEFINITION, note: 'second' });
    expectError(await api.gql(KEYS.approver, REJECT, { key: 'lifecycle', v: 2, reason: ' ' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.owner, REJECT, { key: 'lifecycle', v: 2, reason: 'mine' }), 'FORBIDDEN');
    const data = await api.ok(KEYS.approver, REJECT, { key: 'lifecycle', v: 2, reason: 'Needs a tighter boundary' });
    expect(data.rejectWorkflowVersion).toEqual({ version: 2, status: 'rejected', rejectionReason: 'Needs a tighter boundary' });
    expectError(await api.gql(KEYS.approver, APPROVE, { key: 'lifecycle', v: 2 }), 'CONFLICT');
  });

  it('publishes an approved version; unapproved versions are refused', async () => {
    await api.ok(KEYS.owner, PROPOSE, { key: 'lifecycle', def: DEFINITION });
    expectError(await api.gql(KEYS.owner, PUBLISH, { key: 'lifecycle', v: 3 }), 'CONFLICT');
    expectError(await api.gql(KEYS.reviewer, PUBLISH, { key: 'lifecycle', v: 1 }), 'FORBIDDEN');
    const data = await api.ok(KEYS.owner, PUBLISH, { key: 'lifecycle', v: 1 });
    expect(data.publishWorkflowVersion.publishedVersion).toEqual({ version: 1, status: 'published' });
  });

  it('refuses to publish while clarity points are missing, naming every one at once', async () => {
    await api.ok(KEYS.owner, CREATE_WORKFLOW, { input: { key: 'unclear', name: 'Unclear' } });
    const minimal = { inputSchema: { type: 'object' }, steps: [{ id: 'act', kind: 'action', action: 'email', actionClass: 'customer_impacting' }] };
    await api.ok(KEYS.owner, PROPOSE, { key: 'unclear', def: minimal });
    await api.ok(KEYS.admin, APPROVE, { key: 'unclear', v: 1 });
    const readiness = await api.ok(KEYS.owner, `{ workflow(key: "unclear") { versions { publishReadiness { ready missing { point item } } } } }`);
    expect(readiness.workflow.versions[0].publishReadiness.ready).toBe(false);
    const error = expectError(await api.gql(KEYS.owner, PUBLISH, { key: 'unclear', v: 1 }), 'PRECONDITION_FAILED');
    const missing = error.extensions?.details?.missing as Array<{ point: string; item: string }>;
    expect(new Set(missing.map((m) => m.point))).toEqual(new Set(['outcome', 'boundary', 'approval_points', 'exception_paths', 'named_owner']));
    expect(missing.map((m) => m.item)).toEqual(expect.arrayContaining(['outcome.statement', 'boundary', 'approvalPolicy', 'exceptionPolicy.timeout', 'owners.changeApprover']));
    expect(missing).toHaveLength(readiness.workflow.versions[0].publishReadiness.missing.length);
    const [wf] = await api.ds.query(`SELECT published_version_id FROM workflows WHERE key = 'unclear'`);
    expect(wf.published_version_id).toBeNull();
  });
});

describe('rollback, rollout stage and the kill switch', () => {
  beforeAll(async () => {
    await publishedWorkflow(api, 'rollout');
    await api.ok(KEYS.owner, PROPOSE, { key: 'rollout', def: DEFINITION, note: 'v2', runbook: runbookFor(DEFINITION) });
    await api.ok(KEYS.approver, APPROVE, { key: 'rollout', v: 2 });
    await api.ok(KEYS.owner, PUBLISH, { key: 'rollout', v: 2 });
  });

  it('rolls back to the previous published version and can roll forward again', async () => {
    expectError(await api.gql(KEYS.reviewer, ROLLBACK, { key: 'rollout', reason: 'x' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.owner, ROLLBACK, { key: 'rollout', reason: '' }), 'BAD_USER_INPUT');
    const back = await api.ok(KEYS.owner, ROLLBACK, { key: 'rollout', reason: 'v2 misroutes refunds' });
    expect(back.rollbackWorkflow.publishedVersion.version).toBe(1);
    expect(back.rollbackWorkflow.versions).toEqual([{ version: 2, status: 'superseded' }, { version: 1, status: 'published' }]);
    const forward = await api.ok(KEYS.owner, ROLLBACK, { key: 'rollout', reason: 'fixed upstream', to: 2 });
    expect(forward.rollbackWorkflow.publishedVersion.version).toBe(2);
    expectError(await api.gql(KEYS.owner, ROLLBACK, { key: 'rollout', reason: 'x', to: 2 }), 'CONFLICT');
    expect(await countRows(api.ds, 'audit_events', `action = 'workflow.rolled_back'`)).toBe(2);
  });

  it('a workflow with nothing published cannot roll back or change stage', async () => {
    expectError(await api.gql(KEYS.owner, ROLLBACK, { key: 'unclear', reason: 'x' }), 'PRECONDITION_FAILED');
    expectError(await api.gql(KEYS.owner, STAGE, { key: 'unclear', stage: 'draft' }), 'PRECONDITION_FAILED');
  });

  it('promotes one stage at a time and demotes freely', async () => {
    expectError(await api.gql(KEYS.owner, STAGE, { key: 'rollout', stage: 'execute' }), 'CONFLICT');
    expectError(await api.gql(KEYS.owner, STAGE, { key: 'rollout', stage: 'shadow' }), 'CONFLICT');
    expectError(await api.gql(KEYS.viewer, STAGE, { key: 'rollout', stage: 'draft' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.owner, STAGE, { key: 'rollout', stage: 'live' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.owner, `mutation { setRolloutStage(workflowKey: "rollout", stage: draft, reason: " ") { rolloutStage } }`), 'BAD_USER_INPUT');
    expect((await api.ok(KEYS.admin, PROMOTE_OVERRIDE, { key: 'rollout', stage: 'draft' })).setRolloutStage.rolloutStage).toBe('draft');
    expect((await api.ok(KEYS.admin, PROMOTE_OVERRIDE, { key: 'rollout', stage: 'execute' })).setRolloutStage.rolloutStage).toBe('execute');
    expect((await api.ok(KEYS.owner, STAGE, { key: 'rollout', stage: 'shadow' })).setRolloutStage.rolloutStage).toBe('shadow');
    const events = await api.ds.query(`SELECT action, data->>'from' AS "from", data->>'to' AS "to" FROM audit_events WHERE action LIKE 'workflow.%moted' ORDER BY seq`);
    expect(events).toEqual([
      { action: 'workflow.promoted', from: 'shadow', to: 'draft' },
      { action: 'workflow.promoted', from: 'draft', to: 'execute' },
      { action: 'workflow.demoted', from: 'execute', to: 'shadow' },
    ]);
  });

  it('pauses and resumes (the kill switch), refusing double pauses and missing reasons', async () => {
    expectError(await api.gql(KEYS.integrator, PAUSE, { key: 'rollout', reason: 'incident' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.owner, PAUSE, { key: 'rollout', reason: '  ' }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.owner, RESUME, { key: 'rollout' }), 'CONFLICT');
    expect((await api.ok(KEYS.owner, PAUSE, { key: 'rollout', reason: 'vendor outage' })).pauseWorkflow).toEqual({ paused: true, pausedReason: 'vendor outage' });
    expectError(await api.gql(KEYS.owner, PAUSE, { key: 'rollout', reason: 'again' }), 'CONFLICT');
    expect((await api.ok(KEYS.owner, RESUME, { key: 'rollout' })).resumeWorkflow).toEqual({ paused: false, pausedReason: null });
    expectError(await api.gql(KEYS.owner, PAUSE, { key: 'missing', reason: 'x' }), 'NOT_FOUND');
  });
});
