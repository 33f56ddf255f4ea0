import { expect, it } from 'vitest';
import { openConsole, saveScreenshot, seriousA11yViolations } from '../harness/browser.js';
import { describeInChromium } from '../harness/chromium-suite.js';

/* The console's frame in real Chromium against the real platform: sign-in and role-shaped navigation. */

describeInChromium('console shell in Chromium', (suite) => {

  it('signed out: offers the development identities, and the sign-in screen passes axe', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, null);
    await page.goto('/');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.getByLabel('Development sign-in').selectOption('gh_dev_reviewer');
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Exceptions', 'Approvals', 'Runs', 'Workflows', 'Metrics']);
    expect(await page.getByText('Rita Reviewer').count()).toBeGreaterThan(0);
    await page.getByLabel('Development sign-in').selectOption('');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await saveScreenshot(page, 'sign-in');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('an integrator sees only the screens its role may read', async () => {
    const { page } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_integrator');
    await page.goto('/');
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Runs', 'Workflows', 'Webhooks']);
    expect(new URL(page.url()).pathname).toBe('/runs');
  });
});
