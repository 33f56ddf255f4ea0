import { describe, expect, it } from 'vitest';
import { DEFAULT_EVALUATION_POLICY, type EvaluationPolicy } from './evaluation-policy.js';
import { recordHumanOutcome } from './shadow-outcome.js';
import { LATER, NOW, actors, expectDomainError, makeRun } from './test/fixtures.js';

describe('recordHumanOutcome', () => {
  const completed = () => makeRun({ status: 'completed', output: { label: 'refund', reply: 'x' }, startedAt: NOW, finishedAt: NOW });

  it('records the human outcome beside the AI outcome with the agreement', () => {
    const { state, events } = recordHumanOutcome(completed(), null, { label: 'refund' }, DEFAULT_EVALUATION_POLICY, actors.integrator, LATER);
    expect(state).toEqual({
      runId: 'run-1',
      workflowId: 'wf-1',
      humanOutcome: { label: 'refund' },
      aiOutcome: { label: 'refund', reply: 'x' },
      agreed: true,
      recordedBy: actors.integrator.id,
      recordedAt: LATER,
    });
    expect(events).toEqual([
      { type: 'shadow_outcome.recorded', subjectType: 'shadow_outcome', subjectId: 'run-1', data: { runId: 'run-1', workflowId: 'wf-1', mode: 'shadow', agreed: true } },
    ]);
  });

  it('records disagreement', () => {
    expect(recordHumanOutcome(completed(), null, { label: 'address' }, DEFAULT_EVALUATION_POLICY, actors.integrator, LATER).state.agreed).toBe(false);
  });

  it('records agreed = null while the run has no AI output', () => {
    const { state, events } = recordHumanOutcome(makeRun({ status: 'running' }), null, { label: 'refund' }, DEFAULT_EVALUATION_POLICY, actors.integrator, LATER);
    expect(state.aiOutcome).toBeNull();
    expect(state.agreed).toBeNull();
    expect(events[0]!.data.agreed).toBeNull();
  });

  it('refuses a second record with conflict', () => {
    const first = recordHumanOutcome(completed(), null, { label: 'refund' }, DEFAULT_EVALUATION_POLICY, actors.integrator, NOW).state;
    const error = expectDomainError(() => recordHumanOutcome(completed(), first, { label: 'other' }, DEFAULT_EVALUATION_POLICY, actors.admin, LATER), 'conflict');
    expect(error.message).toBe(`A human outcome was already recorded for run run-1 at ${NOW.toISOString()}; outcomes are recorded once.`);
  });

  it('refuses a null outcome', () => {
    expect(expectDomainError(() => recordHumanOutcome(completed(), null, null, DEFAULT_EVALUATION_POLICY, actors.integrator, LATER), 'invalid_input').details).toEqual({ field: 'outcome' });
  });

  const byFields: EvaluationPolicy = { ...DEFAULT_EVALUATION_POLICY, agreement: { rule: 'fields', fields: ['label', 'priority'] } };

  it("judges by the workflow's rule, not by whatever the person reported", () => {
    const run = makeRun({ status: 'completed', output: { label: 'refund', priority: 'high', reply: 'x' } });
    expect(recordHumanOutcome(run, null, { label: 'refund', priority: 'high', reply: 'other' }, byFields, actors.integrator, LATER).state.agreed).toBe(true);
    expect(recordHumanOutcome(run, null, { label: 'refund', priority: 'low' }, byFields, actors.integrator, LATER).state.agreed).toBe(false);
  });

  it('refuses an outcome without a compared field, naming it', () => {
    const error = expectDomainError(() => recordHumanOutcome(completed(), null, { label: 'refund' }, byFields, actors.integrator, LATER), 'invalid_input');
    expect(error.details).toEqual({ field: 'outcome.priority' });
    expect(error.message).toContain('"priority"');
  });

  it('refuses an outcome that is not an object', () => {
    expect(expectDomainError(() => recordHumanOutcome(completed(), null, 'refund', DEFAULT_EVALUATION_POLICY, actors.integrator, LATER), 'invalid_input').details).toEqual({ field: 'outcome' });
  });
});
