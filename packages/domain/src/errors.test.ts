import { describe, expect, it } from 'vitest';
import { DOMAIN_ERROR_CODES, DomainError, IllegalTransitionError, assertNever, isDomainError } from './errors.js';

describe('DomainError', () => {
  it('carries a stable code, a message and details', () => {
    const error = new DomainError('not_found', 'No such run.', { runId: 'r1' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DomainError');
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('No such run.');
    expect(error.details).toEqual({ runId: 'r1' });
    expect(new DomainError('conflict', 'x').details).toEqual({});
  });

  it('has unique codes', () => {
    expect(new Set(DOMAIN_ERROR_CODES).size).toBe(DOMAIN_ERROR_CODES.length);
  });
});

describe('IllegalTransitionError', () => {
  it('is a DomainError with code illegal_transition and a readable message', () => {
    const error = new IllegalTransitionError('run', 'waiting_approval', 'request_approval');
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe('IllegalTransitionError');
    expect(error.code).toBe('illegal_transition');
    expect(error.message).toBe('Cannot request approval a run that is waiting approval.');
    expect(error.details).toEqual({ entity: 'run', from: 'waiting_approval', transition: 'request_approval' });
    expect([error.entity, error.from, error.transition]).toEqual(['run', 'waiting_approval', 'request_approval']);
  });

  it('appends a hint', () => {
    expect(new IllegalTransitionError('run', 'completed', 'cancel', 'It has finished.').message).toBe('Cannot cancel a run that is completed. It has finished.');
  });
});

describe('isDomainError', () => {
  it('tells domain errors from other errors', () => {
    expect(isDomainError(new DomainError('forbidden', 'no'))).toBe(true);
    expect(isDomainError(new IllegalTransitionError('run', 'a', 'b'))).toBe(true);
    expect(isDomainError(new Error('boom'))).toBe(false);
    expect(isDomainError({ code: 'forbidden', message: 'look-alike' })).toBe(false);
  });
});

describe('assertNever', () => {
  it('throws, naming what was unhandled', () => {
    expect(() => assertNever('surprise' as never, 'run command')).toThrow('Unhandled run command: "surprise"');
  });
});
