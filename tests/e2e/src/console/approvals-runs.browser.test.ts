import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { openConsole, saveScreenshot, seriousA11yViolations } from '../harness/browser.js';
import { describeInChromium } from '../harness/chromium-suite.js';

/*
 * The approvals inbox and the run explorer/trace in real Chromium against the real API, runner,
 * PostgreSQL and demo action receiver: a reviewer's approval makes the action fire, an edit is
 * shown as a diff against the AI draft before it is sent, a viewer gets no controls.
 */

interface RunRef {
  id: string;
  status: string;
}

describeInChromium('approvals inbox and run trace in Chromium', (suite) => {

  async function runByRef(ref: string): Promise<RunRef> {
    const data = await suite.platform.gql<{ runs: { edges: { node: RunRef }[] } }>(
      'gh_dev_viewer',
      `query ($ref: String) { runs(filter: { externalRef: $ref }) { edges { node { id status } } } }`,
      { ref },
    );
    const run = data.runs.edges[0]?.node;
    if (!run) throw new Error(`no run ${ref}`);
    return run;
  }

  /** The signed-in role is known once the navigation shows: only then are controls decided. */
  async function roleKnown(page: Page) {
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).getByRole('link').count()).toBeGreaterThan(0);
  }

  async function openApprovalFor(page: Page, ref: string, path = '/approvals') {
    await page.goto(path);
    const row = page.getByRole('table', { name: /approvals/i }).getByRole('row').filter({ hasText: ref });
    await row.getByRole('link').click();
    const detail = page.getByRole('article');
    await expect.poll(() => detail.getByRole('link', { name: ref }).count()).toBe(1);
    return detail;
  }

  it('a reviewer approves T-1001 with a reason; the run completes and the demo receiver takes the action', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_reviewer');
    await page.goto('/approvals');
    const table = page.getByRole('table', { name: /Pending approvals/ });
    await expect.poll(() => table.getByRole('row').filter({ hasText: 'T-1001' }).count()).toBe(1);
    expect(await table.getByRole('row').filter({ hasText: 'T-1003' }).count()).toBe(1);
    await saveScreenshot(page, 'approvals');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const detail = await openApprovalFor(page, 'T-1001');
    expect(await detail.getByRole('heading', { level: 2 }).textContent()).toContain('send_reply');
    expect(await detail.getByRole('figure', { name: 'AI draft (proposed arguments)' }).textContent()).toContain('refund');
    // The seeded runbook's section for the gated step, beside the decision.
    expect(await detail.getByRole('region', { name: 'Runbook: Approval: reply' }).textContent()).toContain('never that the money is on its way');
    await saveScreenshot(page, 'approval-detail');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const run = await runByRef('T-1001');
    expect(run.status).toBe('waiting_approval');
    await detail.getByLabel('Reason (optional)').fill('Customer was charged twice; reply is right.');
    await detail.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByText('Approved. The run continues with the proposed action.').count()).toBe(1);

    await expect.poll(async () => (await runByRef('T-1001')).status, { timeout: 30_000, interval: 300 }).toBe('completed');
    await expect.poll(() => suite.platform.output(), { timeout: 15_000 }).toContain(`[demo-actions] send_reply for run ${run.id}`);
    expect(errors).toEqual([]);
  });

  it('edit-and-approve on T-1003 shows the edit as a diff against the draft before it is sent; the run completes', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_reviewer');
    const detail = await openApprovalFor(page, 'T-1003');
    await detail.getByLabel('Edit, then approve').check();
    const editor = detail.getByLabel('Edited proposal (JSON)');
    const draft = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    expect(draft).toMatchObject({ label: 'outage', draft: expect.stringContaining('T-1003') });

    // Invalid JSON is caught in the suite.browser.
    await editor.fill('{ "label": ');
    await expect.poll(() => detail.getByText(/^Not valid JSON/).count()).toBe(1);

    const edited = { ...draft, draft: 'We know the dashboard is down and are fixing it; updates every 30 minutes.', severity: 'high' };
    await editor.fill(JSON.stringify(edited, null, 2));
    const diff = detail.getByRole('table', { name: /Your edit against the AI draft: 2 changes/ });
    await expect.poll(() => diff.count()).toBe(1);
    const rows = await diff.getByRole('row').allInnerTexts();
    expect(rows.some((r) => r.includes('Changed') && r.includes('draft'))).toBe(true);
    expect(rows.some((r) => r.includes('Added') && r.includes('severity') && r.includes('"high"'))).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await detail.getByLabel('Reason (required)').fill('Set expectations on the outage');
    await detail.getByRole('button', { name: 'Approve with edits' }).click();
    await expect.poll(() => page.getByText(/Approved with your edits/).count()).toBe(1);
    // The decided approval now shows the stored edit as a diff.
    await expect.poll(() => page.getByRole('table', { name: /The edit against the AI draft: 2 changes/ }).count()).toBe(1);

    const run = await runByRef('T-1003');
    await expect.poll(async () => (await runByRef('T-1003')).status, { timeout: 30_000, interval: 300 }).toBe('completed');
    await expect.poll(() => suite.platform.output(), { timeout: 15_000 }).toContain(`[demo-actions] send_reply for run ${run.id}`);
    expect(errors).toEqual([]);
  });

  it('a viewer reads the inbox and a run but has no approve, reject or cancel controls', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_viewer');
    const detail = await openApprovalFor(page, 'T-1001', '/approvals?status=all');
    await roleKnown(page);
    expect(await detail.getByRole('figure', { name: 'AI draft (proposed arguments)' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /approve|reject/i }).count()).toBe(0);
    expect(await page.getByRole('radio').count()).toBe(0);

    const waiting = await runByRef('T-1004');
    await page.goto(`/runs/${waiting.id}`);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Run T-1004' }).count()).toBe(1);
    await roleKnown(page);
    expect(await page.getByRole('button', { name: /cancel|re-open|approve|reject/i }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('the run explorer finds T-1002 by reference; its trace shows four steps with provider and latency, and audit events', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_reviewer');
    await page.goto('/runs');
    await expect.poll(() => page.getByRole('table', { name: /Runs, newest first/ }).getByRole('row').count()).toBeGreaterThan(7);
    await saveScreenshot(page, 'runs');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByLabel('Run id or external reference').fill('T-1002');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?ref=T-1002');
    const table = page.getByRole('table', { name: /Runs, newest first/ });
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.getByRole('row').nth(1).innerText()).toContain('Completed');
    await table.getByRole('link', { name: 'T-1002' }).click();

    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Run T-1002' }).count()).toBe(1);
    expect(await page.getByRole('search').count()).toBe(0);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await expect.poll(() => timeline.locator('[data-audit-action="run.completed"]').count()).toBe(1);
    const steps = await timeline.locator('[data-step-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-step-id')));
    expect(steps).toEqual(['classify', 'check', 'branch', 'send-article']);
    const classify = timeline.locator('[data-step-id="classify"]');
    expect(await classify.innerText()).toMatch(/provider\s+rules/i);
    expect(await classify.innerText()).toMatch(/latency\s+\d+(\.\d+)? (ms|s)/i);
    // Audit events sit between the steps, ordered by time.
    const order = await timeline.locator('li').evaluateAll((els) =>
      els.map((el) => el.querySelector('[data-step-id]')?.getAttribute('data-step-id') ?? el.querySelector('[data-audit-action]')?.getAttribute('data-audit-action')),
    );
    expect(order[0]).toBe('run.created');
    expect(order.at(-1)).toBe('run.completed');
    expect(order.indexOf('classify')).toBeLessThan(order.indexOf('send-article'));

    await classify.getByRole('button', { name: /Show input and output/ }).click();
    expect(await classify.getByRole('figure', { name: 'Output' }).innerText()).toContain('how_to');
    await saveScreenshot(page, 'run-trace');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
