import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors.js';
import { reopenRun } from './run-reopen.js';
import { LATER, NOW, expectDomainError, makeRun } from './test/fixtures.js';

const completed = () => makeRun({ status: 'completed', startedAt: NOW, finishedAt: NOW, currentStepId: 'send', output: { reply: 'Done' } });

describe('reopenRun', () => {
  it('puts a completed run back in the exception queue with an invalid_output exception on its last step', () => {
    const { run, exception, events } = reopenRun(completed(), { reason: '  wrong amount ', exceptionId: 'exc-9', slaMinutes: 60 }, LATER);
    expect(run).toMatchObject({ status: 'in_exception', finishedAt: null, output: { reply: 'Done' }, updatedAt: LATER, reopenCount: 1, reopenedAt: LATER });
    // A second re-open (after the run completed again) counts on.
    expect(reopenRun({ ...run, status: 'completed' }, { reason: 'still wrong', exceptionId: 'exc-10' }, LATER).run.reopenCount).toBe(2);
    expect(exception).toMatchObject({ id: 'exc-9', runId: run.id, stepId: 'send', reason: 'invalid_output', status: 'open', details: { reopened: true, why: 'wrong amount' } });
    expect(exception.dueAt).toEqual(new Date(LATER.getTime() + 3_600_000));
    expect(events.map((e) => e.type)).toEqual(['run.reopened', 'exception.created']);
    expect(events[0]!.data).toMatchObject({ reason: 'wrong amount', exceptionId: 'exc-9', stepId: 'send' });
  });

  it('needs a reason', () => {
    expectDomainError(() => reopenRun(completed(), { reason: '  ', exceptionId: 'exc-9' }, LATER), 'invalid_input');
  });

  it('refuses a run whose payloads retention purged', () => {
    expectDomainError(() => reopenRun({ ...completed(), payloadPurgedAt: NOW }, { reason: 'wrong', exceptionId: 'exc-9' }, LATER), 'precondition_failed');
  });

  it.each(['queued', 'running', 'in_exception', 'failed', 'cancelled', 'handed_off'] as const)('refuses a %s run', (status) => {
    expect(() => reopenRun(makeRun({ status, currentStepId: 'send' }), { reason: 'wrong', exceptionId: 'exc-9' }, LATER)).toThrow(IllegalTransitionError);
  });
});
