import { describe, expect, it } from 'vitest';
import { type DomainError, IllegalTransitionError } from './errors.js';
import {
  handOffByPolicy,
  EXCEPTION_RESOLUTIONS,
  claimException,
  openException,
  releaseException,
  resolveException,
  type ExceptionItem,
  type ExceptionResolution,
} from './exception-item.js';
import { transitionRun, type RunCommand, type RunStatus } from './run.js';
import { LATER, NOW, actors, expectDomainError, makeException, makeRun } from './test/fixtures.js';

const claimedBy = (actorId: string): ExceptionItem => makeException({ status: 'claimed', assigneeId: actorId, claimedAt: NOW });

describe('openException', () => {
  it('opens an unassigned item with an SLA due time', () => {
    const { state, events } = openException(
      { id: 'exc-2', runId: 'run-1', workflowId: 'wf-1', stepId: 'check', reason: 'invalid_output', details: { issues: ['/reply must be string'] }, slaMinutes: 240 },
      NOW,
    );
    expect(state).toEqual({
      id: 'exc-2',
      runId: 'run-1',
      workflowId: 'wf-1',
      stepId: 'check',
      reason: 'invalid_output',
      status: 'open',
      details: { issues: ['/reply must be string'] },
      assigneeId: null,
      claimedAt: null,
      dueAt: new Date('2025-03-01T13:00:00.000Z'),
      resolution: null,
      resolutionNote: null,
      resolutionOutput: null,
      handOffTo: null,
      resolvedBy: null,
      resolvedAt: null,
      createdAt: NOW,
    });
    expect(events).toEqual([
      { type: 'exception.created', subjectType: 'exception', subjectId: 'exc-2', data: { runId: 'run-1', workflowId: 'wf-1', stepId: 'check', reason: 'invalid_output' } },
    ]);
  });

  it('defaults details to {} and due time to null', () => {
    const { state } = openException({ id: 'e', runId: 'r', workflowId: 'w', stepId: 's', reason: 'timeout' }, NOW);
    expect(state.details).toEqual({});
    expect(state.dueAt).toBeNull();
  });
});

describe('claimException', () => {
  it('claims an open item for the actor', () => {
    const { state, events } = claimException(makeException(), actors.reviewer, LATER);
    expect(state).toMatchObject({ status: 'claimed', assigneeId: actors.reviewer.id, claimedAt: LATER });
    expect(events).toEqual([{ type: 'exception.claimed', subjectType: 'exception', subjectId: 'exc-1', data: { runId: 'run-1' } }]);
  });

  it('is a no-op, with no events, when the holder claims again (double click)', () => {
    const held = claimedBy(actors.reviewer.id);
    const result = claimException(held, actors.reviewer, LATER);
    expect(result.state).toBe(held);
    expect(result.state.claimedAt).toBe(NOW);
    expect(result.events).toEqual([]);
  });

  it.each([actors.reviewer2, actors.admin])('refuses $id when someone else holds it (never a takeover)', (actor) => {
    const error = expectDomainError(() => claimException(claimedBy(actors.reviewer.id), actor, LATER), 'claimed_by_other');
    expect(error.message).toContain('exc-1 is claimed by someone else');
    expect(error.details).toEqual({ assigneeId: actors.reviewer.id });
  });

  it('refuses to claim a resolved item', () => {
    const error = expectDomainError(() => claimException(makeException({ status: 'resolved' }), actors.reviewer, LATER), 'illegal_transition');
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error.message).toBe('Cannot claim an exception that is resolved.');
  });
});

describe('releaseException', () => {
  it.each([
    ['the holder', actors.reviewer],
    ['an admin', actors.admin],
  ] as const)('lets %s return the item to the queue', (_who, actor) => {
    const { state, events } = releaseException(claimedBy(actors.reviewer.id), actor);
    expect(state).toMatchObject({ status: 'open', assigneeId: null, claimedAt: null });
    expect(events).toEqual([{ type: 'exception.released', subjectType: 'exception', subjectId: 'exc-1', data: { runId: 'run-1', heldBy: actors.reviewer.id } }]);
  });

  it.each([actors.reviewer2, actors.approver])('refuses $id, who neither holds it nor is admin', (actor) => {
    expectDomainError(() => releaseException(claimedBy(actors.reviewer.id), actor), 'claimed_by_other');
  });

  it.each(['open', 'resolved'] as const)('refuses to release a %s item', (status) => {
    const error = expectDomainError(() => releaseException(makeException({ status }), actors.admin), 'illegal_transition');
    expect(error.message).toBe(`Cannot release an exception that is ${status}.`);
  });
});

describe('resolveException', () => {
  const resolutions: Array<{ resolution: ExceptionResolution; extra: Record<string, unknown>; runCommand: RunCommand; output: unknown; handOffTo: string | null; runStatus: RunStatus }> = [
    { resolution: 'retry', extra: {}, runCommand: { type: 'requeue', cause: 'exception_retry' }, output: null, handOffTo: null, runStatus: 'queued' },
    {
      resolution: 'override_output',
      extra: { output: { reply: 'Fixed by hand' } },
      runCommand: { type: 'requeue', cause: 'exception_override' },
      output: { reply: 'Fixed by hand' },
      handOffTo: null,
      runStatus: 'queued',
    },
    { resolution: 'hand_off', extra: { handOffTo: ' legal ' }, runCommand: { type: 'hand_off', to: 'legal' }, output: null, handOffTo: 'legal', runStatus: 'handed_off' },
    { resolution: 'cancel', extra: {}, runCommand: { type: 'cancel', reason: 'exception_cancelled: checked the order' }, output: null, handOffTo: null, runStatus: 'cancelled' },
  ];

  it('covers every resolution kind', () => {
    expect(resolutions.map((r) => r.resolution).sort()).toEqual([...EXCEPTION_RESOLUTIONS].sort());
  });

  it.each(resolutions)('$resolution by the holder resolves the item and returns its run command', ({ resolution, extra, runCommand, output, handOffTo, runStatus }) => {
    const held = claimedBy(actors.reviewer.id);
    const result = resolveException(held, { resolution, note: '  checked the order ', ...extra }, actors.reviewer, LATER);
    expect(result.state).toEqual({
      ...held,
      status: 'resolved',
      resolution,
      resolutionNote: 'checked the order',
      resolutionOutput: output,
      handOffTo,
      resolvedBy: actors.reviewer.id,
      resolvedAt: LATER,
    });
    expect(result.events).toEqual([
      {
        type: 'exception.resolved',
        subjectType: 'exception',
        subjectId: 'exc-1',
        data: { runId: 'run-1', workflowId: 'wf-1', resolution, note: 'checked the order', handOffTo },
      },
    ]);
    expect(result.runCommand).toEqual(runCommand);
    // the run sitting in the exception queue accepts the command
    const inException = makeRun({ status: 'in_exception', startedAt: NOW, currentStepId: 'draft' });
    expect(transitionRun(inException, result.runCommand, LATER).state.status).toBe(runStatus);
  });

  it('claims an open item implicitly for the resolver', () => {
    const { state } = resolveException(makeException(), { resolution: 'retry', note: 'transient' }, actors.reviewer2, LATER);
    expect(state).toMatchObject({ status: 'resolved', assigneeId: actors.reviewer2.id, claimedAt: LATER, resolvedBy: actors.reviewer2.id });
  });

  it('requires a note', () => {
    const error = expectDomainError(() => resolveException(makeException(), { resolution: 'retry', note: '   ' }, actors.reviewer, LATER), 'invalid_input');
    expect(error.details).toEqual({ field: 'note' });
  });

  it('override_output needs output', () => {
    const error = expectDomainError(() => resolveException(makeException(), { resolution: 'override_output', note: 'n' }, actors.reviewer, LATER), 'invalid_input');
    expect(error.details).toEqual({ field: 'output' });
  });

  it('override_output accepts null as the corrected output', () => {
    expect(resolveException(makeException(), { resolution: 'override_output', note: 'n', output: null }, actors.reviewer, LATER).state.resolutionOutput).toBeNull();
  });

  it.each(['retry', 'hand_off', 'cancel'] as const)('refuses output with %s', (resolution) => {
    const error = expectDomainError(
      () => resolveException(makeException(), { resolution, note: 'n', output: { x: 1 }, handOffTo: 'legal' }, actors.reviewer, LATER),
      'invalid_input',
    );
    expect(error.message).toBe(`output is only accepted with override_output, not ${resolution}.`);
  });

  it('hand_off uses the definition’s default hand-off when none is given', () => {
    const result = resolveException(makeException(), { resolution: 'hand_off', note: 'n', handOffTo: '  ' }, actors.reviewer, LATER, 'tier2');
    expect(result.state.handOffTo).toBe('tier2');
    expect(result.runCommand).toEqual({ type: 'hand_off', to: 'tier2' });
    expect(resolveException(makeException(), { resolution: 'hand_off', note: 'n' }, actors.reviewer, LATER, 'tier2').state.handOffTo).toBe('tier2');
  });

  it('hand_off prefers the given hand-off over the default', () => {
    expect(resolveException(makeException(), { resolution: 'hand_off', note: 'n', handOffTo: 'legal' }, actors.reviewer, LATER, 'tier2').state.handOffTo).toBe('legal');
  });

  it.each([undefined, null, ''])('hand_off without any hand-off (default %j) is refused', (defaultHandOff) => {
    const error = expectDomainError(() => resolveException(makeException(), { resolution: 'hand_off', note: 'n', handOffTo: null }, actors.reviewer, LATER, defaultHandOff), 'invalid_input');
    expect(error.details).toEqual({ field: 'handOffTo' });
  });

  it('refuses to resolve an item someone else holds, even for an admin', () => {
    for (const actor of [actors.reviewer2, actors.admin]) {
      expectDomainError(() => resolveException(claimedBy(actors.reviewer.id), { resolution: 'retry', note: 'n' }, actor, LATER), 'claimed_by_other');
    }
  });

  it('refuses a second resolution with already_decided', () => {
    const resolved = resolveException(makeException(), { resolution: 'retry', note: 'n' }, actors.reviewer, NOW).state;
    const error = expectDomainError(() => resolveException(resolved, { resolution: 'cancel', note: 'late' }, actors.reviewer, LATER), 'already_decided');
    expect(error.message).toBe('Exception exc-1 was already resolved (retry); refresh the queue.');
    expect(error.details).toEqual({ resolution: 'retry' });
  });

  it('does not mutate the item it was given', () => {
    const item = claimedBy(actors.reviewer.id);
    const before = structuredClone(item);
    resolveException(item, { resolution: 'override_output', note: 'n', output: { a: 1 } }, actors.reviewer, LATER);
    expect(item).toEqual(before);
  });
});

describe('resolveException — override output against the step schema', () => {
  const schema = { type: 'object', required: ['label'], properties: { label: { enum: ['refund', 'other'] } } };
  const claimedItem = () => claimException(openException({ id: 'x-s', runId: 'r', workflowId: 'w', stepId: 'check', reason: 'invalid_output' }, new Date('2026-01-01T00:00:00Z')).state, { id: 'p-1', role: 'reviewer' }, new Date('2026-01-01T00:01:00Z')).state;

  it('refuses an override that breaks the schema, naming the problem', () => {
    try {
      resolveException(claimedItem(), { resolution: 'override_output', note: 'fixed', output: { label: 'banana' } }, { id: 'p-1', role: 'reviewer' }, new Date('2026-01-01T00:02:00Z'), null, schema);
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).code).toBe('invalid_input');
      expect((error as DomainError).message).toMatch(/output schema of step "check".*\/label must be equal to one of the allowed values/);
    }
  });

  it('accepts an override that matches, and any override when the step states no schema', () => {
    const ok = resolveException(claimedItem(), { resolution: 'override_output', note: 'fixed', output: { label: 'refund' } }, { id: 'p-1', role: 'reviewer' }, new Date('2026-01-01T00:02:00Z'), null, schema);
    expect(ok.state.resolutionOutput).toEqual({ label: 'refund' });
    const free = resolveException(claimedItem(), { resolution: 'override_output', note: 'fixed', output: 'anything' }, { id: 'p-1', role: 'reviewer' }, new Date('2026-01-01T00:02:00Z'), null, null);
    expect(free.state.resolutionOutput).toBe('anything');
  });
});

describe('handOffByPolicy', () => {
  it('closes the item as handed off by the policy, not by a person', () => {
    const { state, events } = handOffByPolicy(makeException(), 'tier2', LATER);
    expect(state).toMatchObject({ status: 'resolved', resolution: 'hand_off', handOffTo: 'tier2', resolvedBy: null, resolvedAt: LATER, resolutionNote: 'exception policy' });
    expect(events).toEqual([{ type: 'exception.handed_off', subjectType: 'exception', subjectId: state.id, data: { runId: state.runId, workflowId: state.workflowId, to: 'tier2', by: 'exception_policy' } }]);
  });

  it('refuses an item already resolved', () => {
    const resolved = handOffByPolicy(makeException(), 'tier2', LATER).state;
    expect(() => handOffByPolicy(resolved, 'tier2', LATER)).toThrow(IllegalTransitionError);
  });
});
