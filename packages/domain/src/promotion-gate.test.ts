import { describe, expect, it } from 'vitest';
import { DEFAULT_EVALUATION_POLICY } from './evaluation-policy.js';
import { assessPromotion, changeRolloutStage, measureAgreement, type PromotionEvidence } from './promotion-gate.js';
import { signOffPromotion, type PromotionSignOff } from './promotion-signoff.js';
import { assessReadiness, READINESS_CRITERIA, type ReadinessAnswers, type ReadinessAssessment } from './readiness.js';
import { LATER, NOW, actors, expectDomainError, fullDefinition, makeWorkflow } from './test/fixtures.js';
import type { RolloutStage, Workflow } from './workflow.js';
import { checkRunbook } from './runbook.js';
import { raisableExceptionReasons } from './raisable-exceptions.js';
import type { WorkflowDefinition } from './workflow-definition.js';

const policy = { ...DEFAULT_EVALUATION_POLICY, agreementThreshold: 0.7, minSampleSize: 10 };
const workflow = (stage: RolloutStage = 'shadow', overrides: Partial<Workflow> = {}) => makeWorkflow({ publishedVersionId: 'v-1', rolloutStage: stage, evaluation: policy, ...overrides });
/** `agreeing` of `n` outcomes agreed, most recent first. */
const outcomes = (agreeing: number, n: number) => Array.from({ length: n }, (_, i) => i < agreeing);
const signOff = (stage: RolloutStage): PromotionSignOff =>
  signOffPromotion(workflow(stage === 'draft' ? 'shadow' : 'draft'), { id: `s-${stage}`, toStage: stage, note: 'looks right' }, actors.approver, NOW).state;
const readiness = (unmet: string[] = []): ReadinessAssessment =>
  assessReadiness(workflow(), { id: 'ra', answers: Object.fromEntries(READINESS_CRITERIA.map((c) => [c, { met: !unmet.includes(c), evidence: 'e' }])) as ReadinessAnswers }, actors.author, NOW).state;
const completeRunbook = (definition: WorkflowDefinition) =>
  ['## Overview', 'Triage.', '## Contacts', 'Olive.', ...raisableExceptionReasons(definition).flatMap((r) => [`## Exception: ${r}`, 'Check it.'])].join('\n\n');
const passing = (stage: RolloutStage): PromotionEvidence => ({ recentAgreement: outcomes(10, 10), signOff: signOff(stage), readiness: readiness() });

describe('measureAgreement', () => {
  it('counts only the most recent minSampleSize outcomes', () => {
    expect(measureAgreement([...outcomes(0, 3), ...outcomes(10, 10)], policy)).toEqual({ agreed: 7, sampleSize: 10, rate: 0.7, threshold: 0.7, minSampleSize: 10, meetsThreshold: true });
  });

  it('meets the threshold exactly at the boundary (7 of 10 at 70 %), not one below', () => {
    expect(measureAgreement(outcomes(7, 10), policy).meetsThreshold).toBe(true);
    expect(measureAgreement(outcomes(6, 10), policy).meetsThreshold).toBe(false);
  });

  it('never meets it with fewer than N outcomes, even all agreeing', () => {
    expect(measureAgreement(outcomes(9, 9), policy)).toMatchObject({ agreed: 9, sampleSize: 9, rate: 1, meetsThreshold: false });
    expect(measureAgreement([], policy)).toMatchObject({ sampleSize: 0, rate: null, meetsThreshold: false });
  });
});

describe('assessPromotion', () => {
  it('allows shadow → draft with agreement and a valid sign-off; readiness is not required', () => {
    const a = assessPromotion(workflow(), 'draft', { recentAgreement: outcomes(7, 10), signOff: signOff('draft'), readiness: null }, LATER);
    expect(a).toMatchObject({ allowed: true, failed: [], readiness: { required: false, assessed: false } });
  });

  it('lists every missing item at once', () => {
    const a = assessPromotion(workflow('draft'), 'execute', { recentAgreement: outcomes(3, 4), signOff: null, readiness: readiness(['realVolume']) }, LATER);
    expect(a.allowed).toBe(false);
    expect(a.failed.map((f) => f.check)).toEqual(['sample_size', 'sign_off', 'readiness']);
    expect(a.readiness).toEqual({ required: true, assessed: true, ready: false, score: 5 / 6, unmet: ['realVolume'] });
  });

  it("lists the published version's missing runbook sections for execute, and only for execute", () => {
    const definition = fullDefinition();
    const incomplete = checkRunbook('## Overview\n\nTriage.', definition);
    const toExecute = assessPromotion(workflow('draft'), 'execute', { ...passing('execute'), runbook: incomplete }, LATER);
    expect(toExecute.allowed).toBe(false);
    expect(toExecute.failed).toEqual([{ check: 'runbook', message: expect.stringContaining('"## Contacts"') }]);
    expect(assessPromotion(workflow('draft'), 'execute', { ...passing('execute'), runbook: checkRunbook(completeRunbook(definition), definition) }, LATER).allowed).toBe(true);
    expect(assessPromotion(workflow(), 'draft', { ...passing('draft'), runbook: incomplete }, LATER).allowed).toBe(true);
  });
});

describe('changeRolloutStage', () => {
  it('refuses with the numbers when agreement is below the threshold', () => {
    const error = expectDomainError(() => changeRolloutStage(workflow(), { stage: 'draft', reason: 'r' }, { ...passing('draft'), recentAgreement: outcomes(6, 10) }, actors.author, LATER), 'precondition_failed');
    expect(error.message).toBe('Promotion of "support-triage" from shadow to draft refused: agreement 60.0 % (6 of the last 10) is below the required 70.0 %. An admin may override with a reason.');
    expect(error.details).toMatchObject({ from: 'shadow', to: 'draft', failedChecks: ['agreement'], agreement: { agreed: 6, sampleSize: 10, rate: 0.6, threshold: 0.7, minSampleSize: 10 } });
  });

  it('refuses with fewer than N outcomes', () => {
    const error = expectDomainError(() => changeRolloutStage(workflow(), { stage: 'draft', reason: 'r' }, { ...passing('draft'), recentAgreement: outcomes(9, 9) }, actors.author, LATER), 'precondition_failed');
    expect(error.message).toContain('only 9 judged human outcomes recorded; 10 needed');
    expect(error.details).toMatchObject({ failedChecks: ['sample_size'], agreement: { sampleSize: 9, minSampleSize: 10 } });
  });

  it.each([
    ['missing', null, 'there is none'],
    ['expired', { ...signOff('draft'), expiresAt: LATER }, 'the latest one has expired'],
    ['consumed', { ...signOff('draft'), consumedAt: NOW }, 'the latest one was already used by a promotion'],
    ['for another stage', signOff('execute'), 'there is none for this stage'],
  ])('refuses with the sign-off %s', (_name, given, why) => {
    const error = expectDomainError(() => changeRolloutStage(workflow(), { stage: 'draft', reason: 'r' }, { ...passing('draft'), signOff: given }, actors.author, LATER), 'precondition_failed');
    expect(error.message).toContain(`the change approver's sign-off for draft is missing (${why})`);
    expect(error.details).toMatchObject({ failedChecks: ['sign_off'] });
  });

  it('refuses when no change approver is named', () => {
    const noApprover = workflow('shadow', { owners: { operationalOwnerId: 'u-ops', changeApproverId: null, failureReviewerId: null } });
    const error = expectDomainError(() => changeRolloutStage(noApprover, { stage: 'draft', reason: 'r' }, passing('draft'), actors.author, LATER), 'precondition_failed');
    expect(error.message).toContain('no change approver is named to sign off promotions');
  });

  it('refuses draft → execute without a readiness assessment, or with an unready one naming the unmet criteria', () => {
    const none = expectDomainError(() => changeRolloutStage(workflow('draft'), { stage: 'execute', reason: 'r' }, { ...passing('execute'), readiness: null }, actors.author, LATER), 'precondition_failed');
    expect(none.message).toContain('no readiness assessment has been recorded');
    const unready = expectDomainError(() => changeRolloutStage(workflow('draft'), { stage: 'execute', reason: 'r' }, { ...passing('execute'), readiness: readiness(['namedBusinessOwner', 'realVolume']) }, actors.author, LATER), 'precondition_failed');
    expect(unready.message).toContain('the latest readiness assessment is not ready (unmet: realVolume, namedBusinessOwner)');
    expect(unready.details).toMatchObject({ failedChecks: ['readiness'], readiness: { assessed: true, ready: false, unmet: ['realVolume', 'namedBusinessOwner'] } });
  });

  it('promotes when every check passes and uses up the sign-off', () => {
    const evidence = passing('execute');
    const { state, events, consumedSignOff } = changeRolloutStage(workflow('draft'), { stage: 'execute', reason: 'ready' }, evidence, actors.author, LATER);
    expect(state.rolloutStage).toBe('execute');
    expect(consumedSignOff).toEqual({ ...evidence.signOff, consumedAt: LATER });
    expect(events).toEqual([
      {
        type: 'workflow.promoted',
        subjectType: 'workflow',
        subjectId: 'wf-1',
        data: { from: 'draft', to: 'execute', reason: 'ready', signOffId: 's-execute', agreement: { agreed: 10, sampleSize: 10, rate: 1, threshold: 0.7, minSampleSize: 10 } },
      },
    ]);
  });

  it('never gates a demotion', () => {
    const empty: PromotionEvidence = { recentAgreement: [], signOff: null, readiness: null };
    expect(changeRolloutStage(workflow('execute'), { stage: 'draft', reason: 'errors' }, empty, actors.author, LATER)).toMatchObject({ state: { rolloutStage: 'draft' }, consumedSignOff: null });
    expect(changeRolloutStage(workflow('execute'), { stage: 'shadow', reason: 'errors' }, empty, actors.author, LATER).events.map((e) => e.type)).toEqual(['workflow.demoted']);
  });

  it('lets an admin override a refusal, audited with the failed checks and the numbers', () => {
    const evidence: PromotionEvidence = { recentAgreement: outcomes(2, 3), signOff: null, readiness: null };
    const { state, events, consumedSignOff } = changeRolloutStage(workflow('draft'), { stage: 'execute', reason: ' demo data ', override: true }, evidence, actors.admin, LATER);
    expect(state.rolloutStage).toBe('execute');
    expect(consumedSignOff).toBeNull();
    expect(events.map((e) => e.type)).toEqual(['workflow.promoted', 'workflow.promotion_overridden']);
    expect(events[1]!.data).toMatchObject({
      from: 'draft',
      to: 'execute',
      reason: 'demo data',
      failedChecks: ['sample_size', 'sign_off', 'readiness'],
      agreement: { agreed: 2, sampleSize: 3, minSampleSize: 10, threshold: 0.7 },
      readiness: { required: true, assessed: false },
    });
  });

  it('refuses an override by anyone but an admin, even for a passing promotion', () => {
    expectDomainError(() => changeRolloutStage(workflow(), { stage: 'draft', reason: 'r', override: true }, passing('draft'), actors.author, LATER), 'forbidden');
  });

  it('an admin override of a passing promotion is an ordinary promotion', () => {
    expect(changeRolloutStage(workflow(), { stage: 'draft', reason: 'r', override: true }, passing('draft'), actors.admin, LATER).events.map((e) => e.type)).toEqual(['workflow.promoted']);
  });

  it('keeps the stage rules: one stage at a time, reason required', () => {
    expectDomainError(() => changeRolloutStage(workflow(), { stage: 'execute', reason: 'r', override: true }, passing('execute'), actors.admin, LATER), 'illegal_transition');
    expectDomainError(() => changeRolloutStage(workflow(), { stage: 'draft', reason: ' ' }, passing('draft'), actors.author, LATER), 'invalid_input');
  });
});
