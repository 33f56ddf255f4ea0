import { describe, expect, it } from 'vitest';
import { interleaveTimeline } from './timeline.js';

describe('interleaveTimeline', () => {
  it('orders steps and audit events by time, a step first at the same instant', () => {
    const steps = [
      { id: 's1', startedAt: '2024-01-01T10:00:01Z' },
      { id: 's2', startedAt: '2024-01-01T10:00:05Z' },
    ];
    const events = [
      { id: 'e0', occurredAt: '2024-01-01T10:00:00Z' },
      { id: 'e1', occurredAt: '2024-01-01T10:00:05Z' },
      { id: 'e2', occurredAt: '2024-01-01T10:00:03Z' },
    ];
    expect(interleaveTimeline(steps, events).map((e) => `${e.kind}:${e.item.id}`)).toEqual([
      'audit:e0',
      'step:s1',
      'audit:e2',
      'step:s2',
      'audit:e1',
    ]);
  });
});
