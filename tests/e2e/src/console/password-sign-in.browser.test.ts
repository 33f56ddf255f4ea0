import { expect, it } from 'vitest';
import { openConsole } from '../harness/browser.js';
import { describeInChromium } from '../harness/chromium-suite.js';

/* Password sign-in in real Chromium: the API sets the httpOnly session cookie, the console uses it. */

describeInChromium('password sign-in in Chromium', (suite) => {

  it('a reviewer signs in with email and password and sees the exception queue; the cookie is httpOnly; sign-out ends it', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, null);
    await page.goto('/');
    const form = page.getByRole('form', { name: 'Sign in with password' });
    await form.getByLabel('Email').fill('rita@gatehouse.dev');
    await form.getByLabel('Password').fill('wrong password');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Email or password is incorrect.');

    await form.getByLabel('Password').fill('gatehouse-dev');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Exception queue');
    expect(await page.getByText('Rita Reviewer').count()).toBeGreaterThan(0);

    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'gh_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('gh_session');

    // A reload stays signed in (the cookie, not a key in localStorage).
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Exception queue');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    const status = await page.evaluate(async () => {
      const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { email } }' }) });
      return ((await res.json()) as { errors?: Array<{ extensions: { code: string } }> }).errors?.[0]?.extensions.code;
    });
    expect(status).toBe('UNAUTHENTICATED');
    expect(errors).toEqual([]);
  });
});
