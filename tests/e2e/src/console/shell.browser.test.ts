import { expect, it } from 'vitest';
import { openConsole, saveScreenshot, seriousA11yViolations } from '../harness/browser.js';
import { describeInChromium } from '../harness/chromium-suite.js';

/*
 * The console's frame in real Chromium against the real platform: sign-in, role-shaped navigation,
 * and the two administrative screens: People (admins) and Webhooks (integrators).
 */

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

  it('an admin adds a reviewer on the People screen, then disables them with a reason', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_admin');
    await page.goto('/people');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('People');
    const form = page.getByRole('form', { name: 'Add a person' });
    await form.getByLabel('Name').fill('Nia Newcomer');
    await form.getByLabel('Email').fill('nia@example.com');
    await form.getByLabel('Role').selectOption('reviewer');
    await form.getByRole('button', { name: 'Add person' }).click();
    const row = page.getByRole('table', { name: 'People' }).getByRole('row', { name: /Nia Newcomer/ });
    await row.waitFor();
    expect(await row.getByLabel('Role of Nia Newcomer').inputValue()).toBe('reviewer');
    await saveScreenshot(page, 'people');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await row.getByRole('button', { name: 'Disable Nia Newcomer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable Nia Newcomer?' });
    await dialog.getByLabel(/Reason/).fill('Left the support team');
    await dialog.getByRole('button', { name: /Disable/ }).click();
    await expect.poll(() => row.textContent()).toMatch(/Disabled/);
    const people = await suite.platform.gql<{ principals: Array<{ email: string; disabledAt: string | null }> }>('gh_dev_admin', `{ principals(includeDisabled: true) { email disabledAt } }`);
    expect(people.principals.find((p) => p.email === 'nia@example.com')?.disabledAt).not.toBeNull();
    expect(errors).toEqual([]);
  });

  it('an integrator registers a webhook endpoint and sees its signing secret once', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_integrator');
    await page.goto('/webhooks');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhooks');
    const form = page.getByRole('form', { name: 'Add a webhook endpoint' });
    await form.getByLabel('Workflow').selectOption('support-triage');
    await form.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/gatehouse-events');
    // The form starts with run.completed and run.failed ticked: keep one, swap the other.
    await form.getByLabel('run.failed').uncheck();
    await form.getByLabel('approval.requested').check();
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    expect(await page.getByTestId('webhook-secret').textContent()).toMatch(/^whsec_/);
    await page.getByText('127.0.0.1:9/gatehouse-events').first().waitFor();
    await saveScreenshot(page, 'webhooks');
    expect(await seriousA11yViolations(page)).toEqual([]);
    // Listed with the event types it asked for; the secret is not readable through the API.
    const subs = await suite.platform.gql<{ webhookSubscriptions: Array<{ url: string; eventTypes: string[] }> }>('gh_dev_integrator', `{ webhookSubscriptions { url eventTypes } }`);
    expect(subs.webhookSubscriptions).toHaveLength(1);
    expect(subs.webhookSubscriptions[0]!.url).toBe('http://127.0.0.1:9/gatehouse-events');
    expect([...subs.webhookSubscriptions[0]!.eventTypes].sort()).toEqual(['approval.requested', 'run.completed']);
    await page.reload();
    expect(await page.getByTestId('webhook-secret').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
