import { gateRunForApproval, raiseRunException } from '@gatehouse/db';
import { MAX_RUNBOOK_BYTES } from '@gatehouse/domain';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE, CREATE_WORKFLOW, DEFINITION, KEYS, OWNERS, PUBLISH, publishedWorkflow, runbookFor, startRun } from '../../test/fixtures.js';
import { countRows, expectError, startTestApi, type TestApi } from '../../test/test-api.js';

const PROPOSE = `mutation ($key: String!, $def: JSONObject!, $runbook: String) {
  proposeWorkflowVersion(workflowKey: $key, definition: $def, runbook: $runbook) { id version runbook runbookCheck { complete missing { heading reason message } } }
}`;
const OVERRIDE = `mutation ($key: String!, $stage: RolloutStage!) { setRolloutStage(workflowKey: $key, stage: $stage, reason: "tested elsewhere", override: true) { rolloutStage } }`;
const VERSIONS = `query ($key: String!) { workflow(key: $key) { rolloutStage publishedVersion { version } versions { version runbookCheck { complete missing { heading } } } } }`;
const EXCEPTION = `query ($id: ID!) { exception(id: $id) { reason runbookSection { heading markdown } } }`;
const APPROVAL = `query ($id: ID!) { approval(id: $id) { stepId runbookSection { heading markdown } } }`;

/** Support triage can raise these (raisable-exceptions.ts): every one needs a section to run in execute. */
const TRIAGE_REASONS = ['low_confidence', 'invalid_output', 'tool_error', 'missing_data', 'timeout'];

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** Proposes and approves the next version; returns its number. */
async function approvedVersion(key: string, runbook: string | null): Promise<number> {
  const data = await api.ok(KEYS.owner, PROPOSE, { key, def: DEFINITION, runbook });
  const version = data.proposeWorkflowVersion.version as number;
  await api.ok(KEYS.approver, APPROVE, { key, v: version });
  return version;
}

async function createWorkflow(key: string): Promise<void> {
  await api.ok(KEYS.owner, CREATE_WORKFLOW, { input: { key, name: key, outcome: { statement: 's', targetMetric: 'm' }, owners: OWNERS } });
}

describe('proposeWorkflowVersion with a runbook', () => {
  beforeAll(() => createWorkflow('rb-propose'));

  it('stores the runbook with the version, reports what it lacks, and audits its hash', async () => {
    const runbook = runbookFor(DEFINITION).replace(/## Exception: timeout\n\nWhat to do on timeout\./, '');
    const data = await api.ok(KEYS.owner, PROPOSE, { key: 'rb-propose', def: DEFINITION, runbook });
    expect(data.proposeWorkflowVersion).toMatchObject({ version: 1, runbook, runbookCheck: { complete: false, missing: [{ heading: 'Exception: timeout', reason: 'timeout' }] } });
    const [event] = await api.ds.query(`SELECT data FROM audit_events WHERE subject_id = $1 AND action = 'workflow_version.created'`, [data.proposeWorkflowVersion.id]);
    expect(event.data.runbook).toEqual({ supplied: true, sha256: createHash('sha256').update(runbook).digest('hex'), bytes: Buffer.byteLength(runbook) });
  });

  it('a version without a runbook lacks every required section', async () => {
    const data = await api.ok(KEYS.owner, PROPOSE, { key: 'rb-propose', def: DEFINITION, runbook: null });
    expect(data.proposeWorkflowVersion.runbook).toBeNull();
    expect(data.proposeWorkflowVersion.runbookCheck.missing.map((m: any) => m.heading)).toEqual(['Overview', 'Contacts', ...TRIAGE_REASONS.map((r) => `Exception: ${r}`)]);
  });

  it('refuses an oversized runbook with BAD_USER_INPUT, writing nothing', async () => {
    const before = await countRows(api.ds, 'workflow_versions');
    const error = expectError(await api.gql(KEYS.owner, PROPOSE, { key: 'rb-propose', def: DEFINITION, runbook: `## Overview\n\n${'x'.repeat(MAX_RUNBOOK_BYTES)}` }), 'BAD_USER_INPUT');
    expect(error.message).toMatch(/^runbook: 100013 bytes is over the limit of 100000/);
    expect(error.extensions?.details).toMatchObject({ field: 'runbook', limit: MAX_RUNBOOK_BYTES });
    expect(await countRows(api.ds, 'workflow_versions')).toBe(before);
  });
});

describe('publishing while in execute', () => {
  beforeAll(async () => {
    await publishedWorkflow(api, 'rb-exec');
    await api.ok(KEYS.admin, OVERRIDE, { key: 'rb-exec', stage: 'draft' });
    await api.ok(KEYS.admin, OVERRIDE, { key: 'rb-exec', stage: 'execute' });
  });

  it('is refused (PRECONDITION_FAILED, runbook_incomplete) listing every missing section at once', async () => {
    const none = await approvedVersion('rb-exec', null);
    let error = expectError(await api.gql(KEYS.owner, PUBLISH, { key: 'rb-exec', v: none }), 'PRECONDITION_FAILED');
    expect(error.extensions?.reason).toBe('runbook_incomplete');
    expect(error.message).toMatch(/^Cannot publish to execute: the runbook of v2 of "rb-exec" is missing — add "## Overview", "## Contacts", "## Exception: low_confidence"/);
    expect((error.extensions?.details?.missing as any[]).map((m) => m.heading)).toEqual(['Overview', 'Contacts', ...TRIAGE_REASONS.map((r) => `Exception: ${r}`)]);

    const partial = await approvedVersion('rb-exec', '## Overview\n\nTriage.\n\n## Contacts\n\nOlive.\n\n## Exception: low_confidence\n\nRead the ticket.');
    error = expectError(await api.gql(KEYS.owner, PUBLISH, { key: 'rb-exec', v: partial }), 'PRECONDITION_FAILED');
    expect((error.extensions?.details?.missing as any[]).map((m) => m.reason)).toEqual(['invalid_output', 'tool_error', 'missing_data', 'timeout']);

    const state = await api.ok(KEYS.viewer, VERSIONS, { key: 'rb-exec' });
    expect(state.workflow.publishedVersion.version).toBe(1);
    expect(await countRows(api.ds, 'audit_events', `action = 'workflow_version.published' AND data->>'workflowKey' = 'rb-exec'`)).toBe(1);
  });

  it('goes through with a complete runbook', async () => {
    const complete = await approvedVersion('rb-exec', runbookFor(DEFINITION));
    expect((await api.ok(KEYS.owner, PUBLISH, { key: 'rb-exec', v: complete })).publishWorkflowVersion.publishedVersion.version).toBe(complete);
  });
});

describe('setRolloutStage to execute', () => {
  beforeAll(async () => {
    await createWorkflow('rb-stage');
    await approvedVersion('rb-stage', null);
    // Shadow publishes need no runbook: the version shows what is missing.
    await api.ok(KEYS.owner, PUBLISH, { key: 'rb-stage', v: 1 });
    await api.ok(KEYS.admin, OVERRIDE, { key: 'rb-stage', stage: 'draft' });
  });

  it('is refused while the published runbook is incomplete, even with an admin override', async () => {
    const error = expectError(await api.gql(KEYS.admin, OVERRIDE, { key: 'rb-stage', stage: 'execute' }), 'PRECONDITION_FAILED');
    expect(error.extensions?.reason).toBe('runbook_incomplete');
    expect(error.message).toMatch(/^Cannot promote to execute: the runbook of v1 of "rb-stage" is missing/);
    expect(error.extensions?.details?.missing).toHaveLength(2 + TRIAGE_REASONS.length);
    const state = await api.ok(KEYS.viewer, VERSIONS, { key: 'rb-stage' });
    expect(state.workflow.rolloutStage).toBe('draft');
    expect(state.workflow.versions[0].runbookCheck.complete).toBe(false);
    expect(await countRows(api.ds, 'audit_events', `action = 'workflow.promoted' AND data->>'workflowKey' = 'rb-stage' AND data->>'to' = 'execute'`)).toBe(0);
    // promotionReadiness lists it with everything else the promotion lacks.
    const readiness = await api.ok(KEYS.viewer, `query ($key: String!) { workflow(key: $key) { promotionReadiness { to allowed missing { check message } } } }`, { key: 'rb-stage' });
    expect(readiness.workflow.promotionReadiness).toMatchObject({ to: 'execute', allowed: false });
    const runbook = readiness.workflow.promotionReadiness.missing.find((m: { check: string }) => m.check === 'runbook');
    expect(runbook.message).toMatch(/^the published version's runbook lacks "## Overview", "## Contacts", "## Exception: /);
  });

  it('goes through once a version with a complete runbook is published (in draft, allowed without one)', async () => {
    const v2 = await approvedVersion('rb-stage', runbookFor(DEFINITION));
    await api.ok(KEYS.owner, PUBLISH, { key: 'rb-stage', v: v2 });
    expect((await api.ok(KEYS.admin, OVERRIDE, { key: 'rb-stage', stage: 'execute' })).setRolloutStage.rolloutStage).toBe('execute');
  });
});

describe('runbookSection beside exceptions and approvals', () => {
  const V1 = runbookFor(DEFINITION, '## Approval: reply\n\nV1: check the reply wording.').replace('What to do on low_confidence.', 'V1: read the ticket and set the label.');
  const V2 = runbookFor(DEFINITION, '## Approvals\n\nV2: general approval guidance.').replace('What to do on low_confidence.', 'V2: hand it to tier 2.');
  // Per version: one run for an exception, one for an approval.
  const runs: Record<'v1' | 'v2' | 'bare', [string, string]> = { v1: ['', ''], v2: ['', ''], bare: ['', ''] };
  const startTwo = async (label: keyof typeof runs) => {
    runs[label] = [await startRun(api, 'rb-sections', `rb-${label}-x`), await startRun(api, 'rb-sections', `rb-${label}-a`)];
  };

  beforeAll(async () => {
    await createWorkflow('rb-sections');
    await approvedVersion('rb-sections', V1);
    await api.ok(KEYS.owner, PUBLISH, { key: 'rb-sections', v: 1 });
    for (const email of ['rita@gatehouse.dev']) await api.ok(KEYS.owner, `mutation ($key: String!, $p: String!) { assignReviewer(workflowKey: $key, principal: $p) { key } }`, { key: 'rb-sections', p: email });
    await startTwo('v1');
    await approvedVersion('rb-sections', V2);
    await api.ok(KEYS.owner, PUBLISH, { key: 'rb-sections', v: 2 });
    await startTwo('v2');
    await approvedVersion('rb-sections', null);
    await api.ok(KEYS.owner, PUBLISH, { key: 'rb-sections', v: 3 });
    await startTwo('bare');
  });

  it("an exception shows its reason's section from the run's own version, not the published one", async () => {
    const section = async (runId: string, reason: 'low_confidence' | 'timeout') => {
      const item = await raiseRunException(api.ds, runId, { stepId: 'check', reason, details: {} });
      return (await api.ok(KEYS.reviewer, EXCEPTION, { id: item.id })).exception.runbookSection;
    };
    expect(await section(runs.v1[0], 'low_confidence')).toEqual({ heading: 'Exception: low_confidence', markdown: 'V1: read the ticket and set the label.' });
    expect(await section(runs.v2[0], 'low_confidence')).toEqual({ heading: 'Exception: low_confidence', markdown: 'V2: hand it to tier 2.' });
    expect(await section(runs.bare[0], 'timeout')).toBeNull();
    // The queue asks for many items' sections at once: each from its own run's version.
    const queue = await api.ok(KEYS.reviewer, `{ exceptionQueue(filter: { workflowKey: "rb-sections" }) { edges { node { run { version } runbookSection { markdown } } } } }`);
    expect(queue.exceptionQueue.edges.map((e: any) => [e.node.run.version, e.node.runbookSection?.markdown ?? null])).toEqual([
      [1, 'V1: read the ticket and set the label.'],
      [2, 'V2: hand it to tier 2.'],
      [3, null],
    ]);
  });

  it("an approval shows its step's section, else the general Approvals one, from the run's own version", async () => {
    const section = async (runId: string) => {
      const approval = await gateRunForApproval(api.ds, runId, { stepId: 'reply', actionName: 'send_reply', actionClass: 'customer_impacting', proposed: { text: 'Hello' } });
      return (await api.ok(KEYS.reviewer, APPROVAL, { id: approval.id })).approval.runbookSection;
    };
    const [a1, a2, a3] = [await section(runs.v1[1]), await section(runs.v2[1]), await section(runs.bare[1])];
    expect(a1).toEqual({ heading: 'Approval: reply', markdown: 'V1: check the reply wording.' });
    expect(a2).toEqual({ heading: 'Approvals', markdown: 'V2: general approval guidance.' });
    expect(a3).toBeNull();
  });
});
