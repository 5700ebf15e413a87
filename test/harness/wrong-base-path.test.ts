/**
 * Issue 10 #7: `scimcheck run --target` pointing at a path that is not a SCIM base URL ends in ONE line and exit 3,
 * naming the usual base path on the same origin that does answer SCIM; rejected credentials stay "credentials
 * rejected". Against the reference provider mounted at /scim/v2 on a loopback port.
 */
import { afterAll, beforeAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.ts';
import { serveOnLoopback, type Loopback } from './loopback.ts';
import { createProvider } from '../../src/provider/index.ts';

const TOKEN = 'wrong-base-path-token-0001';
let server: Loopback;
let origin: string;

beforeAll(async () => {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] } });
  server = await serveOnLoopback((req) => provider.fetch(req));
  origin = server.origin;
});

afterAll(async () => {
  await server.close();
});

afterEach(() => vi.restoreAllMocks());

async function runAgainst(target: string, token: string): Promise<{ code: number; lines: string[] }> {
  const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const out = mkdtempSync(join(tmpdir(), 'scimcheck-wrong-base-'));
  const code = await main(['run', '--target', target, '--auth-bearer', token, '--suite', 'conformance', '--quiet', '--out', out]);
  return { code, lines: [...err.mock.calls, ...log.mock.calls].map((c) => String(c[0])) };
}

describe('scimcheck run --target with a wrong base path', () => {
  it('exits 3 with one line that names the base path that answers', async () => {
    const { code, lines } = await runAgainst(`${origin}/wrong/v2`, TOKEN);
    expect(code).toBe(3);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(lines[0]).toMatch(/^scimcheck run: http:\/\/127\.0\.0\.1:\d+\/wrong\/v2 is not a SCIM base URL: GET \/wrong\/v2\/ServiceProviderConfig answered 404/);
    expect(lines[0]).toContain(`did you mean --target ${origin}/scim/v2?`);
  });

  it('rejected credentials stay "credentials rejected" (exit 3), not a base-path hint', async () => {
    const { code, lines } = await runAgainst(`${origin}/scim/v2`, 'not-the-token');
    expect(code).toBe(3);
    expect(lines).toEqual(['scimcheck run: the target rejected the credentials (GET /ServiceProviderConfig returned 401)']);
  });
});
