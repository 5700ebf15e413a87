/**
 * The live provider console in Chromium: the provider with --ui on a loopback port, /ui opened with a
 * token, SCIM requests sent from the test; the request log and the users and groups tables follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { createProvider } from '../../../src/provider/index.ts';
import { createConsole, type ProviderConsole } from '../../../src/provider/ui/console.ts';
import { NO_CHROMIUM, launchChromium, screenshotPath, skipTitle } from './browser.ts';

const TOKEN = 'console-api-token-8c1d2e3f4a';
const UI_TOKEN = 'console-ui-token-77aa11bb';
const PASSWORD = 'Secret-Pa55-never-on-screen';

describe.skipIf(NO_CHROMIUM)(skipTitle('the live console in Chromium'), () => {
  let server: ServerType;
  let ui: ProviderConsole;
  let base: string;
  let browser: Browser;
  let page: Page;

  const scim = (method: string, path: string, body?: unknown) =>
    fetch(`${base}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] } });
    ui = createConsole({ provider, auth: { api: { tokens: [{ token: TOKEN }] }, uiToken: UI_TOKEN } });
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

  it('refuses the page without the console token, and the API token does not open it when --ui-token is set', async () => {
    expect((await fetch(`${base}/ui`)).status).toBe(401);
    expect((await fetch(`${base}/ui?token=${TOKEN}`)).status).toBe(401);
    expect((await fetch(`${base}/ui/api/state?token=${UI_TOKEN}`)).status).toBe(401); // data needs the header
    expect((await fetch(`${base}/ui/api/state`, { headers: { authorization: `Bearer ${UI_TOKEN}` } })).status).toBe(200);
  });

  it('shows requests as they arrive and keeps the users and groups tables current', { timeout: 120_000 }, async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/ui?token=${UI_TOKEN}`);
    await expect.poll(() => page.locator('#conn').getAttribute('class')).toContain('live');
    expect(await page.locator('#users tbody tr').count()).toBe(0);

    const alice = await (await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'alice@example.com', name: { givenName: 'Alice', familyName: 'Liddell' }, password: PASSWORD, emails: [{ value: 'alice@example.com', primary: true }] })).json();
    await expect.poll(() => page.locator('#log tbody tr.req').count()).toBe(1);
    await expect.poll(() => page.locator('#users tbody tr').count()).toBe(1);
    expect(await page.locator('#users tbody tr').first().textContent()).toContain('alice@example.com');

    const bob = await (await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bob@example.com', active: false })).json();
    await scim('GET', '/Users?filter=userName%20eq%20%22alice@example.com%22');
    await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [{ value: alice.id }, { value: bob.id }] });
    await scim('PATCH', `/Users/${bob.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: true }] });
    await scim('GET', '/Users/does-not-exist');

    // Newest first: method, path and status of each request, in order.
    await expect.poll(() => page.locator('#log tbody tr.req').count()).toBe(6);
    const rows = await page.locator('#log tbody tr.req').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-method'), tr.querySelector('.path')?.textContent, tr.getAttribute('data-status')]));
    expect(rows).toEqual([
      ['GET', '/scim/v2/Users/does-not-exist', '404'],
      ['PATCH', `/scim/v2/Users/${bob.id}`, '200'],
      ['POST', '/scim/v2/Groups', '201'],
      ['GET', '/scim/v2/Users?filter=userName+eq+%22alice%40example.com%22', '200'],
      ['POST', '/scim/v2/Users', '201'],
      ['POST', '/scim/v2/Users', '201'],
    ]);

    // Memberships show both ways, and bob's PATCH to active is visible.
    await expect.poll(() => page.locator('#groups tbody tr').count()).toBe(1);
    expect(await page.locator('#groups tbody tr').textContent()).toMatch(/Engineering[\s\S]*2 members[\s\S]*alice@example\.com[\s\S]*bob@example\.com/);
    await expect.poll(() => page.locator('#users tbody tr', { hasText: 'bob@example.com' }).textContent()).toMatch(/✓ active[\s\S]*Engineering/);

    // Expanding the first POST shows its bodies, with the password and the token redacted.
    const first = page.locator('#log tbody tr.req').last();
    await first.focus();
    await page.keyboard.press('Enter');
    const detail = page.locator('#log tbody tr.detail');
    await expect.poll(() => detail.count()).toBe(1);
    const detailText = (await detail.textContent()) ?? '';
    expect(detailText).toContain('"userName": "alice@example.com"');
    expect(detailText).toContain('"password": "[REDACTED]"');
    expect(detailText).toContain('Bearer [REDACTED]');
    expect(detailText).toContain('HTTP 201');
    const html = await page.content();
    expect(html).not.toContain(PASSWORD);
    expect(html).not.toContain(TOKEN);
    await page.screenshot({ path: screenshotPath('console-live.png'), fullPage: false });

    // DELETE removes the user from the table (and from the group's members).
    await scim('DELETE', `/Users/${alice.id}`);
    await expect.poll(() => page.locator('#users tbody tr').count()).toBe(1);
    await expect.poll(() => page.locator('#groups tbody tr .mcount').textContent()).toBe('1 member');
    expect(errors).toEqual([]);
  });
});
