import { describe, expect, it } from 'vitest';
import { diffDefinitions } from './definition-diff.js';

const V1 = {
  steps: [
    { id: 'classify', kind: 'rules' },
    { id: 'reply', kind: 'action', actionClass: 'customer_impacting' },
  ],
  approvalPolicy: { minConfidence: 0.6 },
  slas: { approvalMinutes: 60 },
};

describe('diffDefinitions', () => {
  it('is empty for equal definitions', () => {
    expect(diffDefinitions(V1, structuredClone(V1))).toEqual([]);
  });

  it('names changed values with readable paths and their before and after', () => {
    const v2 = structuredClone(V1);
    v2.approvalPolicy.minConfidence = 0.8;
    v2.steps[1]!.actionClass = 'reversible';
    expect(diffDefinitions(V1, v2)).toEqual(
      expect.arrayContaining([
        { kind: 'changed', path: 'approvalPolicy.minConfidence', before: 0.6, after: 0.8 },
        { kind: 'changed', path: 'steps[reply].actionClass', before: 'customer_impacting', after: 'reversible' },
      ]),
    );
  });

  it('matches steps by id: inserting one is one added step, and removals keep their old value', () => {
    const v2 = { ...structuredClone(V1), steps: [V1.steps[0]!, { id: 'check', kind: 'validate' }, V1.steps[1]!] } as Record<string, unknown>;
    delete v2.slas;
    const changes = diffDefinitions(V1, v2);
    expect(changes).toContainEqual({ kind: 'added', path: 'steps[check]', before: undefined, after: { id: 'check', kind: 'validate' } });
    expect(changes).toContainEqual({ kind: 'removed', path: 'slas', before: { approvalMinutes: 60 }, after: undefined });
    expect(changes).toHaveLength(2);
  });
});
