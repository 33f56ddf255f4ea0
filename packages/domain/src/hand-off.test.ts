import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors.js';
import { createHandOff, handOffFromException, HAND_OFF_STATUSES, isHandOffFailure, recordHandOffOutcome, type HandOffOutcome, type HandOffStatus } from './hand-off.js';
import { LATER, NOW, expectDomainError } from './test/fixtures.js';

const make = (status: HandOffStatus = 'pending') => ({ ...createHandOff({ id: 'h-1', runId: 'run-1', workflowId: 'wf-1', exceptionId: 'exc-1', target: 'tier2' }, NOW).state, status });

/** Written out by hand: which outcome may follow which status. */
const LEGAL: Record<HandOffStatus, HandOffOutcome[]> = {
  pending: ['accepted', 'completed', 'failed', 'bounced'],
  accepted: ['completed', 'failed', 'bounced'],
  completed: [],
  failed: [],
  bounced: [],
};

describe('createHandOff', () => {
  it('is pending and due 24 hours later, with its audit event', () => {
    const { state, events } = createHandOff({ id: 'h-1', runId: 'run-1', workflowId: 'wf-1', exceptionId: null, target: 'tier2' }, NOW);
    expect(state).toMatchObject({ status: 'pending', closedAt: null, note: null, createdAt: NOW });
    expect(state.dueAt!.getTime() - NOW.getTime()).toBe(24 * 3_600_000);
    expect(events).toEqual([{ type: 'hand_off.created', subjectType: 'hand_off', subjectId: 'h-1', data: { runId: 'run-1', workflowId: 'wf-1', exceptionId: null, target: 'tier2', dueAt: state.dueAt!.toISOString() } }]);
  });

  it('comes from an exception only when it was resolved by hand-off', () => {
    const item = { id: 'exc-1', runId: 'run-1', workflowId: 'wf-1', resolution: 'hand_off', handOffTo: 'tier2' };
    expect(handOffFromException(item, 'h-9', NOW)?.state).toMatchObject({ id: 'h-9', exceptionId: 'exc-1', target: 'tier2', status: 'pending' });
    expect(handOffFromException({ ...item, resolution: 'retry', handOffTo: null }, 'h-9', NOW)).toBeNull();
  });
});

describe('recordHandOffOutcome: every status × every outcome', () => {
  const pairs = HAND_OFF_STATUSES.flatMap((status) => (['accepted', 'completed', 'failed', 'bounced'] as const).map((o) => [status, o, LEGAL[status].includes(o)] as const));
  it.each(pairs)('%s + %s → legal: %s', (status, outcome, legal) => {
    if (!legal) {
      expect(() => recordHandOffOutcome(make(status), outcome, null, LATER)).toThrow(IllegalTransitionError);
      return;
    }
    const { state, events } = recordHandOffOutcome(make(status), outcome, ' ok ', LATER);
    expect(state.status).toBe(outcome);
    expect(state.note).toBe('ok');
    expect(state.closedAt).toBe(outcome === 'accepted' ? null : LATER);
    expect(events).toEqual([{ type: `hand_off.${outcome}`, subjectType: 'hand_off', subjectId: 'h-1', data: { runId: 'run-1', workflowId: 'wf-1', from: status, note: 'ok' } }]);
  });

  it('refuses pending as an outcome and overlong notes', () => {
    expectDomainError(() => recordHandOffOutcome(make(), 'pending' as HandOffOutcome, null, LATER), 'invalid_input');
    expectDomainError(() => recordHandOffOutcome(make(), 'failed', 'x'.repeat(2001), LATER), 'invalid_input');
  });
});

describe('isHandOffFailure', () => {
  const due = make().dueAt!;
  const before = new Date(due.getTime() - 1);
  const after = new Date(due.getTime() + 1);
  it.each([
    ['failed', before, true],
    ['bounced', before, true],
    ['pending', before, false],
    ['pending', after, true],
    ['accepted', after, true],
    ['completed', after, false],
  ] as const)('%s at %s → %s', (status, now, failure) => {
    expect(isHandOffFailure({ status, dueAt: due }, now)).toBe(failure);
  });
});
