import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailableReason, launchChromium, openConsole, saveScreenshot, seriousA11yViolations } from '../harness/browser.js';
import { type Platform, startPlatform } from '../harness/platform.js';

/* The console's frame in real Chromium against the real platform: sign-in and role-shaped navigation. */
const unavailable = chromiumUnavailableReason();
if (unavailable) console.warn(`Skipping the console browser tests: ${unavailable}.`);

describe.skipIf(unavailable !== null)('console shell in Chromium', () => {
  let platform: Platform;
  let browser: Browser;
  beforeAll(async () => {
    [platform, browser] = await Promise.all([startPlatform(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('signed out: offers the development identities, and the sign-in screen passes axe', async () => {
    const { page, errors } = await openConsole(browser, platform.consoleUrl, null);
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
    const { page } = await openConsole(browser, platform.consoleUrl, 'gh_dev_integrator');
    await page.goto('/');
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Runs', 'Workflows']);
    expect(new URL(page.url()).pathname).toBe('/runs');
  });
});
