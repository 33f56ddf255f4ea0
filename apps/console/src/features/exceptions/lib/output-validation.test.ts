import { describe, expect, it } from 'vitest';
import { checkOutput } from './output-validation.js';

const SCHEMA = {
  type: 'object',
  required: ['label', 'confidence'],
  properties: { label: { enum: ['refund', 'other'] }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
};

describe('checkOutput', () => {
  it('accepts an output that matches the schema', () => {
    expect(checkOutput('{"label":"refund","confidence":1}', SCHEMA)).toEqual({ value: { label: 'refund', confidence: 1 }, parsed: true, problems: [] });
  });

  it('lists every schema problem, not just the first', () => {
    expect(checkOutput('{"label":"banana","confidence":2}', SCHEMA).problems).toEqual([
      '/label must be equal to one of the allowed values: "refund", "other"',
      '/confidence must be <= 1',
    ]);
  });

  it('reports text that is not JSON', () => {
    const check = checkOutput('{label: refund}', SCHEMA);
    expect(check.parsed).toBe(false);
    expect(check.problems).toHaveLength(1);
    expect(check.problems[0]).toMatch(/^Not valid JSON: /);
  });

  it('only needs JSON when the step states no schema, and leaves formats to the API', () => {
    expect(checkOutput('[1, 2]', null).problems).toEqual([]);
    expect(checkOutput('"not-an-email"', { type: 'string', format: 'email' }).problems).toEqual([]);
  });

  it('lets the API decide when the schema itself does not compile', () => {
    expect(checkOutput('{}', { type: 'no-such-type' }).problems).toEqual([]);
  });
});
