import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { chromiumUnavailableReason, launchChromium } from './browser.js';
import { type Platform, type PlatformOptions, startPlatform } from './platform.js';

/** What a browser suite's tests use; set before the first test runs. */
export interface ChromiumSuite {
  readonly platform: Platform;
  readonly browser: Browser;
}

/**
 * A describe block with the real platform (as `pnpm start` runs it) and Chromium, started once
 * before its tests and stopped after them. Without Chromium it is skipped, saying why in one line.
 */
export function describeInChromium(title: string, body: (suite: ChromiumSuite) => void, options: PlatformOptions = {}): void {
  const unavailable = chromiumUnavailableReason();
  // eslint-disable-next-line no-console -- the one line that says why a suite is skipped
  if (unavailable) console.warn(`Skipping ${title}: ${unavailable}.`);
  describe.skipIf(unavailable !== null)(title, () => {
    const suite = {} as { platform: Platform; browser: Browser };
    beforeAll(async () => {
      [suite.platform, suite.browser] = await Promise.all([startPlatform(options), launchChromium()]);
    });
    afterAll(async () => {
      await suite.browser?.close();
      await suite.platform?.stop();
    });
    body(suite);
  });
}
