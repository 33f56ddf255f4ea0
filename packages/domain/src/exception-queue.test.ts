import { describe, expect, it } from 'vitest';
import { EXCEPTION_DUE_SOON_MINUTES, exceptionSlaState } from './exception-queue.js';

const NOW = new Date('2026-11-26T10:00:00.000Z');
const at = (minutesFromNow: number) => new Date(NOW.getTime() + minutesFromNow * 60_000);

describe('exceptionSlaState', () => {
  it('is no_sla without a due time', () => {
    expect(exceptionSlaState({ status: 'open', dueAt: null }, NOW)).toBe('no_sla');
  });

  it('is overdue once the due time has passed, not at the due time itself', () => {
    expect(exceptionSlaState({ status: 'open', dueAt: at(-1) }, NOW)).toBe('overdue');
    expect(exceptionSlaState({ status: 'claimed', dueAt: new Date(NOW.getTime() - 1) }, NOW)).toBe('overdue');
    expect(exceptionSlaState({ status: 'open', dueAt: NOW }, NOW)).toBe('due_soon');
  });

  it(`is due_soon within ${EXCEPTION_DUE_SOON_MINUTES} minutes, on_track from then on`, () => {
    expect(exceptionSlaState({ status: 'open', dueAt: at(EXCEPTION_DUE_SOON_MINUTES - 1) }, NOW)).toBe('due_soon');
    expect(exceptionSlaState({ status: 'open', dueAt: at(EXCEPTION_DUE_SOON_MINUTES) }, NOW)).toBe('on_track');
    expect(exceptionSlaState({ status: 'claimed', dueAt: at(240) }, NOW)).toBe('on_track');
  });

  it('is null for a resolved item, whatever its due time', () => {
    expect(exceptionSlaState({ status: 'resolved', dueAt: at(-100) }, NOW)).toBeNull();
    expect(exceptionSlaState({ status: 'resolved', dueAt: null }, NOW)).toBeNull();
  });
});
