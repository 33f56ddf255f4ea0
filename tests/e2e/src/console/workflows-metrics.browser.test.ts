import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { openConsole, saveScreenshot, seriousA11yViolations } from '../harness/browser.js';
import { describeInChromium } from '../harness/chromium-suite.js';

/*
 * Workflows and metrics in real Chromium against the real API, runner and PostgreSQL: leadership
 * reads the demo data as charts; an owner reads a workflow's clarity points, proposes a version,
 * compares it, and pauses and resumes the workflow through the confirmation; the shadow
 * workflow's promotion shows its measured agreement and what is missing; a viewer cannot act.
 */

const WORKFLOW = `query ($key: String!) { workflow(key: $key) { paused pausedReason versions { version status definition } } }`;
interface WorkflowState {
  workflow: { paused: boolean; pausedReason: string | null; versions: Array<{ version: number; status: string; definition: Record<string, unknown> }> };
}

const ACTION_BUTTONS = /^(Pause workflow|Resume workflow|Promote to|Demote to|Approve v|Reject v|Publish v|Roll back|Propose version|Sign off|Record (a new )?readiness assessment)/;

const PROMOTION = `query ($key: String!) { workflow(key: $key) { promotionReadiness { signOffState missing { check } readiness { ready metCount } } } }`;
interface PromotionState {
  workflow: { promotionReadiness: { signOffState: string; missing: Array<{ check: string }>; readiness: { ready: boolean; metCount: number } | null } };
}

const READINESS_EVIDENCE: ReadonlyArray<readonly [string, string]> = [
  ['Real volume', 'About 400 invoices a month across two entities'],
  ['Visible drag or rework', 'Month-end backlog of two days; 8% re-keyed'],
  ['Understandable failure modes', 'Wrong GL code and duplicate invoices, both caught by review'],
  ['Approvals definable', 'AP lead approves over 5,000; controller over 50,000'],
  ['Measurable outcome', 'Cycle time from receipt to approval in the ERP'],
  ['Named business owner', 'Fiona Ford, AP lead'],
];

async function missingChecks(page: Page): Promise<string[]> {
  return page.getByRole('list', { name: 'Still missing for the promotion' }).getByRole('listitem').allTextContents();
}

async function actionButtons(page: Page): Promise<string[]> {
  const labels = await page.getByRole('button').allTextContents();
  return labels.filter((l) => ACTION_BUTTONS.test(l.trim()));
}

describeInChromium('workflows and metrics in Chromium', (suite) => {
  const workflowState = (key: string) => suite.platform.gql<WorkflowState>('gh_dev_viewer', WORKFLOW, { key });

  it('leadership: the metrics page draws every chart from the demo data, with sample sizes', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_viewer');
    await page.goto('/metrics');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Metrics');
    const runsTile = page.locator('[data-tile="Runs"]');
    await runsTile.waitFor();
    // Seven demo runs were started moments ago (5 support tickets, 2 invoices).
    expect(await runsTile.locator('.mx-tile__value').textContent()).toBe('7');
    expect(await runsTile.locator('.mx-tile__sample').textContent()).toMatch(/^n = 7 started, \d+ finished$/);
    for (const label of ['Straight-through rate', 'Cycle time p50 / p90', 'Shadow agreement', 'Cost per run']) {
      expect(await page.locator(`[data-tile="${label}"] .mx-tile__sample`).textContent()).toMatch(/^n = \d/);
    }

    // recharts drew real series: line paths with geometry and bars with a size.
    await expect.poll(() => page.locator('.recharts-line-curve').count()).toBeGreaterThan(5);
    const paths = await page.locator('.recharts-line-curve').evaluateAll((els) => els.map((el) => el.getAttribute('d') ?? ''));
    expect(paths.filter((d) => /^M[\d.]+,[\d.]+/.test(d)).length).toBeGreaterThan(5);
    await expect.poll(() => page.locator('[data-chart="Throughput"] .recharts-bar-rectangle path').count()).toBeGreaterThan(0);
    const bars = await page.locator('[data-chart="Throughput"] .recharts-bar-rectangle path').evaluateAll((els) =>
      els.map((el) => {
        const box = (el as SVGGraphicsElement).getBBox();
        return box.width * box.height;
      }),
    );
    expect(bars.some((area) => area > 0)).toBe(true);
    expect(await page.locator('figure.mx-chart').count()).toBe(10);

    // The throughput data table agrees with the tile: 7 runs started in some bucket.
    await page.locator('[data-chart="Throughput"] summary').click();
    const cells = await page.locator('[data-chart="Throughput"] tbody td:first-of-type').allTextContents();
    expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBe(7);

    await saveScreenshot(page, 'metrics');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Per workflow, and a refused window shows the API's message.
    await page.getByLabel('Workflow').selectOption('invoice-approval');
    await expect.poll(() => runsTile.locator('.mx-tile__value').textContent()).toBe('2');
    expect(new URL(page.url()).searchParams.get('workflow')).toBe('invoice-approval');
    await page.goto('/metrics?period=custom&from=2024-01-01T00:00&to=2025-01-01T00:00&bucket=hour');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('at most 1000 are allowed');
    expect(errors).toEqual([]);
  });

  it('an owner reads the clarity points, proposes and compares a version, and pauses and resumes support-triage', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_owner');
    await page.goto('/workflows');
    const row = page.getByRole('row', { name: /Support ticket triage/ });
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual(['Olive Owner', expect.any(String), 'No', expect.stringMatching(/Healthy|Needs attention|Critical/), expect.any(String)]);
    await saveScreenshot(page, 'workflows');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await row.getByRole('link').click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Support ticket triage');
    for (const title of ['1. Operational outcome', '2. Boundary', '3. Approval points', '4. Exception paths', '5. Named owners']) {
      expect(await page.getByRole('heading', { level: 3, name: title }).count()).toBe(1);
    }
    expect(await page.locator('[data-point="boundary"]').getByText('A new ticket arrives in the support inbox.').count()).toBe(1);
    expect(await page.getByRole('table', { name: /1 version/ }).getByRole('row').nth(1).textContent()).toContain('Published');

    // Propose v2 through the JSON editor: a higher confidence bar.
    const v1 = (await workflowState('support-triage')).workflow.versions[0]!.definition as { approvalPolicy: Record<string, unknown> };
    const v2 = { ...v1, approvalPolicy: { ...v1.approvalPolicy, minConfidence: 0.75 } };
    await page.getByText('Edit the definition').click();
    await page.getByLabel('Definition (JSON)').fill(JSON.stringify(v2, null, 2));
    await page.getByLabel('Change note').fill('Raise the confidence bar');
    await page.getByRole('button', { name: 'Propose version' }).click();
    await page.getByText('v2 proposed; the change approver decides it next.').waitFor();

    const diff = page.getByRole('table', { name: '1 change from v1 to v2' });
    await diff.waitFor();
    expect(await diff.getByRole('row').nth(1).getByRole('cell').allTextContents()).toEqual(['Changed', 'approvalPolicy.minConfidence', '0.6', '0.75']);
    // The author may not approve their own version; the control says so.
    expect(await page.getByRole('button', { name: 'Approve v2' }).getAttribute('aria-disabled')).toBe('true');
    await saveScreenshot(page, 'workflow-detail');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The kill switch: confirmation, a required reason, Escape cancels.
    const pause = page.getByRole('button', { name: 'Pause workflow' });
    await pause.click();
    const dialog = page.getByRole('dialog', { name: 'Pause Support ticket triage?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Pause workflow');
    await pause.click();
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await dialog.getByText('Give a reason').waitFor();
    expect((await workflowState('support-triage')).workflow.paused).toBe(false);
    await dialog.getByLabel('Reason (required)').fill('Refund wording under legal review');
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('⏸ Paused').first().waitFor();
    expect((await workflowState('support-triage')).workflow).toMatchObject({ paused: true, pausedReason: 'Refund wording under legal review' });
    expect(await page.locator('.gh-screen-header [data-health]').getAttribute('data-health')).toBe('paused');

    await page.getByRole('button', { name: 'Resume workflow' }).click();
    const resume = page.getByRole('dialog', { name: 'Resume Support ticket triage?' });
    await resume.getByLabel('Reason (required)').fill('Legal approved the wording');
    await resume.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause workflow' }).waitFor();
    expect((await workflowState('support-triage')).workflow.paused).toBe(false);
    expect(errors).toEqual([]);
  });

  it('the promotion control of the shadow invoice workflow shows measured agreement and what is missing', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_owner');
    await page.goto('/workflows/invoice-approval');
    const heading = page.getByRole('heading', { name: /^Promotion to Draft:/ });
    await heading.waitFor();
    expect(await heading.textContent()).toBe('Promotion to Draft: not yet allowed');
    expect(await page.getByTestId('promotion-agreement').textContent()).toMatch(/n = \d+, needs ≥ \d+ at ≥ [\d.]+%/);
    const missing = await page.getByRole('list', { name: 'Still missing for the promotion' }).getByRole('listitem').allTextContents();
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.join(' ')).toMatch(/sign-off|judged human outcome/);

    // The API refuses with its numbers; the dialog shows the message.
    await page.getByRole('button', { name: 'Promote to Draft' }).click();
    const dialog = page.getByRole('dialog', { name: 'Promote to Draft' });
    await dialog.getByLabel('Reason (required)').fill('Pilot looks good');
    await dialog.getByRole('button', { name: 'Promote' }).click();
    await dialog.getByText('PRECONDITION_FAILED').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toMatch(/refused: .*\d/);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });

  it('an owner sees the seeded invoice challenger beside the champion on the live runs it shadowed', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_owner');
    await page.goto('/workflows/invoice-approval');
    const panel = page.getByTestId('challenger-panel');
    await panel.waitFor();
    expect(await panel.locator('p').first().textContent()).toMatch(/^v2 shadows 100% of live runs beside the published v1; its actions are recorded, never sent\. It changes: rules\./);
    // Both seeded invoices were shadowed by the real runner; v2 categorises them as v1 does.
    await expect.poll(async () => (await page.reload(), await panel.getByRole('table').locator('caption').textContent()), { timeout: 20_000 }).toBe('Side by side on the 2 live runs it shadowed (2 finished)');
    expect(await panel.getByTestId('challenger-vs-champion').textContent()).toBe('100% (2 of 2)');
    expect(await panel.getByTestId('challenger-gate').textContent()).toMatch(/needs ≥ 30 finished runs at ≥ 90% ✕ not yet/);
    expect(await panel.getByRole('button').allTextContents()).toEqual(['Change share', 'Detach challenger']);
    await saveScreenshot(page, 'workflow-challenger');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a viewer sees workflows and their rollout evidence but no action controls', async () => {
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_viewer');
    await page.goto('/workflows/support-triage');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Support ticket triage');
    await page.getByRole('table', { name: /version/ }).waitFor();
    await page.getByRole('list', { name: 'Rollout stages' }).waitFor();
    expect(await actionButtons(page)).toEqual([]);
    expect(await page.getByRole('heading', { name: 'Propose a new version' }).count()).toBe(0);
    await page.goto('/workflows/invoice-approval');
    await page.getByRole('heading', { name: /^Promotion to Draft:/ }).waitFor();
    expect(await actionButtons(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
  it('the change approver signs off the invoice promotion and the owner records readiness; the panel stops listing them', async () => {
    const promotionState = () => suite.platform.gql<PromotionState>('gh_dev_viewer', PROMOTION, { key: 'invoice-approval' });
    expect((await promotionState()).workflow.promotionReadiness.signOffState).not.toBe('valid');

    // Oscar, the change approver of the demo workflows, signs off the promotion to draft.
    const approver = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_approver');
    await approver.page.goto('/workflows/invoice-approval');
    const signOffBlock = approver.page.getByTestId('promotion-sign-off');
    await signOffBlock.getByRole('button', { name: 'Sign off promotion to Draft' }).click();
    const dialog = approver.page.getByRole('dialog', { name: 'Sign off promotion to Draft' });
    await dialog.getByRole('button', { name: 'Sign off' }).click();
    await dialog.getByText('Say what the sign-off rests on').waitFor();
    await dialog.getByLabel('Note (required)').fill('Shadow invoices reviewed with finance');
    await dialog.getByRole('button', { name: 'Sign off' }).click();
    await signOffBlock.getByText(/Signed off by Oscar Approver on .*“Shadow invoices reviewed with finance”/).waitFor();
    expect((await missingChecks(approver.page)).join(' ')).not.toMatch(/sign-off/);
    expect((await promotionState()).workflow.promotionReadiness.signOffState).toBe('valid');
    // The approver is an owner too, so may also assess; only the sign-off control is gone.
    expect(await signOffBlock.getByRole('button').count()).toBe(0);
    expect(approver.errors).toEqual([]);
    await approver.page.close();

    // Olive, the owner, records a readiness assessment with all six criteria met.
    const { page, errors } = await openConsole(suite.browser, suite.platform.consoleUrl, 'gh_dev_owner');
    await page.goto('/workflows/invoice-approval');
    const readiness = page.getByTestId('readiness-assessment');
    await readiness.getByTestId('readiness-summary').filter({ hasText: 'No readiness assessment recorded yet.' }).waitFor();
    // Only the change approver or an admin may sign off: the owner is told who.
    expect(await page.getByTestId('promotion-sign-off').getByRole('button').count()).toBe(0);
    await readiness.getByRole('button', { name: 'Record readiness assessment' }).click();
    const form = page.getByRole('form', { name: 'Readiness assessment' });
    for (const [criterion, evidence] of READINESS_EVIDENCE) {
      await form.getByRole('group', { name: new RegExp(`^${criterion}`) }).getByLabel('Met', { exact: true }).check();
      await form.getByLabel(`${criterion} evidence (required)`).fill(evidence);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Record assessment' }).click();
    await readiness.getByRole('status').filter({ hasText: 'Assessment recorded: 6 of 6 met — ready.' }).waitFor();
    await expect.poll(() => readiness.getByTestId('readiness-summary').textContent()).toMatch(/^✓ Ready: 6 of 6 met \(100%\) — assessed by Olive Owner on /);
    expect(await readiness.getByRole('row').nth(6).getByRole('cell').allTextContents()).toEqual(['✓ Met', 'Fiona Ford, AP lead']);

    const missing = await missingChecks(page);
    expect(missing.join(' ')).not.toMatch(/sign-off|readiness/);
    expect((await promotionState()).workflow.promotionReadiness).toMatchObject({ signOffState: 'valid', readiness: { ready: true, metCount: 6 } });
    expect((await promotionState()).workflow.promotionReadiness.missing.map((m) => m.check)).not.toContain('sign_off');

    await saveScreenshot(page, 'workflow-promotion');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
