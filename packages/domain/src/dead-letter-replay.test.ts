import { describe, expect, it } from 'vitest';
import { isCurrentDispatch, stepDispatchMessage } from './step-dispatch.js';
import { planDeadLetterReplay, type DeadLetterReplayInput } from './dead-letter-replay.js';
import type { RunStatus } from './run.js';

const RUN_ID = '0b5e3c52-9d0a-4c1e-8f3a-2b7d6e1f4a90';
const WORKFLOW_ID = '5d3c1a9e-2b4f-4e6a-9c8d-7f1e0a2b3c4d';
const DECISION_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

const payload = (extra: Record<string, unknown> = {}) => JSON.stringify({ v: 1, runId: RUN_ID, stepId: 'reply', cause: 'approval_granted', decisionId: DECISION_ID, seq: 3, try: 2, ...extra });

function input(overrides: { status?: RunStatus; currentStepId?: string | null; payload?: string; replayedAt?: Date | null; dispatchPending?: boolean; noRun?: boolean } = {}): DeadLetterReplayInput {
  return {
    deadLetter: { id: 42, payload: overrides.payload ?? payload(), reason: 'handler failed 5 times: connection reset', replayedAt: overrides.replayedAt ?? null },
    run: overrides.noRun ? null : { id: RUN_ID, workflowId: WORKFLOW_ID, status: overrides.status ?? 'queued', currentStepId: overrides.currentStepId === undefined ? 'reply' : overrides.currentStepId, dispatchSeq: 5 },
    dispatchPending: overrides.dispatchPending ?? false,
  };
}

describe('planDeadLetterReplay', () => {
  it.each(['queued', 'running'] as const)('re-dispatches the step of a %s run with its current fencing seq, keeping cause, decision and try', (status) => {
    const plan = planDeadLetterReplay(input({ status }));
    expect(plan).toEqual({
      type: 'replay',
      dispatch: { runId: RUN_ID, stepId: 'reply', cause: 'approval_granted', decisionId: DECISION_ID, seq: 5, try: 2 },
      events: [
        {
          type: 'dead_letter.replayed',
          subjectType: 'run',
          subjectId: RUN_ID,
          data: { workflowId: WORKFLOW_ID, deadLetterId: 42, stepId: 'reply', seq: 5, deadLetterReason: 'handler failed 5 times: connection reset' },
        },
      ],
    });
    // The runner takes exactly this dispatch as the current one (the old seq 3 it would drop).
    if (plan.type !== 'replay') throw new Error('expected a replay');
    expect(isCurrentDispatch({ status, currentStepId: 'reply', dispatchSeq: 5 }, stepDispatchMessage(plan.dispatch))).toBe(true);
  });

  it('names the operator in the audit event when given', () => {
    const plan = planDeadLetterReplay({ ...input(), operator: 'cli:ops' });
    expect(plan.type === 'replay' && plan.events[0]!.data.operator).toBe('cli:ops');
  });

  it('leaves out decisionId and try when the dead letter had none', () => {
    const plan = planDeadLetterReplay(input({ payload: JSON.stringify({ v: 1, runId: RUN_ID, stepId: 'reply', cause: 'started' }) }));
    expect(plan).toMatchObject({ type: 'replay', dispatch: { runId: RUN_ID, stepId: 'reply', cause: 'started', seq: 5 } });
    expect(plan.type === 'replay' && Object.keys(plan.dispatch)).toEqual(['runId', 'stepId', 'cause', 'seq']);
  });

  it.each([
    ['already replayed', { replayedAt: new Date('2026-01-02T03:04:05Z') }, 'already_replayed', /replayed at 2026-01-02T03:04:05.000Z/],
    ['not JSON', { payload: 'garbage{' }, 'unparseable', /not a step dispatch \(not JSON\)/],
    ['an unknown version', { payload: payload({ v: 9 }) }, 'unparseable', /unsupported message version 9/],
    ['a run that does not exist', { noRun: true }, 'run_not_found', /does not exist/],
    ['a completed run', { status: 'completed' }, 'run_finished', /is completed/],
    ['a cancelled run', { status: 'cancelled' }, 'run_finished', /is cancelled/],
    ['a handed-off run', { status: 'handed_off' }, 'run_finished', /is handed_off/],
    ['a run in the exception queue', { status: 'in_exception' }, 'run_needs_person', /resolve its exception/],
    ['a run waiting for approval', { status: 'waiting_approval' }, 'run_needs_person', /decide its approval/],
    ['a run at another step', { currentStepId: 'check' }, 'run_moved_on', /at step "check" now, not "reply"/],
    ['a run with a dispatch waiting', { dispatchPending: true }, 'dispatch_pending', /already has a dispatch waiting/],
  ] as const)('skips %s', (_what, overrides, reason, message) => {
    const plan = planDeadLetterReplay(input(overrides));
    expect(plan).toMatchObject({ type: 'skip', reason, message: expect.stringMatching(message) });
  });

  it('names the run of a garbage payload when it can be read', () => {
    expect(planDeadLetterReplay(input({ payload: payload({ cause: 'nope' }) }))).toMatchObject({ type: 'skip', reason: 'unparseable', runId: RUN_ID });
    expect(planDeadLetterReplay(input({ payload: '[]' }))).toMatchObject({ type: 'skip', reason: 'unparseable', runId: null });
  });
});
