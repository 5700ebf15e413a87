/**
 * report.html in a real Chromium: a run against the reference provider with a fault (PATCH ignored)
 * produces failures; the page opened from file:// filters to them, opens one, shows the diff and the
 * transcript, never the bearer token, and copies the curl command.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { createProvider } from '../../../src/provider/index.ts';
import { main } from '../../../src/cli.ts';
import { reportCommand } from '../../../src/harness/commands.ts';
import type { RunReport } from '../../../src/harness/check.ts';
import { NO_CHROMIUM, launchChromium, screenshotPath, skipTitle } from './browser.ts';

const TOKEN = 'browser-test-token-5e1f0c9ad2b7';

describe.skipIf(NO_CHROMIUM)(skipTitle('report.html in Chromium'), () => {
  let server: ServerType;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let report: RunReport;

  beforeAll(async () => {
    const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] }, faults: ['patch-ignored'] });
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: (req: Request) => provider.fetch(req), port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
    });
    dir = mkdtempSync(join(tmpdir(), 'scimcheck-browser-report-'));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await main(['run', '--target', `http://127.0.0.1:${port}/scim/v2`, '--auth-bearer', TOKEN, '--suite', 'conformance', '--only', 'patch,users,auth', '--out', dir, '--quiet']);
    vi.restoreAllMocks();
    expect(code).toBe(1);
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page = await context.newPage();
    // Self-contained: any request other than the file itself is a failure.
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('filters to failures, expands one with diff, citation, transcript and curl, and leaks no token', { timeout: 120_000 }, async () => {
    const failedIds = report.results.filter((r) => r.status === 'failed').map((r) => r.id);
    expect(failedIds.length).toBeGreaterThan(0);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
    await expect.poll(() => page.locator('tr.row').count()).toBe(report.results.length);
    await page.screenshot({ path: screenshotPath('report-overview.png'), fullPage: false });

    // Filter to failed checks: only failed rows remain, and the view is in the URL.
    await page.getByRole('button', { name: /failed/ }).first().click();
    await expect.poll(() => page.locator('tr.row').count()).toBe(failedIds.length);
    expect(await page.locator('tr.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(failedIds.map(() => 'failed'));
    expect(new URL(page.url()).hash).toContain('status=failed');

    // Keyboard: focus a PATCH failure (the fault) and open it with Enter.
    const target = report.results.find((r) => r.status === 'failed' && r.id.startsWith('patch.') && r.expected !== undefined && r.actual !== undefined && r.transcript.length > 0);
    expect(target, 'a PATCH failure with expected/actual and a transcript').toBeTruthy();
    const row = page.locator(`tr.row[data-id="${target!.id}"]`);
    await row.focus();
    await page.keyboard.press('Enter');
    const detail = page.locator('tr.detail');
    await expect.poll(() => detail.count()).toBe(1);
    expect(await page.locator(`tr.row[data-id="${target!.id}"]`).getAttribute('aria-expanded')).toBe('true');
    expect(new URL(page.url()).hash).toContain(`open=${encodeURIComponent(target!.id)}`);

    // The diff shows removed (expected) and added (actual) lines, with signs, not colour alone.
    const del = await detail.locator('.diff .del').allTextContents();
    const add = await detail.locator('.diff .add').allTextContents();
    expect(del.length + add.length).toBeGreaterThan(0);
    for (const l of del) expect(l.startsWith('− ')).toBe(true);
    for (const l of add) expect(l.startsWith('+ ')).toBe(true);
    // The clause, titled and linked.
    const cite = detail.locator('.sect a[href^="https://www.rfc-editor.org/rfc/rfc"]').first();
    expect(await cite.textContent()).toMatch(/^RFC 764[34] §[\d.]+ — \S/);
    // The transcript: method and URL of the last exchange, headers, the bearer credential redacted.
    const last = target!.transcript.at(-1)!;
    const transcriptText = (await detail.locator('details.x').allTextContents()).join('\n');
    expect(transcriptText).toContain(`${last.request.method} ${last.request.url}`);
    expect(transcriptText).toContain('Bearer [REDACTED]');
    await page.locator('tr.row[aria-expanded="true"]').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: screenshotPath('report-failure-expanded.png'), fullPage: false });

    // Copy the curl command: the clipboard holds it, with the token as an environment variable.
    await detail.getByRole('button', { name: 'Copy curl' }).click();
    await expect.poll(() => detail.locator('.copied').textContent()).toContain('copied');
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    expect(clip).toBe(target!.reproduce);
    expect(clip).toContain('${SCIMCHECK_TOKEN}');

    // No secret anywhere in the page, rendered or embedded.
    const html = await page.content();
    expect(html).not.toContain(TOKEN);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).not.toContain(TOKEN);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('opens the same view from a link, searches, sorts, and reads well in dark mode', { timeout: 120_000 }, async () => {
    const failed = report.results.find((r) => r.status === 'failed')!;
    const url = `${pathToFileURL(join(dir, 'report.html')).href}#status=failed&level=MUST&open=${encodeURIComponent(failed.id)}`;
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(url);
    await expect.poll(() => page.locator('tr.detail').count()).toBe(1);
    expect(await page.locator('[data-filter-status="failed"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#f-level').inputValue()).toBe('MUST');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(17, 20, 24)');
    await page.screenshot({ path: screenshotPath('report-dark.png'), fullPage: false });
    await page.emulateMedia({ colorScheme: 'light' });

    // Free-text search narrows the list to checks mentioning the words (the one check among them).
    const before = await page.locator('tr.row').count();
    await page.fill('#f-q', failed.id);
    await expect.poll(() => page.locator('tr.row').count()).toBeLessThan(before);
    expect(await page.locator('tr.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toContain(failed.id);
    expect(new URL(page.url()).hash).toContain(`q=${encodeURIComponent(failed.id)}`);
    // Reset clears every filter; sorting by check id orders the rows.
    await page.click('#f-reset');
    await expect.poll(() => page.locator('tr.row').count()).toBe(report.results.length);
    await page.click('th[data-sort="id"] button');
    const ids = await page.locator('tr.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id') ?? ''));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(await page.locator('th[data-sort="id"]').getAttribute('aria-sort')).toBe('ascending');
    // Arrow keys move between rows.
    await page.locator('tr.row').first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).toBe(ids[1]);
  });

  it('renders `report --compare`: the changes listed, marked on rows and filterable', { timeout: 120_000 }, async () => {
    // An earlier run where one of today's failures still passed and one of today's passes failed.
    const failing = report.results.filter((r) => r.status === 'failed');
    const passing = report.results.find((r) => r.status === 'passed')!;
    const earlier: RunReport = {
      ...report,
      startedAt: '2026-01-01T00:00:00.000Z',
      results: report.results.map((r) => (r.id === failing[0]!.id ? { ...r, status: 'passed' } : r.id === passing.id ? { ...r, status: 'failed' } : r)),
    };
    writeFileSync(join(dir, 'earlier.json'), JSON.stringify(earlier));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await reportCommand([join(dir, 'report.json'), '--compare', join(dir, 'earlier.json')])).toBe(0);
    vi.restoreAllMocks();
    await page.goto(pathToFileURL(join(dir, 'compare.html')).href);
    const panel = page.locator('section[aria-labelledby="cmp"]');
    expect(await panel.textContent()).toMatch(new RegExp(`Newly failing \\(1\\)[\\s\\S]*${failing[0]!.id.replace(/\./g, '\\.')}[\\s\\S]*Fixed \\(1\\)[\\s\\S]*${passing.id.replace(/\./g, '\\.')}[\\s\\S]*Still failing \\(${failing.length - 1}\\)`));
    await page.selectOption('#f-change', 'newly-failing');
    await expect.poll(() => page.locator('tr.row').count()).toBe(1);
    expect(await page.locator('tr.row').getAttribute('data-id')).toBe(failing[0]!.id);
    expect(await page.locator('tr.row .tag.newly-failing').textContent()).toBe('newly failing');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('report-compare.png'), fullPage: false });
  });
});
