import { describe, expect, it } from 'vitest';
import { DUE_SOON_MINUTES, formatDuration, slaView } from './sla.js';

const NOW = Date.parse('2026-11-26T10:00:00.000Z');
const inMinutes = (m: number) => new Date(NOW + m * 60_000).toISOString();

describe('formatDuration', () => {
  it('reads at the precision a reviewer needs', () => {
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(12 * 60_000 + 7_000)).toBe('12m 07s');
    expect(formatDuration(3 * 3600_000 + 5 * 60_000)).toBe('3h 05m');
    expect(formatDuration(26 * 3600_000)).toBe('1d 2h');
    expect(formatDuration(-5)).toBe('0s');
  });
});

describe('slaView', () => {
  it('marks overdue items in words, with how long ago they breached', () => {
    expect(slaView(inMinutes(-5), false, NOW)).toEqual({ tone: 'overdue', text: 'Overdue by 5m 00s' });
  });

  it(`is due soon within ${DUE_SOON_MINUTES} minutes (the API's definition), on track after`, () => {
    expect(slaView(inMinutes(DUE_SOON_MINUTES - 1), false, NOW)).toEqual({ tone: 'due_soon', text: '59m 00s left' });
    expect(slaView(inMinutes(DUE_SOON_MINUTES), false, NOW)).toEqual({ tone: 'on_track', text: '1h 00m left' });
  });

  it('has no countdown without an SLA or once resolved', () => {
    expect(slaView(null, false, NOW)).toEqual({ tone: 'no_sla', text: 'No SLA' });
    expect(slaView(inMinutes(-100), true, NOW)).toEqual({ tone: 'stopped', text: '—' });
  });
});
