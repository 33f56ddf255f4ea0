import { describe, expect, it } from 'vitest';
import { defaultBucket, readParams, toVariables } from './period.js';

const NOW = new Date('2025-03-10T12:34:20Z');

describe('metrics period', () => {
  it('defaults to the last 7 days by day, across all workflows', () => {
    const params = readParams(new URLSearchParams(''));
    expect(params).toEqual({ period: '7d', from: null, to: null, bucket: null, workflow: null });
    expect(toVariables(params, NOW)).toEqual({ workflowKey: null, from: '2025-03-03T12:35:00.000Z', to: '2025-03-10T12:35:00.000Z', bucket: 'day' });
  });

  it('picks hours for a day and weeks for a quarter, unless the URL names a bucket', () => {
    expect(toVariables(readParams(new URLSearchParams('period=24h')), NOW)).toMatchObject({ bucket: 'hour', from: '2025-03-09T12:35:00.000Z' });
    expect(toVariables(readParams(new URLSearchParams('period=90d')), NOW)).toMatchObject({ bucket: 'week' });
    expect(toVariables(readParams(new URLSearchParams('period=90d&bucket=day&workflow=support-triage')), NOW)).toMatchObject({ bucket: 'day', workflowKey: 'support-triage' });
    expect(defaultBucket(40 * 86_400_000)).toBe('day');
  });

  it('reads a custom period as UTC and asks for both ends', () => {
    expect(toVariables(readParams(new URLSearchParams('period=custom&from=2025-01-01T00:00&to=2025-01-02T00:00')), NOW)).toEqual({
      workflowKey: null,
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-01-02T00:00:00.000Z',
      bucket: 'hour',
    });
    expect(toVariables(readParams(new URLSearchParams('period=custom&from=2025-01-01T00:00')), NOW)).toEqual({ error: 'Choose both a start and an end for the custom period.' });
  });

  it('ignores unknown values in the URL', () => {
    expect(readParams(new URLSearchParams('period=1y&bucket=month'))).toMatchObject({ period: '7d', bucket: null });
  });
});
