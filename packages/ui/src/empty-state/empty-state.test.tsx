import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Button } from '../button/button.js';
import { EmptyState } from './empty-state.js';

describe('EmptyState', () => {
  it('is a labelled region with its title and description', () => {
    render(<EmptyState title="No workflows yet" description="Create one over GraphQL." />);
    const region = screen.getByRole('region', { name: 'No workflows yet' });
    expect(region.textContent).toContain('No workflows yet');
    expect(region.textContent).toContain('Create one over GraphQL.');
  });

  it('renders an action that works', () => {
    const onClick = vi.fn();
    render(
      <EmptyState
        title="Nothing in the queue"
        action={<Button onClick={onClick}>Refresh</Button>}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('omits the optional parts when not given', () => {
    const { container } = render(<EmptyState title="No runs" />);
    expect(container.querySelector('.gh-empty-state__description')).toBeNull();
    expect(container.querySelector('.gh-empty-state__action')).toBeNull();
  });
});
