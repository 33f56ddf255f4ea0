import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { openConsole, saveScreenshot, seriousA11yViolations } from '../harness/browser.js';
import { describeInChromium } from '../harness/chromium-suite.js';

/*
 * The exception queue in real Chromium against the real API, runner and PostgreSQL: a reviewer
 * works the seeded T-1004 exception by keyboard until its run completes; a second reviewer
 * sees who holds an item instead of overwriting the claim; a viewer reads without controls.
 */

interface RunNode {
  id: string;
  status: string;
  approvals: Array<{ id: string; status: string }>;
  exceptions: Array<{ id: string; status: string }>;
}
const RUN_BY_REF = `query ($ref: String!) { runs(filter: { externalRef: $ref }, first: 1) { edges { node { id status approvals { id status } exceptions { id status } } } } }`;

async function poll<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

describeInChromium('exception queue in Chromium', (suite) => {
  const runByRef = async (ref: string): Promise<RunNode | null> =>
    (await suite.platform.gql<{ runs: { edges: Array<{ node: RunNode }> } }>('gh_dev_viewer', RUN_BY_REF, { ref })).runs.edges[0]?.node ?? null;

  /** The item label of the row the keyboard selection is on. */
  const selectedRef = (page: Page) => page.locator('tbody tr[aria-current="true"] a').textContent({ timeout: 1000 }).catch(() => null);

  it('a reviewer selects T-1004 by keyboard, claims it with c, edits the output with e and continues; the run completes', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_reviewer');
    await page.goto('/exceptions');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Exception queue');
    await page.getByRole('link', { name: 'T-1004' }).waitFor();
    await expect.poll(() => page.getByText(/updated \d+s ago/).count()).toBeGreaterThan(0);
    await saveScreenshot(page, 'exception-queue');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Select it by keyboard only: j until the selection is on T-1004, then Enter.
    const rows = await page.locator('tbody tr').count();
    for (let i = 0; i < rows && (await selectedRef(page)) !== 'T-1004'; i++) await page.keyboard.press('j');
    expect(await selectedRef(page)).toBe('T-1004');
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    expect(await selectedRef(page)).toBe('T-1004');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: /T-1004/ }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/exceptions\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('exception-holder').textContent()).toBe('Unclaimed');
    // Beside the item: the seeded runbook's section for its reason, from the run's version.
    const runbook = page.getByRole('region', { name: 'Runbook: Exception: low_confidence' });
    await runbook.waitFor();
    expect(await runbook.getByRole('listitem').first().textContent()).toMatch(/clearly is a refund, outage or how-to question/);

    await page.keyboard.press('c');
    await expect.poll(() => page.getByTestId('exception-holder').textContent()).toBe('Claimed by you');

    await page.keyboard.press('e');
    const editor = page.getByLabel(/Corrected output of step “check”/);
    await editor.waitFor();
    // An output the schema refuses is listed and cannot be submitted.
    await editor.fill('{"label": "banana", "confidence": 0.95}');
    await page.getByRole('list', { name: 'Problems in the output' }).waitFor();
    const submit = page.getByRole('button', { name: 'Continue with this output' });
    expect(await submit.getAttribute('aria-disabled')).toBe('true');
    await editor.fill('{"label": "how_to", "confidence": 0.95}');
    await page.getByText('Matches the step’s output schema.').waitFor();
    await page.getByLabel('Note (required)').fill('The customer asks how to find an account setting.');
    await expect.poll(() => submit.getAttribute('aria-disabled')).toBeNull();
    await saveScreenshot(page, 'exception-detail');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await submit.click();
    await expect.poll(() => page.locator('.exq-notice').textContent()).toMatch(/^Resolved \(override output\)/);

    // The runner picks the run up again. Support triage's reply is customer-impacting, so it
    // waits for an approval (a second reviewer decides it; the run was started by the
    // integrator) before it completes and the reply goes out.
    const afterOverride = await poll('T-1004 to leave the exception queue', () => runByRef('T-1004'), (r) => r !== null && r.status !== 'in_exception' && r.status !== 'queued' && r.status !== 'running');
    expect(afterOverride!.exceptions.map((x) => x.status)).toEqual(['resolved']);
    expect(['waiting_approval', 'completed']).toContain(afterOverride!.status);
    if (afterOverride!.status === 'waiting_approval') {
      const pending = afterOverride!.approvals.find((a) => a.status === 'pending')!;
      await suite.platform.gql('gh_dev_reviewer2', `mutation ($id: ID!) { decideApproval(approvalId: $id, decision: approve, reason: "Reply is fine") { status } }`, { id: pending.id });
    }
    const finished = await poll('T-1004 to complete', () => runByRef('T-1004'), (r) => r?.status === 'completed' || r?.status === 'failed', 45_000);
    expect(finished!.status).toBe('completed');
    expect(suite.platform.output()).toContain(`for run ${finished!.id}`);
    expect(errors).toEqual([]);
  });

  it('a second reviewer trying to claim an item Rita holds sees the conflict naming her', async () => {
    await suite.platform.gql('gh_dev_integrator', `mutation { startRun(workflowKey: "support-triage", idempotencyKey: "e2e-T-2001", externalRef: "T-2001", input: { ticketId: "T-2001", customerEmail: "jo@example.com", message: "Something strange with my profile." }) { run { id } } }`);
    const run = await poll('T-2001 to reach the exception queue', () => runByRef('T-2001'), (r) => r?.status === 'in_exception');
    const exceptionId = run!.exceptions[0]!.id;
    await suite.platform.gql('gh_dev_reviewer', `mutation ($id: ID!) { claimException(exceptionId: $id) { id } }`, { id: exceptionId });

    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_reviewer2');
    await page.goto(`/exceptions/${exceptionId}`);
    await page.getByRole('heading', { level: 2, name: /T-2001/ }).waitFor();
    await expect.poll(() => page.getByTestId('exception-holder').textContent()).toBe('Claimed by Rita Reviewer');
    await page.keyboard.press('c');
    const alert = page.getByRole('alert').filter({ hasText: 'CONFLICT' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Claimed by Rita Reviewer');
    // The resolve actions say why they are unavailable; the claim stayed Rita's.
    expect(await page.getByRole('button', { name: /Retry step/ }).getAttribute('aria-disabled')).toBe('true');
    const after = await suite.platform.gql<{ exception: { assignee: { email: string } } }>('gh_dev_viewer', `query ($id: ID!) { exception(id: $id) { assignee { email } } }`, { id: exceptionId });
    expect(after.exception.assignee.email).toBe('rita@gatehouse.dev');
    expect(errors).toEqual([]);
  });

  it('a viewer reads the queue and an item but has no claim or resolve controls', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_viewer');
    await page.goto('/exceptions?assignee=any');
    await page.getByRole('link', { name: 'T-2001' }).click();
    await page.getByRole('heading', { level: 2, name: /T-2001/ }).waitFor();
    await page.getByRole('heading', { level: 3, name: 'Run trace' }).waitFor();
    expect(await page.getByRole('button', { name: /Claim|Release|Retry step|Edit output|Hand off|Cancel run/ }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Resolve' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Keyboard shortcuts' }).getByRole('listitem').allTextContents()).toEqual(['j next item', 'k previous item', 'Enter open']);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
