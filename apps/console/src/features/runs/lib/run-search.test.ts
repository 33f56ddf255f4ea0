import { describe, expect, it } from 'vitest';
import { isRunId, runSearchVariables, searchFromParams, searchToParams } from './run-search.js';

describe('run search', () => {
  it('turns the form into GraphQL variables, leaving empty fields out of the filter', () => {
    expect(runSearchVariables({ ref: '', status: '', workflow: '' }, null)).toEqual({ filter: {}, first: 25, after: null });
    expect(runSearchVariables({ ref: ' T-1002 ', status: 'completed', workflow: 'support-triage' }, 'c1')).toEqual({
      filter: { externalRef: 'T-1002', statuses: ['completed'], workflowKey: 'support-triage' },
      first: 25,
      after: 'c1',
    });
  });

  it('round-trips through the address bar and ignores an unknown status', () => {
    const search = { ref: 'T-1', status: 'in_exception', workflow: 'w' } as const;
    expect(searchFromParams(searchToParams(search))).toEqual(search);
    expect(searchFromParams(new URLSearchParams('status=exploded'))).toEqual({ ref: '', status: '', workflow: '' });
  });

  it('recognises a run id', () => {
    expect(isRunId(' 3f2c1a9e-1b2c-4d5e-8f90-0123456789ab ')).toBe(true);
    expect(isRunId('T-1002')).toBe(false);
  });
});
