import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Button } from './button.js';

describe('Button', () => {
  it('fires its click handler', () => {
    const onClick = vi.fn();
    render(<Button onClick={onClick}>Approve</Button>);
    fireEvent.click(screen.getByRole('button', { name: 'Approve' }));
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('defaults to type="button" so it never submits a form by accident', () => {
    const onSubmit = vi.fn((event: Event) => event.preventDefault());
    render(
      <form onSubmit={(e) => onSubmit(e.nativeEvent)}>
        <Button>Preview</Button>
      </form>,
    );
    const button = screen.getByRole('button', { name: 'Preview' });
    expect(button.getAttribute('type')).toBe('button');
    fireEvent.click(button);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it.each(['primary', 'secondary', 'danger'] as const)('renders the %s variant', (variant) => {
    render(<Button variant={variant}>Go</Button>);
    expect(screen.getByRole('button', { name: 'Go' }).className).toContain(`gh-button--${variant}`);
  });

  it('is secondary unless told otherwise', () => {
    render(<Button>Go</Button>);
    expect(screen.getByRole('button').className).toContain('gh-button--secondary');
  });

  it('explains why it is disabled and ignores clicks', () => {
    const onClick = vi.fn();
    const reason = 'Only the change approver may approve this version.';
    render(
      <Button variant="primary" disabledReason={reason} onClick={onClick}>
        Approve
      </Button>,
    );
    const button = screen.getByRole('button', { name: 'Approve' });
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.getAttribute('title')).toBe(reason);
    // The reason is also the accessible description, not only a mouse tooltip.
    const describedBy = button.getAttribute('aria-describedby');
    expect(describedBy).toBeTruthy();
    expect(document.getElementById(describedBy ?? '')?.textContent).toBe(reason);

    fireEvent.click(button);
    expect(onClick).not.toHaveBeenCalled();
  });

  it('stays focusable while disabled so keyboard users can find the reason', () => {
    render(<Button disabledReason="Workflow is paused">Start run</Button>);
    const button = screen.getByRole('button', { name: 'Start run' });
    expect(button.hasAttribute('disabled')).toBe(false);
    button.focus();
    expect(document.activeElement).toBe(button);
  });

  it('keeps a caller-provided description alongside the reason', () => {
    render(
      <>
        <p id="hint">Approving starts the rollout.</p>
        <Button aria-describedby="hint" disabledReason="You authored this change">
          Approve
        </Button>
      </>,
    );
    const ids = screen.getByRole('button').getAttribute('aria-describedby')?.split(' ');
    expect(ids?.[0]).toBe('hint');
    expect(ids).toHaveLength(2);
  });

  it('is enabled when the reason is empty or null', () => {
    const onClick = vi.fn();
    render(
      <Button disabledReason={null} onClick={onClick}>
        Retry
      </Button>,
    );
    const button = screen.getByRole('button', { name: 'Retry' });
    expect(button.hasAttribute('aria-disabled')).toBe(false);
    expect(button.hasAttribute('title')).toBe(false);
    fireEvent.click(button);
    expect(onClick).toHaveBeenCalledTimes(1);
  });
});
