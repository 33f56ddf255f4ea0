import { act, render, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import { useNow } from '../../../lib/use-now.js';
import { SlaCountdown } from './sla-countdown.js';

function Ticking({ dueAt }: { dueAt: string }) {
  const now = useNow();
  return <SlaCountdown dueAt={dueAt} resolved={false} now={now} />;
}

afterEach(() => {
  vi.useRealTimers();
});

it('ticks every second and turns overdue when the due time passes', () => {
  vi.useFakeTimers({ now: Date.parse('2026-11-26T10:00:00.000Z') });
  render(<Ticking dueAt="2026-11-26T10:00:02.000Z" />);
  expect(screen.getByText(/left/).textContent).toBe('2s left (due soon)');
  act(() => vi.advanceTimersByTime(1000));
  expect(screen.getByText(/left/).textContent).toBe('1s left (due soon)');
  act(() => vi.advanceTimersByTime(3000));
  const overdue = screen.getByText(/Overdue/);
  expect(overdue.textContent).toBe('⚠Overdue by 2s');
  expect(overdue.getAttribute('data-sla')).toBe('overdue');
});
