import type { RulesStep, WorkflowDefinition } from '@gatehouse/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE, KEYS, PROPOSE, publishedWorkflow, runbookFor, startRun, VALID_INPUT } from '../../test/fixtures.js';
import { SUPPORT_TRIAGE } from '../../seed/demo-workflows.js';
import { expectError, startTestApi, type TestApi } from '../../test/test-api.js';

const ATTACH = `mutation ($key: String!, $share: Float!, $v: Int, $vid: ID) { attachChallenger(workflowKey: $key, sharePercent: $share, version: $v, versionId: $vid) { challenger { sharePercent changes version { version } attachedBy { email } } } }`;
const DETACH = `mutation ($key: String!, $reason: String!) { detachChallenger(workflowKey: $key, reason: $reason) { challenger { sharePercent } } }`;
const PUBLISH = `mutation ($key: String!, $v: Int!, $override: String) { publishWorkflowVersion(workflowKey: $key, version: $v, overrideReason: $override) { publishedVersion { version } challenger { sharePercent } } }`;
const ROLLBACK = `mutation ($key: String!) { rollbackWorkflow(workflowKey: $key, reason: "vendor outage") { publishedVersion { version } } }`;
const PAUSE = `mutation ($key: String!) { pauseWorkflow(workflowKey: $key, reason: "incident") { paused } }`;
const RESUME = `mutation ($key: String!) { resumeWorkflow(workflowKey: $key) { paused } }`;
const POLICY = `mutation ($key: String!) { setEvaluationPolicy(workflowKey: $key, policy: { agreementThreshold: 0.75, minSampleSize: 4 }) { key } }`;
const COMPARISON = `query ($key: String!) { workflow(key: $key) { challenger { comparison {
  pairs finished
  vsChampion { agreed sampleSize rate } vsHuman { agreed sampleSize rate }
  gate { agreed sampleSize rate threshold minSampleSize meetsThreshold }
  champion { runs failed costPerRunUsd latencyP50Ms latencyP95Ms } challenger { runs failed costPerRunUsd latencyP50Ms latencyP95Ms }
} } } }`;
const RUNS = `query ($key: String!, $challengers: Boolean) { runs(first: 100, filter: { workflowKey: $key, challengerRuns: $challengers }) { edges { node { id mode championRunId } } } }`;
const RUN = `query ($id: ID!) { run(id: $id) { id challengerRun { id mode version championRunId } } }`;
const OUTCOME = `mutation ($id: ID!, $outcome: JSON!) { recordHumanOutcome(runId: $id, outcome: $outcome) { agreed } }`;

/** The demo definition with the classifier's rules changed (a "rules" change, as a prompt or model change would be for an agent). */
function withRules(extraPattern: string): WorkflowDefinition {
  const definition = structuredClone(SUPPORT_TRIAGE);
  const classify = definition.steps.find((s) => s.id === 'classify') as RulesStep;
  classify.rules = [{ label: 'refund', pattern: extraPattern, flags: 'i', confidence: 0.95 }, ...classify.rules];
  return definition;
}

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** Proposes and approves the next version of `key` (its number returned). */
async function approvedVersion(key: string, definition: WorkflowDefinition): Promise<number> {
  const { proposeWorkflowVersion } = await api.ok<{ proposeWorkflowVersion: { version: number } }>(KEYS.owner, PROPOSE, { key, def: definition, runbook: runbookFor(definition) });
  await api.ok(KEYS.approver, APPROVE, { key, v: proposeWorkflowVersion.version });
  return proposeWorkflowVersion.version;
}

/**
 * Stands in for the runner on one live run and its challenger run: both finish with the labels
 * given as their classifier's output (the runner's own test, apps/runner challenger.int.test.ts,
 * runs them for real); costs and step times are written too.
 */
async function finishPair(liveId: string, live: string, challenger: string | null): Promise<string> {
  const [row] = (await api.ds.query(`SELECT id::text AS id FROM runs WHERE champion_run_id = $1`, [liveId])) as Array<{ id: string }>;
  const write = (runId: string, label: string | null, cost: number, latency: number) =>
    api.ds.query(
      `WITH a AS (INSERT INTO step_attempts (run_id, step_id, attempt, status, output, step_kind, cost_usd, latency_ms, started_at, finished_at)
                  VALUES ($1, 'classify', 1, $2, $3::jsonb, 'rules', $4, $5, now(), now()))
       UPDATE runs SET status = $6, finished_at = now() WHERE id = $1`,
      [runId, label ? 'succeeded' : 'failed', label ? JSON.stringify({ label, confidence: 0.9 }) : null, cost, latency, label ? 'completed' : 'failed'],
    );
  await write(liveId, live, 0.002, 30);
  await write(row!.id, challenger, 0.001, 10);
  return row!.id;
}

describe('attachChallenger', () => {
  it('refuses a challenger of a different workflow, on a paused workflow, outside 0–100 %, not approved, or the champion itself', async () => {
    await publishedWorkflow(api, 'cc-bad');
    await publishedWorkflow(api, 'cc-other');
    const v2 = await approvedVersion('cc-bad', withRules('money back'));
    const otherV2 = await approvedVersion('cc-other', withRules('reimburse'));
    const [otherVersion] = (await api.ds.query(`SELECT v.id::text AS id FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id WHERE w.key = 'cc-other' AND v.version = $1`, [otherV2])) as Array<{ id: string }>;

    const foreign = expectError(await api.gql(KEYS.owner, ATTACH, { key: 'cc-bad', share: 10, vid: otherVersion!.id }), 'BAD_USER_INPUT');
    expect(foreign.message).toMatch(/belongs to another workflow/);
    for (const share of [-5, 100.01, 250]) {
      const error = expectError(await api.gql(KEYS.owner, ATTACH, { key: 'cc-bad', share, v: v2 }), 'BAD_USER_INPUT');
      expect(error.message).toMatch(/from 0 to 100/);
    }
    expectError(await api.gql(KEYS.owner, ATTACH, { key: 'cc-bad', share: 10, v: 1 }), 'BAD_USER_INPUT');
    expectError(await api.gql(KEYS.owner, ATTACH, { key: 'cc-bad', share: 10, v: v2, vid: otherVersion!.id }), 'BAD_USER_INPUT');
    const { proposeWorkflowVersion: proposed } = await api.ok<{ proposeWorkflowVersion: { version: number } }>(KEYS.owner, PROPOSE, { key: 'cc-bad', def: withRules('chargeback') });
    expect(expectError(await api.gql(KEYS.owner, ATTACH, { key: 'cc-bad', share: 10, v: proposed.version }), 'CONFLICT').message).toMatch(/approved by the change approver/);
    expectError(await api.gql(KEYS.reviewer, ATTACH, { key: 'cc-bad', share: 10, v: v2 }), 'FORBIDDEN');

    await api.ok(KEYS.owner, PAUSE, { key: 'cc-bad' });
    expect(expectError(await api.gql(KEYS.owner, ATTACH, { key: 'cc-bad', share: 10, v: v2 }), 'PRECONDITION_FAILED').message).toMatch(/paused/);
    await api.ok(KEYS.owner, RESUME, { key: 'cc-bad' });

    // Nothing was attached by any refused call.
    const { workflow } = await api.ok<{ workflow: { challenger: unknown } }>(KEYS.owner, `query { workflow(key: "cc-bad") { challenger { sharePercent } } }`);
    expect(workflow.challenger).toBeNull();
  });
});

describe('champion / challenger', () => {
  it('shadows the share of live runs it is given, keeps its runs out of the live lists, and detaches', async () => {
    await publishedWorkflow(api, 'cc-share');
    const v2 = await approvedVersion('cc-share', withRules('money back'));
    const attached = await api.ok<{ attachChallenger: { challenger: Record<string, unknown> } }>(KEYS.owner, ATTACH, { key: 'cc-share', share: 100, v: v2 });
    expect(attached.attachChallenger.challenger).toEqual({ sharePercent: 100, changes: ['rules'], version: { version: v2 }, attachedBy: { email: 'olive@gatehouse.dev' } });

    const live = await startRun(api, 'cc-share', 'share-1');
    const { run } = await api.ok<{ run: { challengerRun: { id: string; mode: string; version: number; championRunId: string } } }>(KEYS.viewer, RUN, { id: live });
    expect(run.challengerRun).toMatchObject({ mode: 'shadow', version: v2, championRunId: live });
    // The challenger's run is on the queue for the runner with its own first dispatch.
    const dispatched = (await api.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE message_key = $1`, [run.challengerRun.id])) as Array<{ n: number }>;
    expect(dispatched).toEqual([{ n: 1 }]);
    const runs = async (challengers: boolean) => (await api.ok<{ runs: { edges: Array<{ node: Record<string, unknown> }> } }>(KEYS.viewer, RUNS, { key: 'cc-share', challengers })).runs.edges.map((e) => e.node);
    expect((await runs(false)).map((r) => r.id)).toEqual([live]);
    expect(await runs(true)).toEqual([{ id: run.challengerRun.id, mode: 'shadow', championRunId: live }]);
    // People's outcomes belong on the live run.
    expectError(await api.gql(KEYS.reviewer, OUTCOME, { id: run.challengerRun.id, outcome: { label: 'refund' } }), 'BAD_USER_INPUT');
    // Starting again with the same key replays the live run and makes no second challenger run.
    await startRun(api, 'cc-share', 'share-1');
    expect(await runs(true)).toHaveLength(1);

    await api.ok(KEYS.owner, ATTACH, { key: 'cc-share', share: 0, v: v2 });
    const unsampled = await startRun(api, 'cc-share', 'share-2');
    expect((await api.ok<{ run: { challengerRun: unknown } }>(KEYS.viewer, RUN, { id: unsampled })).run.challengerRun).toBeNull();

    expectError(await api.gql(KEYS.owner, DETACH, { key: 'cc-share', reason: ' ' }), 'BAD_USER_INPUT');
    expect((await api.ok<{ detachChallenger: { challenger: unknown } }>(KEYS.owner, DETACH, { key: 'cc-share', reason: 'enough evidence' })).detachChallenger.challenger).toBeNull();
    const afterDetach = await startRun(api, 'cc-share', 'share-3');
    expect((await api.ok<{ run: { challengerRun: unknown } }>(KEYS.viewer, RUN, { id: afterDetach })).run.challengerRun).toBeNull();

    const audit = (await api.ds.query(`SELECT action, data FROM audit_events WHERE data->>'workflowKey' = 'cc-share' AND action LIKE 'workflow.challenger%' ORDER BY seq`)) as Array<{ action: string; data: Record<string, unknown> }>;
    expect(audit.map((a) => [a.action, a.data.sharePercent ?? a.data.reason])).toEqual([
      ['workflow.challenger_attached', 100],
      ['workflow.challenger_attached', 0],
      ['workflow.challenger_detached', 'enough evidence'],
    ]);
    // Challenger runs are not live runs: the outcome metrics count only the three live runs.
    const { metrics } = await api.ok<{ metrics: { total: { runsStarted: number } } }>(KEYS.viewer, `query ($from: DateTimeISO!, $to: DateTimeISO!) { metrics(workflowKey: "cc-share", from: $from, to: $to) { total { runsStarted } } }`, {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(metrics.total.runsStarted).toBe(3);
  });

  it('compares both side by side, refuses the switch below the threshold, lets an admin override with an audited reason, and rolls back in one mutation', async () => {
    await publishedWorkflow(api, 'cc-gate');
    await api.ok(KEYS.owner, POLICY, { key: 'cc-gate' });
    const v2 = await approvedVersion('cc-gate', withRules('money back'));
    await api.ok(KEYS.owner, ATTACH, { key: 'cc-gate', share: 100, v: v2 });

    // live → challenger: agree, disagree, challenger fails, agree but a person said otherwise.
    const ids = [];
    for (const [i, [live, challenger]] of ([['refund', 'refund'], ['other', 'refund'], ['other', null], ['other', 'other']] as const).entries()) {
      const id = await startRun(api, 'cc-gate', `gate-${i}`, { ...VALID_INPUT, ticketId: `T-${i}` });
      await finishPair(id, live, challenger);
      ids.push(id);
    }
    await api.ok(KEYS.reviewer, OUTCOME, { id: ids[3], outcome: { label: 'refund' } });
    await api.ok(KEYS.reviewer, OUTCOME, { id: ids[1], outcome: { label: 'refund' } });
    // A fifth live run whose challenger is still going: counted as a pair, not compared.
    await startRun(api, 'cc-gate', 'gate-running', { ...VALID_INPUT, ticketId: 'T-run' });

    const { workflow } = await api.ok<{ workflow: { challenger: { comparison: Record<string, unknown> } } }>(KEYS.viewer, COMPARISON, { key: 'cc-gate' });
    expect(workflow.challenger.comparison).toEqual({
      pairs: 5,
      finished: 4,
      vsChampion: { agreed: 2, sampleSize: 4, rate: 0.5 },
      // Run 1: the person agreed with the challenger; run 3: with neither.
      vsHuman: { agreed: 1, sampleSize: 2, rate: 0.5 },
      // People first, the champion otherwise: agree (champion), agree (person), fail, disagree (person).
      gate: { agreed: 2, sampleSize: 4, rate: 0.5, threshold: 0.75, minSampleSize: 4, meetsThreshold: false },
      champion: { runs: 4, failed: 0, costPerRunUsd: 0.002, latencyP50Ms: 30, latencyP95Ms: 30 },
      challenger: { runs: 4, failed: 1, costPerRunUsd: 0.001, latencyP50Ms: 10, latencyP95Ms: 10 },
    });

    const refused = expectError(await api.gql(KEYS.owner, PUBLISH, { key: 'cc-gate', v: v2 }), 'PRECONDITION_FAILED');
    expect(refused.extensions?.reason).toBe('agreement_below_threshold');
    expect(refused.message).toMatch(/2 of 4 agree \(50 %\), below the threshold of 75 %/);
    expectError(await api.gql(KEYS.owner, PUBLISH, { key: 'cc-gate', v: v2, override: 'vendor outage' }), 'FORBIDDEN');
    const switched = await api.ok<{ publishWorkflowVersion: { publishedVersion: { version: number }; challenger: unknown } }>(KEYS.admin, PUBLISH, { key: 'cc-gate', v: v2, override: 'old model is being retired tonight' });
    expect(switched.publishWorkflowVersion).toEqual({ publishedVersion: { version: v2 }, challenger: null });
    const [published] = (await api.ds.query(`SELECT data FROM audit_events WHERE action = 'workflow_version.published' AND data->>'workflowKey' = 'cc-gate' ORDER BY seq DESC LIMIT 1`)) as Array<{ data: { challenger: Record<string, unknown> } }>;
    expect(published!.data.challenger).toEqual({ agreed: 2, sampleSize: 4, rate: 0.5, threshold: 0.75, minSampleSize: 4, overridden: true, overrideReason: 'old model is being retired tonight' });

    // The model's vendor has an outage: one mutation puts the previous version back.
    expect((await api.ok<{ rollbackWorkflow: { publishedVersion: { version: number } } }>(KEYS.owner, ROLLBACK, { key: 'cc-gate' })).rollbackWorkflow.publishedVersion.version).toBe(1);
  });

  it('allows the switch by a normal publish once the challenger agrees often enough', async () => {
    await publishedWorkflow(api, 'cc-pass');
    await api.ok(KEYS.owner, POLICY, { key: 'cc-pass' });
    const v2 = await approvedVersion('cc-pass', withRules('money back'));
    await api.ok(KEYS.owner, ATTACH, { key: 'cc-pass', share: 100, v: v2 });
    for (const [i, [live, challenger]] of ([['refund', 'refund'], ['other', 'other'], ['other', 'refund'], ['refund', 'refund']] as const).entries()) {
      await finishPair(await startRun(api, 'cc-pass', `pass-${i}`, { ...VALID_INPUT, ticketId: `P-${i}` }), live, challenger);
    }
    const switched = await api.ok<{ publishWorkflowVersion: { publishedVersion: { version: number } } }>(KEYS.owner, PUBLISH, { key: 'cc-pass', v: v2 });
    expect(switched.publishWorkflowVersion.publishedVersion.version).toBe(v2);
    const [published] = (await api.ds.query(`SELECT data FROM audit_events WHERE action = 'workflow_version.published' AND data->>'workflowKey' = 'cc-pass' ORDER BY seq DESC LIMIT 1`)) as Array<{ data: { challenger: Record<string, unknown> } }>;
    expect(published!.data.challenger).toMatchObject({ agreed: 3, sampleSize: 4, overridden: false });
  });
});
