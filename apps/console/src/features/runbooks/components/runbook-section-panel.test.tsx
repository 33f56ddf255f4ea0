import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RunbookSectionPanel } from './runbook-section-panel.js';
import { VersionRunbook } from './version-runbook.js';

describe('RunbookSectionPanel', () => {
  it('renders the section heading and its Markdown', () => {
    render(<RunbookSectionPanel subject="low confidence" section={{ heading: 'Exception: low_confidence', markdown: 'Read the **ticket**.\n\n1. Set the label.\n2. Or hand off to `tier2`.' }} />);
    const panel = screen.getByRole('region', { name: 'Runbook: Exception: low_confidence' });
    expect(within(panel).getByText('ticket').tagName).toBe('STRONG');
    expect(within(panel).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Set the label.', 'Or hand off to tier2.']);
  });

  it('never injects raw HTML or script links from the runbook', () => {
    const markdown = 'Before <img src="x" onerror="window.__pwned = true"> after\n\n<script>window.__pwned = true</script>\n\n[the status page](javascript:window.__pwned=true) and [docs](https://example.com/docs)';
    const { container } = render(<RunbookSectionPanel subject="timeout" section={{ heading: 'Exception: timeout', markdown }} />);
    expect(container.querySelector('img, script, [onerror]')).toBeNull();
    expect([...container.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '')).toEqual(['', 'https://example.com/docs']);
    expect(screen.getByText('the status page')).toBeTruthy();
    expect(screen.getByRole('region').textContent).toContain('Before');
    expect((window as { __pwned?: boolean }).__pwned).toBeUndefined();
  });

  it('says clearly when the runbook has no section for it', () => {
    render(<RunbookSectionPanel subject="tool error" section={null} />);
    expect(screen.getByRole('region', { name: 'Runbook' }).textContent).toContain('No runbook section for tool error.');
  });
});

describe('VersionRunbook', () => {
  it('lists every missing section and offers the runbook to read', () => {
    const missing = [
      { heading: 'Contacts', message: 'Add a "## Contacts" section saying who to call.' },
      { heading: 'Exception: timeout', message: 'Add a "## Exception: timeout" section.' },
    ];
    render(<VersionRunbook versionLabel="v2 (proposed)" runbook={'## Overview\n\nTriage.'} check={{ complete: false, missing }} />);
    expect(screen.getByRole('status').textContent).toContain('lacks 2 required sections');
    expect(within(screen.getByRole('list', { name: 'Missing runbook sections' })).getAllByRole('listitem').map((li) => li.querySelector('code')?.textContent)).toEqual(['## Contacts', '## Exception: timeout']);
    expect(screen.getByText('Read the runbook of v2 (proposed)')).toBeTruthy();
  });

  it('says a complete runbook may run in execute, and shows an empty state without one', () => {
    const { unmount } = render(<VersionRunbook versionLabel="v1 (published)" runbook="## Overview" check={{ complete: true, missing: [] }} />);
    expect(screen.getByRole('status').textContent).toContain('has every required section');
    unmount();
    render(<VersionRunbook versionLabel="v3 (proposed)" runbook={null} check={{ complete: false, missing: [{ heading: 'Overview', message: 'm' }] }} />);
    expect(screen.getByText('No runbook')).toBeTruthy();
  });
});
