import { describe, expect, it } from 'vitest';
import { assertComparableHumanOutcome, outcomesAgree, type AgreementRule } from './agreement.js';
import type { JsonValue } from './json-schema.js';
import { expectDomainError } from './test/fixtures.js';

const label: AgreementRule = { rule: 'label', field: 'label' };
const fields: AgreementRule = { rule: 'fields', fields: ['label', 'priority'] };

describe('outcomesAgree', () => {
  const cases: Array<[string, AgreementRule, JsonValue | null, JsonValue, boolean | null]> = [
    ['no AI output yet', label, null, { label: 'refund' }, null],
    ['label: equal label, other fields ignored', label, { label: 'refund', reply: 'a' }, { label: 'refund', reply: 'b' }, true],
    ['label: different label', label, { label: 'refund' }, { label: 'outage' }, false],
    ['label: missing on the AI side counts as null', label, { reply: 'x' }, { label: null }, true],
    ['label: missing on the AI side against a value', label, { reply: 'x' }, { label: 'refund' }, false],
    ['label: a scalar AI output has no fields', label, 'refund', { label: 'refund' }, false],
    ['fields: all listed equal', fields, { label: 'refund', priority: 'high', x: 1 }, { label: 'refund', priority: 'high', x: 2 }, true],
    ['fields: one listed differs', fields, { label: 'refund', priority: 'high' }, { label: 'refund', priority: 'low' }, false],
    ['fields: missing on both sides agree as null', fields, { label: 'refund' }, { label: 'refund', priority: null }, true],
    ['fields: nested values compare canonically', { rule: 'fields', fields: ['address'] }, { address: { city: 'Oslo', zip: '0150' } }, { address: { zip: '0150', city: 'Oslo' } }, true],
    ['fields: arrays compare in order', { rule: 'fields', fields: ['tags'] }, { tags: ['a', 'b'] }, { tags: ['b', 'a'] }, false],
    ['fields: number vs string disagree', { rule: 'fields', fields: ['n'] }, { n: 1 }, { n: '1' }, false],
  ];

  it.each(cases)('%s', (_name, rule, ai, human, expected) => {
    expect(outcomesAgree(ai, human, rule)).toBe(expected);
  });
});

describe('assertComparableHumanOutcome', () => {
  it('accepts an object with every compared field (null values included)', () => {
    expect(() => assertComparableHumanOutcome({ label: 'x', priority: null }, fields)).not.toThrow();
  });

  it('names the first missing field', () => {
    const error = expectDomainError(() => assertComparableHumanOutcome({ label: 'x' }, fields), 'invalid_input');
    expect(error.details).toEqual({ field: 'outcome.priority' });
  });

  it.each([['a scalar', 'refund'], ['an array', ['refund']]] as Array<[string, JsonValue]>)('refuses %s', (_name, value) => {
    expect(expectDomainError(() => assertComparableHumanOutcome(value, label), 'invalid_input').details).toEqual({ field: 'outcome' });
  });
});
