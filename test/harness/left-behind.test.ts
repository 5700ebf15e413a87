/**
 * Issue 10 #8 end to end: what cleanup cannot delete is reported once — `leftBehind` in report.json and one
 * warning line — never one warning per resource. Against the reference provider on a loopback port, behind a
 * wrapper that refuses to DELETE users and answers every Bulk request with 500.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.ts';
import { serveOnLoopback, type Loopback } from './loopback.ts';
import { createProvider } from '../../src/provider/index.ts';

const TOKEN = 'left-behind-token-0001';
let server: Loopback;
let base: string;
const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] } });

beforeAll(async () => {
  const refusingDeletes = (req: Request) =>
    (req.method === 'DELETE' && /\/Users\/[^/]+$/.test(new URL(req.url).pathname)) || new URL(req.url).pathname.endsWith('/Bulk')
      ? new Response(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500', detail: 'no deleting today' }), { status: 500, headers: { 'content-type': 'application/scim+json' } })
      : provider.fetch(req);
  server = await serveOnLoopback(refusingDeletes);
  base = `${server.origin}/scim/v2`;
});

afterAll(async () => {
  await server.close();
});

afterEach(() => vi.restoreAllMocks());

describe('what cleanup leaves behind', () => {
  it('is in report.json as leftBehind and in ONE console warning with the count and first ids', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((l) => void lines.push(String(l)));
    vi.spyOn(console, 'error').mockImplementation((l) => void lines.push(String(l)));
    vi.spyOn(process.stdout, 'write').mockImplementation((l) => (lines.push(String(l)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((l) => (lines.push(String(l)), true));
    const out = mkdtempSync(join(tmpdir(), 'scimcheck-left-behind-'));
    const code = await main(['run', '--target', base, '--auth-bearer', TOKEN, '--suite', 'conformance', '--only', 'users.get.round-trip,users.create.returns-201', '--out', out]);
    expect(code).toBe(0);
    const stored = (await provider.store.list('User')).map((u) => String((u as { id: unknown }).id)).sort();
    expect(stored.length).toBeGreaterThanOrEqual(2);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect({ users: [...report.leftBehind.users].sort(), groups: report.leftBehind.groups }).toEqual({ users: stored, groups: [] });
    const warnings = lines.join('').split('\n').filter((l) => l.includes('cleanup left'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`cleanup left ${stored.length} users on the target (`);
    expect(warnings[0]).toContain('returned 500');
  });
});
