import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MAIN_CONTENT_ID, Page } from './page.js';

describe('Page', () => {
  it('renders a banner with the title as the only h1, and a main landmark', () => {
    render(
      <Page title="Gatehouse console" subtitle="Development build" actions={<button>Sign in</button>}>
        <p>Body</p>
      </Page>,
    );
    const banner = screen.getByRole('banner');
    expect(within(banner).getByRole('heading', { level: 1 }).textContent).toBe('Gatehouse console');
    expect(within(banner).getByText('Development build')).toBeTruthy();
    expect(within(banner).getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(within(screen.getByRole('main')).getByText('Body')).toBeTruthy();
    expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
  });

  it('has a skip link pointing at the main content', () => {
    render(<Page title="T">content</Page>);
    const link = screen.getByRole('link', { name: 'Skip to content' });
    expect(link.getAttribute('href')).toBe(`#${MAIN_CONTENT_ID}`);
    expect(screen.getByRole('main').id).toBe(MAIN_CONTENT_ID);
  });

  it('leaves out the optional header parts', () => {
    const { container } = render(<Page title="T">content</Page>);
    expect(container.querySelector('.gh-page__actions')).toBeNull();
    expect(container.querySelector('.gh-page__subtitle')).toBeNull();
  });
});
