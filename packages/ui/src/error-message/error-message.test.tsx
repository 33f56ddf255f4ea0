import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ErrorMessage } from './error-message.js';

describe('ErrorMessage', () => {
  it('announces the message and the code', () => {
    render(
      <ErrorMessage
        title="Could not load workflows"
        error={{ message: 'The viewer role may not call createWorkflow.', code: 'FORBIDDEN' }}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Could not load workflows');
    expect(alert.textContent).toContain('The viewer role may not call createWorkflow.');
    expect(screen.getByText('FORBIDDEN').tagName).toBe('CODE');
  });

  it('has a default title and no code line when the error has no code', () => {
    render(<ErrorMessage error={new Error('Network down')} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Something went wrong');
    expect(alert.textContent).toContain('Network down');
    expect(alert.textContent).not.toContain('Error code');
  });

  it('offers a retry when asked to', () => {
    const onRetry = vi.fn();
    render(<ErrorMessage error={{ message: 'Timed out', code: 'TIMEOUT' }} onRetry={onRetry} />);
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('has no retry button without a handler', () => {
    render(<ErrorMessage error={{ message: 'Nope' }} />);
    expect(screen.queryByRole('button')).toBeNull();
  });
});
