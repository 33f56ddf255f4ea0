import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ScreenHeader } from '../screen-header/screen-header.js';
import { AppShell } from './app-shell.js';

describe('AppShell', () => {
  it('gives landmarks: a skip link to main, a labelled main navigation, and the screen inside main', () => {
    render(
      <AppShell brand="Gatehouse" nav={<a href="/exceptions">Exceptions</a>} actions={<button type="button">Sign out</button>}>
        <ScreenHeader title="Exception queue" subtitle='3 open' />
      </AppShell>,
    );
    const skip = screen.getByRole('link', { name: 'Skip to content' });
    const main = screen.getByRole('main');
    expect(skip.getAttribute('href')).toBe(`#${main.id}`);
    expect(screen.getByRole('navigation', { name: 'Main' }).contains(screen.getByRole('link', { name: 'Exceptions' }))).toBe(true);
    expect(main.contains(screen.getByRole('heading', { level: 1, name: 'Exception queue' }))).toBe(true);
    expect(screen.getByText('3 open').isConnected).toBe(true);
    expect(screen.getByRole('banner').contains(screen.getByRole('button', { name: 'Sign out' }))).toBe(true);
  });
});
