import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { DEFAULT_EVALUATION_POLICY, validateEvaluationPolicy, type EvaluationPolicy } from './evaluation-policy.js';

const field = (policy: Partial<EvaluationPolicy> | Record<string, unknown>) => {
  try {
    validateEvaluationPolicy({ ...DEFAULT_EVALUATION_POLICY, ...policy } as EvaluationPolicy);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_input');
    return (error as DomainError).details.field;
  }
};

describe('validateEvaluationPolicy', () => {
  it('accepts the default and normalises field names', () => {
    expect(validateEvaluationPolicy(DEFAULT_EVALUATION_POLICY)).toEqual(DEFAULT_EVALUATION_POLICY);
    expect(validateEvaluationPolicy({ ...DEFAULT_EVALUATION_POLICY, agreement: { rule: 'fields', fields: [' label ', 'priority'] } }).agreement).toEqual({ rule: 'fields', fields: ['label', 'priority'] });
  });

  it.each([
    [{ agreement: { rule: 'fields', fields: [] } }, 'evaluation.agreement.fields'],
    [{ agreement: { rule: 'fields', fields: ['a', 'a'] } }, 'evaluation.agreement.fields'],
    [{ agreement: { rule: 'label', field: ' ' } }, 'evaluation.agreement.field'],
    [{ agreement: { rule: 'vibes' } }, 'evaluation.agreement.rule'],
    [{ agreementThreshold: 1.01 }, 'evaluation.agreementThreshold'],
    [{ agreementThreshold: Number.NaN }, 'evaluation.agreementThreshold'],
    [{ minSampleSize: 0 }, 'evaluation.minSampleSize'],
    [{ minSampleSize: 2.5 }, 'evaluation.minSampleSize'],
    [{ costBaselinePerRunUsd: -1 }, 'evaluation.costBaselinePerRunUsd'],
    [{ costDriftPercent: 0 }, 'evaluation.costDriftPercent'],
    [{ costWindowHours: 0 }, 'evaluation.costWindowHours'],
    [{ costWindowHours: 24 * 91 }, 'evaluation.costWindowHours'],
  ])('refuses %j', (policy, expected) => {
    expect(field(policy)).toBe(expected);
  });

  it('accepts boundary values', () => {
    expect(field({ agreementThreshold: 0, minSampleSize: 1, costBaselinePerRunUsd: 0, costWindowHours: 2160 })).toBeNull();
    expect(field({ agreementThreshold: 1, costBaselinePerRunUsd: null })).toBeNull();
  });
});
