/**
 * load.html in a real Chromium with JavaScript disabled: a small load run against the in-process reference
 * provider writes the page; its three charts render at a non-zero size, with their lines drawn, and the
 * page asks for nothing but itself.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/idp/load/html.ts';
import { LoadRun } from '../../../src/idp/load/run.ts';
import { referenceProvider, settings } from '../../idp/load/helpers.ts';
import { NO_CHROMIUM, launchChromium, screenshotPath, skipTitle } from './browser.ts';

describe.skipIf(NO_CHROMIUM)(skipTitle('load.html in Chromium without JavaScript'), () => {
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    const { fetch } = referenceProvider();
    const report = await new LoadRun(settings({ users: 120, groups: 3, membersPerGroup: 20, prefix: 'ldhtml' }), { fetch }).run();
    expect(report.exitCode).toBe(0);
    file = join(mkdtempSync(join(tmpdir(), 'scimcheck-load-html-')), 'load.html');
    writeFileSync(file, renderHtml(report));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws every chart with a non-zero size and its lines, loading nothing else', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      const box = await charts.nth(i).boundingBox();
      expect(box && box.width > 100 && box.height > 30, `chart ${i} box ${JSON.stringify(box)}`).toBe(true);
      const lines = charts.nth(i).locator('polyline.series');
      expect(await lines.count()).toBeGreaterThan(0);
      // The throughput and latency lines vary, so they span some width; a flat zero line still has width.
      const line = await lines.first().boundingBox();
      expect(line && line.width > 0, `chart ${i} line ${JSON.stringify(line)}`).toBe(true);
    }
    expect(await page.locator('svg.chart title').allTextContents()).toEqual(['Throughput (req/s)', 'Latency (ms)', expect.stringMatching(/^Errors and 429s per [\d.]+ s \(answers\)$/)]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.screenshot({ path: screenshotPath('load-html.png'), fullPage: true });
    await context.close();
  });
});
