import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors.js';
import { DEFAULT_EVALUATION_POLICY } from './evaluation-policy.js';
import {
  ROLLOUT_STAGES,
  createWorkflow,
  pauseWorkflow,
  resumeWorkflow,
  setRolloutStage,
  updateWorkflow,
  type RolloutStage,
} from './workflow.js';
import { LATER, NOW, actors, expectDomainError, makeWorkflow } from './test/fixtures.js';

const published = (overrides: Parameters<typeof makeWorkflow>[0] = {}) => makeWorkflow({ publishedVersionId: 'ver-1', ...overrides });

describe('createWorkflow', () => {
  it('creates a shadow-stage, unpaused, unpublished workflow and emits workflow.created', () => {
    const { state, events } = createWorkflow(
      {
        id: 'wf-9',
        key: 'invoice-check',
        name: '  Invoice check  ',
        description: ' Checks invoices. ',
        outcome: { statement: 'Fewer errors', targetMetric: 'error rate < 1%' },
        owners: { operationalOwnerId: 'u-ops', changeApproverId: undefined },
      },
      actors.author,
      NOW,
    );
    expect(state).toEqual({
      id: 'wf-9',
      key: 'invoice-check',
      name: 'Invoice check',
      description: 'Checks invoices.',
      outcome: { statement: 'Fewer errors', targetMetric: 'error rate < 1%' },
      owners: { operationalOwnerId: 'u-ops', changeApproverId: null, failureReviewerId: null },
      rolloutStage: 'shadow',
      paused: false,
      pausedReason: null,
      publishedVersionId: null,
      evaluation: DEFAULT_EVALUATION_POLICY,
      createdBy: actors.author.id,
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(events).toEqual([
      {
        type: 'workflow.created',
        subjectType: 'workflow',
        subjectId: 'wf-9',
        data: { key: 'invoice-check', name: 'Invoice check', outcome: state.outcome, owners: state.owners },
      },
    ]);
  });

  it('defaults description, outcome and owners', () => {
    const { state } = createWorkflow({ id: 'w', key: 'ab', name: 'AB' }, actors.admin, NOW);
    expect(state.description).toBe('');
    expect(state.outcome).toBeNull();
    expect(state.owners).toEqual({ operationalOwnerId: null, changeApproverId: null, failureReviewerId: null });
  });

  it.each(['ab', 'a1', 'support-triage', `a${'b'.repeat(62)}`])('accepts the key %s', (key) => {
    expect(createWorkflow({ id: 'w', key, name: 'N' }, actors.author, NOW).state.key).toBe(key);
  });

  it.each(['a', '1abc', '-abc', 'Support', 'has space', 'under_score', 'dots.no', '', `a${'b'.repeat(63)}`, 'ünïcode'])('refuses the key %j with invalid_input on field key', (key) => {
    const error = expectDomainError(() => createWorkflow({ id: 'w', key, name: 'N' }, actors.author, NOW), 'invalid_input');
    expect(error.details).toEqual({ field: 'key' });
    expect(error.message).toContain(`"${key}"`);
    expect(error.message).toContain('2–63 lowercase letters, digits or hyphens');
  });

  it('refuses a blank name', () => {
    expect(expectDomainError(() => createWorkflow({ id: 'w', key: 'ok', name: '   ' }, actors.author, NOW), 'invalid_input').details).toEqual({ field: 'name' });
  });

  it.each([
    { statement: '', targetMetric: 'p50 < 4h' },
    { statement: 'Faster', targetMetric: '  ' },
  ])('refuses a half-filled outcome %j', (outcome) => {
    expect(expectDomainError(() => createWorkflow({ id: 'w', key: 'ok', name: 'N', outcome }, actors.author, NOW), 'invalid_input').details).toEqual({ field: 'outcome' });
  });
});

describe('updateWorkflow', () => {
  it('updates name, description, outcome and merges owners, recording from/to of each changed field', () => {
    const workflow = makeWorkflow();
    const { state, events } = updateWorkflow(
      workflow,
      { name: ' Triage v2 ', description: 'New', outcome: { statement: 'S', targetMetric: 'M' }, owners: { failureReviewerId: 'u-new', changeApproverId: undefined } },
      LATER,
    );
    expect(state).toEqual({
      ...workflow,
      name: 'Triage v2',
      description: 'New',
      outcome: { statement: 'S', targetMetric: 'M' },
      owners: { ...workflow.owners, failureReviewerId: 'u-new' },
      updatedAt: LATER,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'workflow.updated', subjectType: 'workflow', subjectId: 'wf-1' });
    expect(events[0]!.data).toEqual({
      changed: {
        name: { from: 'Support triage', to: 'Triage v2' },
        description: { from: workflow.description, to: 'New' },
        outcome: { from: workflow.outcome, to: { statement: 'S', targetMetric: 'M' } },
        owners: { from: workflow.owners, to: state.owners },
      },
    });
  });

  it('records only the fields that actually changed', () => {
    const workflow = makeWorkflow();
    const { events } = updateWorkflow(workflow, { name: workflow.name, description: 'different' }, LATER);
    expect(Object.keys(events[0]!.data.changed as object)).toEqual(['description']);
  });

  it('clears the outcome with null and an owner with null', () => {
    const { state } = updateWorkflow(makeWorkflow(), { outcome: null, owners: { changeApproverId: null } }, LATER);
    expect(state.outcome).toBeNull();
    expect(state.owners.changeApproverId).toBeNull();
    expect(state.owners.operationalOwnerId).toBe('u-ops');
  });

  it('refuses a no-op update', () => {
    const workflow = makeWorkflow();
    const error = expectDomainError(
      () => updateWorkflow(workflow, { name: ` ${workflow.name} `, outcome: { ...workflow.outcome! }, owners: { ...workflow.owners } }, LATER),
      'invalid_input',
    );
    expect(error.message).toMatch(/Nothing to update/);
    expectDomainError(() => updateWorkflow(workflow, {}, LATER), 'invalid_input');
  });

  it('treats an outcome with the same values in another key order as unchanged (jsonb reorders keys)', () => {
    const workflow = makeWorkflow({ outcome: { statement: 'S', targetMetric: 'M' } });
    expectDomainError(() => updateWorkflow(workflow, { outcome: { targetMetric: 'M', statement: 'S' } }, LATER), 'invalid_input');
  });

  it('refuses a blank name and a half-filled outcome', () => {
    expect(expectDomainError(() => updateWorkflow(makeWorkflow(), { name: ' ' }, LATER), 'invalid_input').details).toEqual({ field: 'name' });
    expect(expectDomainError(() => updateWorkflow(makeWorkflow(), { outcome: { statement: 'S', targetMetric: '' } }, LATER), 'invalid_input').details).toEqual({ field: 'outcome' });
  });

  it('does not mutate the workflow it was given', () => {
    const workflow = makeWorkflow();
    const before = structuredClone(workflow);
    updateWorkflow(workflow, { name: 'Other', owners: { operationalOwnerId: 'x' } }, LATER);
    expect(workflow).toEqual(before);
  });
});

describe('setRolloutStage', () => {
  // Written out by hand: promotion one step at a time, demotion to any lower stage.
  const LEGAL: Record<RolloutStage, Partial<Record<RolloutStage, 'promoted' | 'demoted'>>> = {
    shadow: { draft: 'promoted' },
    draft: { shadow: 'demoted', execute: 'promoted' },
    execute: { shadow: 'demoted', draft: 'demoted' },
  };
  const pairs = ROLLOUT_STAGES.flatMap((from) => ROLLOUT_STAGES.map((to) => [from, to] as const));

  it.each(pairs)('%s → %s', (from, to) => {
    const workflow = published({ rolloutStage: from });
    const direction = LEGAL[from][to];
    if (direction) {
      const { state, events } = setRolloutStage(workflow, to, 'agreement 97% over 2 weeks', LATER);
      expect(state.rolloutStage).toBe(to);
      expect(state.updatedAt).toBe(LATER);
      expect(events).toEqual([{ type: `workflow.${direction}`, subjectType: 'workflow', subjectId: 'wf-1', data: { from, to, reason: 'agreement 97% over 2 weeks' } }]);
    } else {
      let thrown: unknown;
      try {
        setRolloutStage(workflow, to, 'r', LATER);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(IllegalTransitionError);
      expect((thrown as IllegalTransitionError).code).toBe('illegal_transition');
      expect((thrown as Error).message).toContain(from === to ? `already in ${to}` : `in ${from}`);
    }
  });

  it('explains the next step when a promotion skips a stage', () => {
    expect(() => setRolloutStage(published({ rolloutStage: 'shadow' }), 'execute', 'r', LATER)).toThrow('Promote one stage at a time: shadow → draft first.');
  });

  it('requires a reason, and stores it trimmed', () => {
    const error = expectDomainError(() => setRolloutStage(published({ rolloutStage: 'shadow' }), 'draft', '   ', LATER), 'invalid_input');
    expect(error.details).toEqual({ field: 'reason' });
    expect(setRolloutStage(published({ rolloutStage: 'shadow' }), 'draft', '  evidence  ', LATER).events[0]!.data.reason).toBe('evidence');
  });

  it('refuses any stage change before a version is published', () => {
    const error = expectDomainError(() => setRolloutStage(makeWorkflow(), 'draft', 'r', LATER), 'precondition_failed');
    expect(error.message).toContain('"support-triage" has no published version');
  });
});

describe('pauseWorkflow / resumeWorkflow (kill switch)', () => {
  it('pauses with a trimmed reason', () => {
    const { state, events } = pauseWorkflow(makeWorkflow(), '  bad drafts  ', LATER);
    expect(state).toMatchObject({ paused: true, pausedReason: 'bad drafts', updatedAt: LATER });
    expect(events).toEqual([{ type: 'workflow.paused', subjectType: 'workflow', subjectId: 'wf-1', data: { reason: 'bad drafts' } }]);
  });

  it('requires a reason to pause', () => {
    expect(expectDomainError(() => pauseWorkflow(makeWorkflow(), '   ', LATER), 'invalid_input').details).toEqual({ field: 'reason' });
  });

  it('refuses to pause twice', () => {
    const paused = pauseWorkflow(makeWorkflow(), 'incident', NOW).state;
    const error = expectDomainError(() => pauseWorkflow(paused, 'again', LATER), 'illegal_transition');
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error.message).toBe('Cannot pause a workflow that is paused. It is already paused.');
  });

  it('resumes, clearing the pause and recording why it was paused', () => {
    const paused = pauseWorkflow(makeWorkflow(), 'incident', NOW).state;
    const { state, events } = resumeWorkflow(paused, ' fixed ', LATER);
    expect(state).toMatchObject({ paused: false, pausedReason: null, updatedAt: LATER });
    expect(events).toEqual([{ type: 'workflow.resumed', subjectType: 'workflow', subjectId: 'wf-1', data: { reason: 'fixed', pausedReason: 'incident' } }]);
  });

  it('records a blank resume reason as null', () => {
    const paused = pauseWorkflow(makeWorkflow(), 'incident', NOW).state;
    expect(resumeWorkflow(paused, '  ', LATER).events[0]!.data.reason).toBeNull();
  });

  it('refuses to resume a workflow that is not paused', () => {
    const error = expectDomainError(() => resumeWorkflow(makeWorkflow(), 'x', LATER), 'illegal_transition');
    expect(error.message).toContain('not paused');
  });

  it('keeps the rollout stage and published version across pause and resume', () => {
    const workflow = published({ rolloutStage: 'draft' });
    const resumed = resumeWorkflow(pauseWorkflow(workflow, 'incident', NOW).state, 'ok', LATER).state;
    expect(resumed.rolloutStage).toBe('draft');
    expect(resumed.publishedVersionId).toBe('ver-1');
  });
});
