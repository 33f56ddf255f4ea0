import axe from 'axe-core';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { ROOT } from './platform.js';

/*
 * Debian's chromium driven by playwright-core (browsers cannot be downloaded here), as
 * ../shared/DESIGN.md says: headless, no sandbox, no GPU, no background networking.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** Why browser tests cannot run here, or null when they can. */
export function chromiumUnavailableReason(): string | null {
  return CHROMIUM ? null : 'chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)';
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM!,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/** Where screenshots go: artifacts/e2e/ at the repository root (ignored by git, kept by CI). */
export const SCREENSHOT_DIR = path.join(ROOT, 'artifacts', 'e2e');

/** The console's localStorage key for the development sign-in (see the console's session feature). */
const API_KEY_STORAGE_KEY = 'gatehouse.console.apiKey';

/**
 * A page signed in as `apiKey` (the development sign-in remembered in localStorage). Browser
 * console errors and failed page scripts are collected so a test can assert there were none.
 */
export async function openConsole(browser: Browser, consoleUrl: string, apiKey: string | null): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: consoleUrl, viewport: { width: 1440, height: 900 } });
  if (apiKey) {
    await context.addInitScript(
      ([storageKey, key]) => {
        if (!window.localStorage.getItem(storageKey!)) window.localStorage.setItem(storageKey!, key!);
      },
      [API_KEY_STORAGE_KEY, apiKey],
    );
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { page, errors };
}

/** Saves a full-page screenshot as artifacts/e2e/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface A11yViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules). */
export async function seriousA11yViolations(page: Page): Promise<A11yViolation[]> {
  await page.addScriptTag({ content: axe.source });
  const results = await page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    return run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}
