/** Shared bits of the browser tests: the Chromium they drive and where screenshots go. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** The only reason a browser test may skip: no Chromium on this machine (.ci/run installs it). */
export const NO_CHROMIUM = !existsSync(CHROMIUM);

/** A suite title that says why it is skipped, when it is. */
export function skipTitle(title: string): string {
  return NO_CHROMIUM ? `${title} (skipped: ${CHROMIUM} is not installed; .ci/run installs Debian's chromium)` : title;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** reports/screenshots/ (git-ignored): for people to look at, not compared by the tests. */
export function screenshotPath(name: string): string {
  const dir = fileURLToPath(new URL('../../../reports/screenshots/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
