/**
 * `serve --grade-clients --ui` in Chromium (issue 14): a graded request carries a badge with its worst finding
 * level in the console's request log, and opening it lists each finding with its level, id and clause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { createClientGradingSession, providerRegistry } from '../../../src/provider/grade-clients.ts';
import { createProvider } from '../../../src/provider/index.ts';
import { createConsole, type ProviderConsole } from '../../../src/provider/ui/console.ts';
import { NO_CHROMIUM, launchChromium, skipTitle } from './browser.ts';

const TOKEN = 'grade-console-token-5e6f7a';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe.skipIf(NO_CHROMIUM)(skipTitle('graded requests in the live console (Chromium)'), () => {
  let server: ServerType;
  let ui: ProviderConsole;
  let base: string;
  let browser: Browser;
  let page: Page;

  const scim = (method: string, path: string, body: unknown, contentType = 'application/scim+json') =>
    fetch(`${base}/scim/v2${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType }, body: JSON.stringify(body) });

  beforeAll(async () => {
    const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] } });
    const registry = await providerRegistry((r) => provider.fetch(r), provider.basePath, `Bearer ${TOKEN}`);
    const session = createClientGradingSession({ basePath: provider.basePath, registry });
    ui = createConsole({ provider, auth: { api: { tokens: [{ token: TOKEN }] } }, grade: session.grade });
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: ui.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
    });
    base = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    ui?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('badges the request that broke a MUST, none on a clean one, and lists the findings when opened', { timeout: 120_000 }, async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/ui?token=${TOKEN}`);
    await expect.poll(() => page.locator('#conn').getAttribute('class')).toContain('live');

    const user = await (await scim('POST', '/Users', { schemas: [USER], userName: 'graded@example.com' })).json();
    await scim('PATCH', `/Users/${user.id}`, { Operations: [{ op: 'Replace', path: 'title', value: 'x' }, { op: 'delete', path: 'title' }] }, 'application/json');
    await expect.poll(() => page.locator('#log tbody tr.req').count()).toBe(2);

    const [patched, created] = await page.locator('#log tbody tr.req').all();
    expect(await created!.locator('.fb').count()).toBe(0);
    // Two MUST findings (no PatchOp schema, an unknown op) and two notes (op case, application/json).
    expect(await patched!.locator('.fb').textContent()).toBe('2 MUST +2');

    await patched!.click();
    const items = page.locator('#log tbody tr.detail .findings li');
    await expect.poll(() => items.count()).toBe(4);
    const lines = await items.allTextContents();
    expect(lines[0]).toMatch(/^MUST client .*RFC 7644 §3\.5\.2$/);
    expect(lines.join('\n')).toContain('client.patch.op-name');
    expect(lines.join('\n')).toContain('Operations[1].op is "delete"');
    expect(lines.at(-1)).toMatch(/^INFO client /);
    expect(errors).toEqual([]);
  });
});
