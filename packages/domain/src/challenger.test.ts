import { describe, expect, it } from 'vitest';
import {
  attachChallenger,
  checkChallengerSwitch,
  challengerChanges,
  comparableResult,
  compareChallenger,
  createChallengerRun,
  detachChallenger,
  sampledForChallenger,
  type ChallengerPair,
} from './challenger.js';
import { DEFAULT_EVALUATION_POLICY } from './evaluation-policy.js';
import { planStep } from './step-evaluation.js';
import { progressRun } from './step-progress.js';
import { recordHumanOutcome } from './shadow-outcome.js';
import { publishVersion } from './workflow-version.js';
import type { AgentStep, RulesStep, WorkflowDefinition } from './workflow-definition.js';
import { actors, expectDomainError, fullDefinition, LATER, makeRun, makeVersion, makeWorkflow, NOW } from './test/fixtures.js';

const champion = makeVersion({ id: 'ver-1', version: 1, status: 'published' });
const workflow = makeWorkflow({ publishedVersionId: 'ver-1', rolloutStage: 'execute' });

function withModel(model: string): WorkflowDefinition {
  const d = fullDefinition();
  (d.steps[1] as AgentStep).model = model;
  return d;
}

const candidate = makeVersion({ id: 'ver-2', version: 2, status: 'approved', definition: withModel('rules-v2') });

describe('challengerChanges', () => {
  it('names each of provider, model, prompt and rules that differ, and nothing for other edits', () => {
    expect(challengerChanges(fullDefinition(), fullDefinition())).toEqual([]);
    expect(challengerChanges(fullDefinition(), withModel('rules-v2'))).toEqual(['model']);
    const prompt = fullDefinition();
    (prompt.steps[1] as AgentStep).prompt = 'Draft a shorter reply.';
    (prompt.steps[1] as AgentStep).provider = 'openai';
    expect(challengerChanges(fullDefinition(), prompt)).toEqual(['provider', 'prompt']);
    const rules = fullDefinition();
    (rules.steps[0] as RulesStep).rules[0]!.pattern = 'refund|reimburse';
    expect(challengerChanges(fullDefinition(), rules)).toEqual(['rules']);
    const threshold = fullDefinition();
    threshold.approvalPolicy!.minConfidence = 0.8;
    expect(challengerChanges(fullDefinition(), threshold)).toEqual(['rules']);
    const slas = fullDefinition();
    slas.slas = { approvalMinutes: 5, exceptionMinutes: 5 };
    expect(challengerChanges(fullDefinition(), slas)).toEqual([]);
  });
});

describe('attachChallenger', () => {
  it('attaches an approved version that changes the model, audited with the share and the changes', () => {
    const { state, events, changes } = attachChallenger(workflow, champion, candidate, 25, actors.author, NOW);
    expect(state.challenger).toEqual({ versionId: 'ver-2', sharePercent: 25, attachedBy: actors.author.id, attachedAt: NOW });
    expect(changes).toEqual(['model']);
    expect(events).toEqual([
      expect.objectContaining({ type: 'workflow.challenger_attached', subjectId: 'wf-1', data: expect.objectContaining({ versionId: 'ver-2', version: 2, championVersion: 1, sharePercent: 25, changes: ['model'] }) }),
    ]);
  });

  it('keeps the comparison window when the same version is attached again with another share', () => {
    const first = attachChallenger(workflow, champion, candidate, 25, actors.author, NOW).state;
    const again = attachChallenger(first, champion, candidate, 100, actors.admin, LATER).state;
    expect(again.challenger).toEqual({ versionId: 'ver-2', sharePercent: 100, attachedBy: actors.author.id, attachedAt: NOW });
  });

  it('refuses a version of another workflow, a paused workflow, shares outside 0–100, unapproved or identical versions', () => {
    expectDomainError(() => attachChallenger(workflow, champion, { ...candidate, workflowId: 'wf-other' }, 10, actors.author, NOW), 'invalid_input');
    expectDomainError(() => attachChallenger({ ...workflow, paused: true, pausedReason: 'vendor outage' }, champion, candidate, 10, actors.author, NOW), 'precondition_failed');
    for (const share of [-1, 100.5, Number.NaN]) {
      const error = expectDomainError(() => attachChallenger(workflow, champion, candidate, share, actors.author, NOW), 'invalid_input');
      expect(error.details).toEqual({ field: 'sharePercent' });
    }
    expect(attachChallenger(workflow, champion, candidate, 0, actors.author, NOW).state.challenger?.sharePercent).toBe(0);
    expect(attachChallenger(workflow, champion, candidate, 100 / 3, actors.author, NOW).state.challenger?.sharePercent).toBe(33.33);
    expectDomainError(() => attachChallenger(workflow, champion, { ...candidate, status: 'proposed' }, 10, actors.author, NOW), 'illegal_transition');
    expectDomainError(() => attachChallenger(workflow, champion, champion, 10, actors.author, NOW), 'invalid_input');
    expectDomainError(() => attachChallenger(workflow, null, candidate, 10, actors.author, NOW), 'precondition_failed');
    const sameAi = makeVersion({ id: 'ver-3', version: 3, status: 'approved' });
    expect(expectDomainError(() => attachChallenger(workflow, champion, sameAi, 10, actors.author, NOW), 'invalid_input').message).toMatch(/none of provider, model, prompt or rules/);
    const otherInput = { ...candidate, definition: { ...candidate.definition, inputSchema: { type: 'object' } } };
    expect(expectDomainError(() => attachChallenger(workflow, champion, otherInput, 10, actors.author, NOW), 'invalid_input').message).toMatch(/different input/);
  });

  it('detaches with a reason; publishing the challenger makes it the champion and clears it', () => {
    // In shadow: publishing to execute also needs a complete runbook (runbook.ts), not this test's subject.
    const attached = attachChallenger({ ...workflow, rolloutStage: 'shadow' }, champion, candidate, 50, actors.author, NOW).state;
    expectDomainError(() => detachChallenger(attached, ' ', NOW), 'invalid_input');
    expect(detachChallenger(attached, 'model vendor changed pricing', NOW).state.challenger).toBeNull();
    expectDomainError(() => detachChallenger(workflow, 'nothing attached', NOW), 'illegal_transition');
    const published = publishVersion(attached, candidate, champion, actors.approver, LATER, { challenger: { overridden: false } });
    expect(published.workflow.challenger).toBeNull();
    expect(published.events[0]!.data).toMatchObject({ challenger: { overridden: false } });
    const other = makeVersion({ id: 'ver-4', version: 4, status: 'approved', definition: withModel('rules-v3') });
    expect(publishVersion(attached, other, champion, actors.approver, LATER).workflow.challenger?.versionId).toBe('ver-2');
  });
});

describe('sampledForChallenger', () => {
  it('samples by the run id: 0 % never, 100 % always, and about the share in between', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `${(i * 1_073_741).toString(16).padStart(8, '0').slice(-8)}-0000-4000-8000-000000000000`);
    expect(ids.filter((id) => sampledForChallenger(id, 0))).toHaveLength(0);
    expect(ids.filter((id) => sampledForChallenger(id, 100))).toHaveLength(4000);
    const quarter = ids.filter((id) => sampledForChallenger(id, 25)).length;
    expect(quarter).toBeGreaterThan(900);
    expect(quarter).toBeLessThan(1100);
    expect(sampledForChallenger('ffffffff-0000-4000-8000-000000000000', 99.9)).toBe(false);
    expect(sampledForChallenger('00000000-0000-4000-8000-000000000000', 0.01)).toBe(true);
  });
});

describe('challenger runs', () => {
  const live = makeRun({ id: 'run-live', mode: 'execute', status: 'running', externalRef: 'T-9' });

  it('are created in shadow on the challenger version, linked to the live run', () => {
    const created = createChallengerRun(live, candidate, 'run-ch', LATER)!;
    expect(created.state).toMatchObject({ id: 'run-ch', versionId: 'ver-2', mode: 'shadow', status: 'queued', championRunId: 'run-live', input: live.input, externalRef: 'T-9', currentStepId: 'classify', dispatchSeq: 1, idempotencyKey: 'challenger:run-live' });
    expect(created.events[0]).toMatchObject({ type: 'run.created', data: { championRunId: 'run-live', mode: 'shadow', version: 2 } });
    expect(createChallengerRun(created.state, candidate, 'run-ch-2', LATER)).toBeNull();
  });

  it('never plan to send an action, even if the mode said execute', () => {
    const definition = fullDefinition();
    const send = definition.steps.find((s) => s.id === 'send')!;
    const run = makeRun({ mode: 'execute', championRunId: 'run-live', status: 'running' });
    const grant = { decision: 'approve', proposed: { reply: 'hi' } } as never;
    const plan = planStep({ definition, run, step: send, outputs: { draft: { reply: 'hi' } }, grant });
    expect(plan).toEqual({ type: 'done', outcome: { type: 'succeeded', output: { executed: false, wouldHaveExecuted: { action: 'send_reply', actionClass: 'customer_impacting', args: { reply: 'hi' } } } } });
  });

  it('end as failed instead of opening an exception or a dead letter', () => {
    const run = makeRun({ status: 'running', currentStepId: 'check', championRunId: 'run-live' });
    const progress = progressRun({ run, definition: fullDefinition(), stepId: 'check', tryNo: 1, outcome: { type: 'failed', reason: 'low_confidence', retryable: false, message: 'Confidence 0.2 is below 0.5.' }, now: LATER, newId: () => 'x-1' });
    expect(progress.run.status).toBe('failed');
    expect(progress.run.error).toEqual({ code: 'low_confidence', message: 'Confidence 0.2 is below 0.5.' });
    expect(progress.exception).toBeNull();
    expect(progress.deadLetterReason).toBeNull();
  });

  it('take no human outcome (that is recorded on the live run)', () => {
    const run = makeRun({ status: 'completed', championRunId: 'run-live', output: { label: 'refund' } });
    expectDomainError(() => recordHumanOutcome(run, null, { label: 'refund' }, DEFAULT_EVALUATION_POLICY, actors.reviewer, LATER), 'invalid_input');
  });
});

describe('compareChallenger', () => {
  const policy = { ...DEFAULT_EVALUATION_POLICY, agreementThreshold: 0.75, minSampleSize: 4 };
  const pair = (challenger: string | null, champion: string | null, human: string | null = null, over: Partial<ChallengerPair> = {}): ChallengerPair => ({
    championStatus: 'completed',
    challengerStatus: challenger === null ? 'failed' : 'completed',
    championResult: champion === null ? null : { label: champion },
    challengerResult: challenger === null ? null : { label: challenger },
    humanOutcome: human === null ? null : { label: human },
    championCostUsd: 0.002,
    challengerCostUsd: 0.001,
    championLatencyMs: 100,
    challengerLatencyMs: 40,
    ...over,
  });

  it('counts agreement with the champion and with people, and gates on people first, champion otherwise', () => {
    const pairs = [
      pair('refund', 'refund'), // agrees with champion
      pair('refund', 'other', 'refund'), // disagrees with champion, agrees with the person (gate: agrees)
      pair('other', 'other', 'refund'), // agrees with champion, not with the person (gate: disagrees)
      pair(null, 'refund'), // challenger failed: disagrees
      pair('refund', 'refund', null, { challengerStatus: 'running', challengerResult: null }), // not finished: not counted
    ];
    const c = compareChallenger(pairs, policy);
    expect(c.pairs).toBe(5);
    expect(c.finished).toBe(4);
    expect(c.vsChampion).toEqual({ agreed: 2, sampleSize: 4, rate: 0.5 });
    expect(c.vsHuman).toEqual({ agreed: 1, sampleSize: 2, rate: 0.5 });
    expect(c.gate).toMatchObject({ agreed: 2, sampleSize: 4, meetsThreshold: false });
    expect(c.challenger).toMatchObject({ runs: 4, failed: 1, costPerRunUsd: 0.001, latencyP50Ms: 40 });
    expect(c.champion).toMatchObject({ runs: 5, failed: 0 });
    expect(c.champion.costPerRunUsd).toBeCloseTo(0.002);
  });

  it('passes the gate at the threshold with enough finished pairs, and not with fewer', () => {
    const agreeing = [pair('a', 'a'), pair('a', 'a'), pair('a', 'a'), pair('b', 'a')];
    expect(compareChallenger(agreeing, policy).gate).toMatchObject({ agreed: 3, sampleSize: 4, meetsThreshold: true });
    expect(compareChallenger(agreeing.slice(0, 3), policy).gate).toMatchObject({ sampleSize: 3, meetsThreshold: false });
  });

  it('takes the last succeeded rules or agent output as what a run produced', () => {
    expect(
      comparableResult([
        { stepKind: 'rules', status: 'succeeded', output: { label: 'first' } },
        { stepKind: 'agent', status: 'failed', output: null },
        { stepKind: 'agent', status: 'succeeded', output: { label: 'second' } },
        { stepKind: 'action', status: 'succeeded', output: { delivered: true } },
      ]),
    ).toEqual({ label: 'second' });
    expect(comparableResult([{ stepKind: 'action', status: 'succeeded', output: {} }])).toBeNull();
  });
});

describe('checkChallengerSwitch', () => {
  const attached = attachChallenger(workflow, champion, candidate, 100, actors.author, NOW).state;
  const policy = { ...DEFAULT_EVALUATION_POLICY, agreementThreshold: 0.75, minSampleSize: 2 };
  const comparison = (agreeing: boolean[]) =>
    compareChallenger(
      agreeing.map((ok) => ({ championStatus: 'completed', challengerStatus: 'completed', championResult: { label: 'a' }, challengerResult: { label: ok ? 'a' : 'b' }, humanOutcome: null, championCostUsd: 0, challengerCostUsd: 0, championLatencyMs: 0, challengerLatencyMs: 0 })),
      policy,
    );

  it('refuses the switch below the threshold with the figures, allows it above', () => {
    const refused = expectDomainError(() => checkChallengerSwitch(attached, candidate, comparison([true, false]), actors.approver, null), 'agreement_below_threshold');
    expect(refused.details).toEqual({ agreed: 1, sampleSize: 2, rate: 0.5, threshold: 0.75, minSampleSize: 2 });
    expect(refused.message).toMatch(/1 of 2 agree \(50 %\), below the threshold of 75 %/);
    expect(checkChallengerSwitch(attached, candidate, comparison([true, true]), actors.approver, null)).toEqual({ challenger: { agreed: 2, sampleSize: 2, rate: 1, threshold: 0.75, minSampleSize: 2, overridden: false } });
  });

  it('lets only an admin override, with a reason that is recorded', () => {
    const low = comparison([false, false]);
    expectDomainError(() => checkChallengerSwitch(attached, candidate, low, actors.approver, 'vendor outage'), 'forbidden');
    expect(checkChallengerSwitch(attached, candidate, low, actors.admin, ' vendor outage ')).toMatchObject({ challenger: { overridden: true, overrideReason: 'vendor outage', agreed: 0 } });
    expectDomainError(() => checkChallengerSwitch(attached, candidate, comparison([true, true]), actors.admin, 'not needed'), 'invalid_input');
  });

  it('does not gate a version that is not the challenger, and refuses an override there', () => {
    const other = makeVersion({ id: 'ver-9', version: 9, status: 'approved' });
    expect(checkChallengerSwitch(attached, other, null, actors.approver, null)).toBeNull();
    expectDomainError(() => checkChallengerSwitch(attached, other, null, actors.admin, 'why'), 'invalid_input');
  });
});
