import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, publishedWorkflow, startRun } from '../../test/fixtures.js';
import { countRows, expectError, startTestApi, type TestApi } from '../../test/test-api.js';

const POLICY = `mutation ($key: String!, $policy: EvaluationPolicyInput!) { setEvaluationPolicy(workflowKey: $key, policy: $policy) { evaluation { agreement { rule fields } agreementThreshold minSampleSize } } }`;
const OUTCOME = `mutation ($id: ID!, $outcome: JSON!) { recordHumanOutcome(runId: $id, outcome: $outcome) { agreed } }`;
const SIGN_OFF = `mutation ($key: String!, $stage: RolloutStage!, $note: String!) { signOffPromotion(workflowKey: $key, toStage: $stage, note: $note) { id toStage note expiresAt consumedAt signedOffBy { email } } }`;
const STAGE = `mutation ($key: String!, $stage: RolloutStage!, $override: Boolean) { setRolloutStage(workflowKey: $key, stage: $stage, reason: "evidence reviewed", override: $override) { rolloutStage } }`;
const ASSESS = `mutation ($key: String!, $input: ReadinessInput!) { assessReadiness(workflowKey: $key, input: $input) { score metCount ready criteria { criterion met evidence } assessedBy { email } } }`;
const STATUS = `query ($key: String!) { workflow(key: $key) {
  rolloutStage
  shadowAgreement { agreed sampleSize rate threshold minSampleSize meetsThreshold }
  readiness { score ready }
  promotionReadiness { from to allowed missing { check message } signOffState readinessRequired }
} }`;

const CRITERIA = ['realVolume', 'visibleDragOrRework', 'understandableFailureModes', 'approvalsDefinable', 'outcomeMeasurable', 'namedBusinessOwner'];
const answers = (unmet: string[] = []) => Object.fromEntries(CRITERIA.map((c) => [c, unmet.includes(c) ? { met: false } : { met: true, evidence: `seen: ${c}` }]));

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** A run of `key` whose AI result is `label`, with the human outcome `human` recorded. */
async function judgedRun(key: string, idem: string, label: string, human: string): Promise<void> {
  const id = await startRun(api, key, idem);
  await api.ds.query(`UPDATE runs SET output = $2::jsonb WHERE id = $1`, [id, JSON.stringify({ label, confidence: 0.9 })]);
  await api.ok(KEYS.reviewer, OUTCOME, { id, outcome: { label: human } });
}

const actions = async (key: string) =>
  (await api.ds.query(`SELECT action FROM audit_events WHERE data->>'workflowKey' = $1 ORDER BY seq`, [key])).map((r: { action: string }) => r.action);

describe('setEvaluationPolicy', () => {
  it('changes the policy for owners and admins, audited with before and after', async () => {
    await publishedWorkflow(api, 'policy');
    expectError(await api.gql(KEYS.reviewer, POLICY, { key: 'policy', policy: { minSampleSize: 5 } }), 'FORBIDDEN');
    const error = expectError(await api.gql(KEYS.owner, POLICY, { key: 'policy', policy: { agreementThreshold: 1.2 } }), 'BAD_USER_INPUT');
    expect(error.extensions?.details).toEqual({ field: 'evaluation.agreementThreshold' });
    const data = await api.ok(KEYS.owner, POLICY, { key: 'policy', policy: { agreement: { rule: 'fields', fields: ['label', 'priority'] }, minSampleSize: 5 } });
    expect(data.setEvaluationPolicy.evaluation).toEqual({ agreement: { rule: 'fields', fields: ['label', 'priority'] }, agreementThreshold: 0.9, minSampleSize: 5 });
    const [event] = await api.ds.query(`SELECT data FROM audit_events WHERE action = 'workflow.evaluation_changed' AND data->>'workflowKey' = 'policy'`);
    expect(event.data.from).toMatchObject({ agreement: { rule: 'label', field: 'label' }, minSampleSize: 30 });
    expect(event.data.to).toMatchObject({ agreement: { rule: 'fields', fields: ['label', 'priority'] }, minSampleSize: 5 });
  });

  it("judges recorded outcomes by the workflow's rule and refuses one without a compared field", async () => {
    const id = await startRun(api, 'policy', 'policy-1');
    await api.ds.query(`UPDATE runs SET output = '{"label":"refund","priority":"high"}' WHERE id = $1`, [id]);
    const error = expectError(await api.gql(KEYS.reviewer, OUTCOME, { id, outcome: { label: 'refund' } }), 'BAD_USER_INPUT');
    expect(error.message).toContain('"priority"');
    expect(error.extensions?.details).toEqual({ field: 'outcome.priority' });
    expect((await api.ok(KEYS.reviewer, OUTCOME, { id, outcome: { label: 'refund', priority: 'low' } })).recordHumanOutcome.agreed).toBe(false);
  });
});

describe('the promotion gate', () => {
  it('refuses shadow → draft with the numbers until agreement over N outcomes and the sign-off are there', async () => {
    await publishedWorkflow(api, 'gate');
    await api.ok(KEYS.owner, POLICY, { key: 'gate', policy: { agreementThreshold: 0.7, minSampleSize: 3 } });
    await judgedRun('gate', 'g-1', 'refund', 'refund');
    await judgedRun('gate', 'g-2', 'outage', 'outage');

    let error = expectError(await api.gql(KEYS.owner, STAGE, { key: 'gate', stage: 'draft' }), 'PRECONDITION_FAILED');
    expect(error.message).toBe(
      `Promotion of "gate" from shadow to draft refused: only 2 judged human outcomes recorded; 3 needed; the change approver's sign-off for draft is missing (there is none). An admin may override with a reason.`,
    );
    expect(error.extensions?.details).toMatchObject({ from: 'shadow', to: 'draft', failedChecks: ['sample_size', 'sign_off'], agreement: { agreed: 2, sampleSize: 2, rate: 1, threshold: 0.7, minSampleSize: 3 } });

    await judgedRun('gate', 'g-3', 'refund', 'other');
    // The named change approver signs off; a reviewer or another owner may not.
    expectError(await api.gql(KEYS.reviewer, SIGN_OFF, { key: 'gate', stage: 'draft', note: 'x' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.owner, SIGN_OFF, { key: 'gate', stage: 'draft', note: 'x' }), 'FORBIDDEN');
    expectError(await api.gql(KEYS.viewer, SIGN_OFF, { key: 'gate', stage: 'draft', note: 'x' }), 'FORBIDDEN');
    const signed = await api.ok(KEYS.approver, SIGN_OFF, { key: 'gate', stage: 'draft', note: 'pilot tickets look right' });
    expect(signed.signOffPromotion).toMatchObject({ toStage: 'draft', note: 'pilot tickets look right', consumedAt: null, signedOffBy: { email: 'oscar@gatehouse.dev' } });

    error = expectError(await api.gql(KEYS.owner, STAGE, { key: 'gate', stage: 'draft' }), 'PRECONDITION_FAILED');
    expect(error.message).toContain('agreement 66.7 % (2 of the last 3) is below the required 70.0 %');
    expect(error.extensions?.details).toMatchObject({ failedChecks: ['agreement'], agreement: { agreed: 2, sampleSize: 3, threshold: 0.7 }, signOff: { state: 'valid' } });
    const status = await api.ok(KEYS.viewer, STATUS, { key: 'gate' });
    expect(status.workflow).toMatchObject({
      rolloutStage: 'shadow',
      shadowAgreement: { agreed: 2, sampleSize: 3, threshold: 0.7, minSampleSize: 3, meetsThreshold: false },
      promotionReadiness: { from: 'shadow', to: 'draft', allowed: false, missing: [{ check: 'agreement' }], signOffState: 'valid', readinessRequired: false },
    });
    expect(status.workflow.shadowAgreement.rate).toBeCloseTo(2 / 3, 10);
    expect(await countRows(api.ds, 'audit_events', `action LIKE 'workflow.promot%' AND data->>'workflowKey' = 'gate' AND action <> 'workflow.promotion_signed_off'`)).toBe(0);
  });

  it('promotes once the numbers meet the policy, using up the sign-off', async () => {
    await api.ok(KEYS.owner, POLICY, { key: 'gate', policy: { agreementThreshold: 0.6 } });
    expect((await api.ok(KEYS.owner, STAGE, { key: 'gate', stage: 'draft' })).setRolloutStage.rolloutStage).toBe('draft');
    const [signOff] = await api.ds.query(`SELECT consumed_at FROM promotion_signoffs s JOIN workflows w ON w.id = s.workflow_id WHERE w.key = 'gate'`);
    expect(signOff.consumed_at).toBeInstanceOf(Date);
    const [promoted] = await api.ds.query(`SELECT data FROM audit_events WHERE action = 'workflow.promoted' AND data->>'workflowKey' = 'gate'`);
    expect(promoted.data).toMatchObject({ from: 'shadow', to: 'draft', agreement: { agreed: 2, sampleSize: 3 } });
    expect(promoted.data.signOffId).toEqual(expect.any(String));
    // Demotion is never gated; promoting back needs a new sign-off (the old one is used up).
    expect((await api.ok(KEYS.owner, STAGE, { key: 'gate', stage: 'shadow' })).setRolloutStage.rolloutStage).toBe('shadow');
    const again = expectError(await api.gql(KEYS.owner, STAGE, { key: 'gate', stage: 'draft' }), 'PRECONDITION_FAILED');
    expect(again.message).toContain('the latest one was already used by a promotion');
    await api.ok(KEYS.approver, SIGN_OFF, { key: 'gate', stage: 'draft', note: 'again' });
    await api.ok(KEYS.owner, STAGE, { key: 'gate', stage: 'draft' });
  });

  it('requires a passing readiness assessment for draft → execute', async () => {
    await api.ok(KEYS.approver, SIGN_OFF, { key: 'gate', stage: 'execute', note: 'drafts approved unchanged' });
    let error = expectError(await api.gql(KEYS.owner, STAGE, { key: 'gate', stage: 'execute' }), 'PRECONDITION_FAILED');
    expect(error.message).toContain('no readiness assessment has been recorded');
    expect(error.extensions?.details).toMatchObject({ failedChecks: ['readiness'], readiness: { required: true, assessed: false } });

    expectError(await api.gql(KEYS.reviewer, ASSESS, { key: 'gate', input: answers() }), 'FORBIDDEN');
    const missingEvidence = expectError(await api.gql(KEYS.owner, ASSESS, { key: 'gate', input: { ...answers(), realVolume: { met: true, evidence: ' ' } } }), 'BAD_USER_INPUT');
    expect(missingEvidence.extensions?.details).toEqual({ field: 'answers.realVolume.evidence' });
    const partial = await api.ok(KEYS.owner, ASSESS, { key: 'gate', input: answers(['outcomeMeasurable']) });
    expect(partial.assessReadiness).toMatchObject({ metCount: 5, ready: false, assessedBy: { email: 'olive@gatehouse.dev' } });
    expect(partial.assessReadiness.score).toBeCloseTo(5 / 6, 10);
    expect(partial.assessReadiness.criteria[4]).toEqual({ criterion: 'outcomeMeasurable', met: false, evidence: '' });
    error = expectError(await api.gql(KEYS.owner, STAGE, { key: 'gate', stage: 'execute' }), 'PRECONDITION_FAILED');
    expect(error.message).toContain('the latest readiness assessment is not ready (unmet: outcomeMeasurable)');

    expect((await api.ok(KEYS.admin, ASSESS, { key: 'gate', input: answers() })).assessReadiness).toMatchObject({ score: 1, ready: true });
    expect((await api.ok(KEYS.viewer, STATUS, { key: 'gate' })).workflow).toMatchObject({ readiness: { score: 1, ready: true }, promotionReadiness: { to: 'execute', allowed: true, missing: [] } });
    expect((await api.ok(KEYS.owner, STAGE, { key: 'gate', stage: 'execute' })).setRolloutStage.rolloutStage).toBe('execute');
    expect((await api.ok(KEYS.viewer, STATUS, { key: 'gate' })).workflow.promotionReadiness).toBeNull();
    expect(await countRows(api.ds, 'readiness_assessments', `workflow_id = (SELECT id FROM workflows WHERE key = 'gate')`)).toBe(2);
    const trail = await actions('gate');
    expect(trail.filter((a: string) => a.startsWith('workflow.promotion_signed_off') || a === 'workflow.readiness_assessed' || a.endsWith('moted'))).toEqual([
      'workflow.promotion_signed_off',
      'workflow.promoted',
      'workflow.demoted',
      'workflow.promotion_signed_off',
      'workflow.promoted',
      'workflow.promotion_signed_off',
      'workflow.readiness_assessed',
      'workflow.readiness_assessed',
      'workflow.promoted',
    ]);
  });

  it('lets an admin override a refused promotion, audited with the reason and failed checks; nobody else', async () => {
    await publishedWorkflow(api, 'override');
    const refused = expectError(await api.gql(KEYS.owner, STAGE, { key: 'override', stage: 'draft', override: true }), 'FORBIDDEN');
    expect(refused.message).toContain('Only an admin may override');
    expect((await api.ok(KEYS.admin, STAGE, { key: 'override', stage: 'draft', override: true })).setRolloutStage.rolloutStage).toBe('draft');
    const [event] = await api.ds.query(`SELECT actor_role, data FROM audit_events WHERE action = 'workflow.promotion_overridden' AND data->>'workflowKey' = 'override'`);
    expect(event.actor_role).toBe('admin');
    expect(event.data).toMatchObject({
      from: 'shadow',
      to: 'draft',
      reason: 'evidence reviewed',
      failedChecks: ['sample_size', 'sign_off'],
      agreement: { agreed: 0, sampleSize: 0, rate: null, threshold: 0.9, minSampleSize: 30 },
    });
    expect(await actions('override')).toContain('workflow.promoted');
  });

  it('refuses promotion with a clear message when no change approver is named', async () => {
    await publishedWorkflow(api, 'no-approver');
    await api.ok(KEYS.owner, `mutation { updateWorkflow(key: "no-approver", input: { owners: { changeApprover: null } }) { key } }`);
    const error = expectError(await api.gql(KEYS.owner, STAGE, { key: 'no-approver', stage: 'draft' }), 'PRECONDITION_FAILED');
    expect(error.message).toContain('no change approver is named to sign off promotions');
    expectError(await api.gql(KEYS.admin, SIGN_OFF, { key: 'no-approver', stage: 'draft', note: 'x' }), 'PRECONDITION_FAILED');
  });
});
