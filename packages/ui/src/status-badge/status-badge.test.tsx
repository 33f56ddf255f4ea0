import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RUN_STATUSES, StatusBadge, runStatusLabel } from './status-badge.js';

describe('StatusBadge', () => {
  it.each([
    ['queued', 'Queued'],
    ['running', 'Running'],
    ['waiting_approval', 'Waiting for approval'],
    ['in_exception', 'In exception queue'],
    ['completed', 'Completed'],
    ['failed', 'Failed'],
    ['cancelled', 'Cancelled'],
    ['handed_off', 'Handed off'],
  ] as const)('labels %s with text, not colour alone', (status, label) => {
    const { container } = render(<StatusBadge status={status} />);
    const badge = container.firstElementChild as HTMLElement;
    expect(badge.textContent).toContain(label);
    expect(badge.dataset.status).toBe(status);
    // The decorative symbol is hidden, so a screen reader hears exactly the label.
    expect(badge.querySelector('[aria-hidden="true"]')).not.toBeNull();
    expect(screen.getByText(label)).toBe(badge);
  });

  it('covers every run status with a distinct label', () => {
    const labels = RUN_STATUSES.map(runStatusLabel);
    expect(new Set(labels).size).toBe(RUN_STATUSES.length);
  });

  it('gives each tone its own class so colour is an addition, not the message', () => {
    const { container } = render(
      <>
        <StatusBadge status="failed" />
        <StatusBadge status="completed" />
      </>,
    );
    const [failed, completed] = Array.from(container.children);
    expect(failed?.className).toContain('gh-status-badge--danger');
    expect(completed?.className).toContain('gh-status-badge--success');
  });

  it('accepts upper-case GraphQL enum values', () => {
    render(<StatusBadge status="WAITING_APPROVAL" />);
    expect(screen.getByText('Waiting for approval')).toBeTruthy();
  });

  it('still renders a readable label for a status it does not know', () => {
    const { container } = render(<StatusBadge status="paused_by_operator" />);
    expect(container.textContent).toContain('Paused by operator');
    expect(container.firstElementChild?.className).toContain('gh-status-badge--neutral');
  });
});
