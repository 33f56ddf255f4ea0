import { describe, expect, it } from 'vitest';
import { setEvaluationPolicy } from './evaluation-change.js';
import { DEFAULT_EVALUATION_POLICY } from './evaluation-policy.js';
import { LATER, expectDomainError, makeWorkflow } from './test/fixtures.js';

describe('setEvaluationPolicy', () => {
  it('replaces the policy, normalised, and audits before and after', () => {
    const policy = { ...DEFAULT_EVALUATION_POLICY, agreement: { rule: 'fields' as const, fields: [' label ', 'priority'] }, minSampleSize: 10 };
    const { state, events } = setEvaluationPolicy(makeWorkflow(), policy, LATER);
    expect(state.evaluation).toEqual({ ...policy, agreement: { rule: 'fields', fields: ['label', 'priority'] } });
    expect(state.updatedAt).toBe(LATER);
    expect(events).toEqual([{ type: 'workflow.evaluation_changed', subjectType: 'workflow', subjectId: 'wf-1', data: { from: DEFAULT_EVALUATION_POLICY, to: state.evaluation } }]);
  });

  it('refuses an invalid policy and a policy that changes nothing', () => {
    expect(expectDomainError(() => setEvaluationPolicy(makeWorkflow(), { ...DEFAULT_EVALUATION_POLICY, agreementThreshold: 1.5 }, LATER), 'invalid_input').details).toEqual({ field: 'evaluation.agreementThreshold' });
    expectDomainError(() => setEvaluationPolicy(makeWorkflow(), { ...DEFAULT_EVALUATION_POLICY }, LATER), 'invalid_input');
  });
});
