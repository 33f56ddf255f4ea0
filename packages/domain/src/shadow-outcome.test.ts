import { describe, expect, it } from 'vitest';
import type { JsonValue } from './json-schema.js';
import { outcomesAgree, recordHumanOutcome } from './shadow-outcome.js';
import { LATER, NOW, actors, expectDomainError, makeRun } from './test/fixtures.js';

describe('outcomesAgree', () => {
  const cases: Array<[string, JsonValue | null, JsonValue, boolean | null]> = [
    ['no AI output yet', null, { label: 'refund' }, null],
    ['every reported field matches', { label: 'refund', confidence: 0.9, reply: 'x' }, { label: 'refund' }, true],
    ['a reported field differs', { label: 'refund', priority: 'high' }, { label: 'refund', priority: 'low' }, false],
    ['a reported field is missing from the AI output', { label: 'refund' }, { label: 'refund', priority: 'low' }, false],
    ['a reported null matches a missing AI field', { label: 'refund' }, { label: 'refund', escalated: null }, true],
    ['nested objects compare regardless of key order', { address: { city: 'Oslo', zip: '0150' } }, { address: { zip: '0150', city: 'Oslo' } }, true],
    ['nested objects compare whole, not by subset', { address: { city: 'Oslo', zip: '0150' } }, { address: { city: 'Oslo' } }, false],
    ['arrays compare in order', { tags: ['a', 'b'] }, { tags: ['b', 'a'] }, false],
    ['an empty human object agrees with any AI object', { label: 'x' }, {}, true],
    ['an object against a scalar AI output disagrees', 'refund', { label: 'refund' }, false],
    ['an object against an array AI output disagrees', ['refund'], { 0: 'refund' }, false],
    ['equal scalars agree', 'refund', 'refund', true],
    ['different scalars disagree', 'refund', 'other', false],
    ['number vs string disagree', 1, '1', false],
    ['equal arrays agree', [1, { b: 2, a: 1 }], [1, { a: 1, b: 2 }], true],
    ['a scalar against an object AI output disagrees', { label: 'refund' }, 'refund', false],
  ];

  it.each(cases)('%s', (_name, ai, human, expected) => {
    expect(outcomesAgree(ai, human)).toBe(expected);
  });
});

describe('recordHumanOutcome', () => {
  const completed = () => makeRun({ status: 'completed', output: { label: 'refund', reply: 'x' }, startedAt: NOW, finishedAt: NOW });

  it('records the human outcome beside the AI outcome with the agreement', () => {
    const { state, events } = recordHumanOutcome(completed(), null, { label: 'refund' }, actors.integrator, LATER);
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
    expect(recordHumanOutcome(completed(), null, { label: 'address' }, actors.integrator, LATER).state.agreed).toBe(false);
  });

  it('records agreed = null while the run has no AI output', () => {
    const { state, events } = recordHumanOutcome(makeRun({ status: 'running' }), null, { label: 'refund' }, actors.integrator, LATER);
    expect(state.aiOutcome).toBeNull();
    expect(state.agreed).toBeNull();
    expect(events[0]!.data.agreed).toBeNull();
  });

  it('refuses a second record with conflict', () => {
    const first = recordHumanOutcome(completed(), null, { label: 'refund' }, actors.integrator, NOW).state;
    const error = expectDomainError(() => recordHumanOutcome(completed(), first, { label: 'other' }, actors.admin, LATER), 'conflict');
    expect(error.message).toBe(`A human outcome was already recorded for run run-1 at ${NOW.toISOString()}; outcomes are recorded once.`);
  });

  it('refuses a null outcome', () => {
    expect(expectDomainError(() => recordHumanOutcome(completed(), null, null, actors.integrator, LATER), 'invalid_input').details).toEqual({ field: 'outcome' });
  });
});
