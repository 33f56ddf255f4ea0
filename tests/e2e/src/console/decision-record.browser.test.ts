import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { openConsole, saveScreenshot, seriousA11yViolations } from '../harness/browser.js';
import { describeInChromium } from '../harness/chromium-suite.js';

/*
 * A run's decision record in real Chromium against the real API and runner: the seeded how-to
 * ticket T-1002 goes straight through (a help article is sent), so its record names the executed
 * action; the JSON download goes through the console's proxy with the signed-in key, and the
 * printed page is the document.
 */

describeInChromium('decision record in Chromium', (suite) => {

  it('an owner opens T-1002\'s record from the run page, downloads the JSON and prints it', async () => {
    const data = await suite.platform.gql<{ runs: { edges: { node: { id: string } }[] } }>('gh_dev_owner', `{ runs(filter: { externalRef: "T-1002" }) { edges { node { id } } } }`);
    const runId = data.runs.edges[0]!.node.id;
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_owner');
    await page.goto(`/runs/${runId}`);
    await page.getByRole('link', { name: 'Decision record' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Decision record: run T-1002' }).count()).toBe(1);
    const final = page.getByRole('region', { name: 'Action finally taken' });
    expect(await final.textContent()).toContain('executed');
    expect(await final.textContent()).toContain('send_help_article');
    expect(await page.getByRole('region', { name: 'Providers, models and confidence' }).textContent()).toContain('rules');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await saveScreenshot(page, 'decision-record');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
    expect(download.suggestedFilename()).toBe(`decision-record-${runId}.json`);
    const record = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(record).toMatchObject({ schemaVersion: 1, run: { id: runId, status: 'completed' }, finalAction: { outcome: 'executed', action: 'send_help_article' } });
    expect(JSON.stringify(record)).not.toMatch(/@example\.com/);

    // Printed, the shell's navigation and the buttons are left out.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    expect((await page.pdf({ format: 'A4' })).subarray(0, 5).toString()).toBe('%PDF-');
    expect(errors).toEqual([]);
  });
});
