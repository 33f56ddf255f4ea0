import { describe, expect, it } from 'vitest';
import { assessReadiness, READINESS_CRITERIA, type ReadinessAnswers } from './readiness.js';
import { NOW, actors, expectDomainError, makeWorkflow } from './test/fixtures.js';

function allMet(): ReadinessAnswers {
  return Object.fromEntries(READINESS_CRITERIA.map((c) => [c, { met: true, evidence: `evidence for ${c}` }])) as ReadinessAnswers;
}

describe('assessReadiness', () => {
  it('scores all six met as ready and audits the answers', () => {
    const { state, events } = assessReadiness(makeWorkflow(), { id: 'ra-1', answers: allMet() }, actors.author, NOW);
    expect(state).toMatchObject({ id: 'ra-1', workflowId: 'wf-1', metCount: 6, score: 1, ready: true, assessedBy: actors.author.id, assessedAt: NOW });
    expect(events).toEqual([
      { type: 'workflow.readiness_assessed', subjectType: 'workflow', subjectId: 'wf-1', data: { assessmentId: 'ra-1', score: 1, ready: true, unmet: [], answers: allMet() } },
    ]);
  });

  it('scores met / 6 and is not ready with any criterion unmet', () => {
    const answers = { ...allMet(), realVolume: { met: false, evidence: '' }, outcomeMeasurable: { met: false, evidence: 'no baseline yet' } };
    const { state, events } = assessReadiness(makeWorkflow(), { id: 'ra-2', answers }, actors.admin, NOW);
    expect(state.metCount).toBe(4);
    expect(state.score).toBeCloseTo(4 / 6, 10);
    expect(state.ready).toBe(false);
    expect(events[0]!.data.unmet).toEqual(['realVolume', 'outcomeMeasurable']);
  });

  it('requires evidence for a met criterion and trims it', () => {
    const error = expectDomainError(() => assessReadiness(makeWorkflow(), { id: 'x', answers: { ...allMet(), approvalsDefinable: { met: true, evidence: '  ' } } }, actors.author, NOW), 'invalid_input');
    expect(error.details).toEqual({ field: 'answers.approvalsDefinable.evidence' });
    const trimmed = assessReadiness(makeWorkflow(), { id: 'x', answers: { ...allMet(), realVolume: { met: true, evidence: ' 400/week ' } } }, actors.author, NOW);
    expect(trimmed.state.answers.realVolume.evidence).toBe('400/week');
  });

  it('requires all six criteria and no others', () => {
    const { namedBusinessOwner: _omitted, ...five } = allMet();
    expect(expectDomainError(() => assessReadiness(makeWorkflow(), { id: 'x', answers: five }, actors.author, NOW), 'invalid_input').details).toEqual({ field: 'answers.namedBusinessOwner' });
    expect(expectDomainError(() => assessReadiness(makeWorkflow(), { id: 'x', answers: { ...allMet(), vibes: { met: true, evidence: 'x' } } }, actors.author, NOW), 'invalid_input').details).toEqual({ field: 'answers.vibes' });
    expect(expectDomainError(() => assessReadiness(makeWorkflow(), { id: 'x', answers: { ...allMet(), realVolume: { met: 'yes', evidence: 'x' } } }, actors.author, NOW), 'invalid_input').details).toEqual({ field: 'answers.realVolume.met' });
  });
});
