/**
 * The fast paths of the 1,000-member check and of cleanup, against the reference provider in-process:
 * users are created through Bulk when advertised (else by a bounded pool of POSTs), cleanup deletes through
 * Bulk when advertised (else by a bounded pool of DELETEs), and nothing is left behind either way.
 */
import { describe, expect, it } from 'vitest';
import { createProvider } from '../../src/provider/index.ts';
import { createHttpClient } from '../../src/harness/http-client.ts';
import { discover } from '../../src/harness/discovery.ts';
import { createFixtureRegistry } from '../../src/harness/fixtures.ts';
import { runOneCheck } from '../../src/harness/runner.ts';
import { checks as groupChecks } from '../../src/harness/checks/groups.ts';

const TOKEN = 'large-fixtures-token-0001';

async function setup(opts: { bulk: boolean; breakBulk?: boolean }) {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] } });
  const seen: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchImpl = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname.replace('/scim/v2', '');
    seen.push(`${req.method} ${path.replace(/\/[0-9a-f-]{36}$/, '/:id')}`);
    if (opts.breakBulk && path === '/Bulk') return new Response('nope', { status: 500 });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      // One turn of the event loop per request, so concurrent requests really overlap.
      await new Promise((resolve) => setImmediate(resolve));
      return await provider.fetch(req);
    } finally {
      inFlight--;
    }
  };
  const baseUrl = 'http://127.0.0.1:1/scim/v2';
  const http = createHttpClient({ baseUrl, auth: { kind: 'bearer', token: TOKEN }, fetch: fetchImpl });
  const target = await discover(http, { baseUrl, prefix: 'scimcheck-big001' });
  if (!opts.bulk) target.capabilities.delete('bulk');
  const fixtures = createFixtureRegistry(target);
  const count = (line: string) => seen.filter((s) => s === line).length;
  return { provider, http, target, fixtures, seen, count, maxInFlight: () => maxInFlight, resetMax: () => void (maxInFlight = 0) };
}

const thousand = groupChecks.find((c) => c.id === 'groups.large.thousand-members');

describe('groups.large.thousand-members and cleanup', () => {
  it('through Bulk: 1,000 users in Bulk requests of 100, a whole read-back, and cleanup through Bulk', { timeout: 120_000 }, async () => {
    expect(thousand).toBeDefined();
    const env = await setup({ bulk: true });
    expect(env.target.capabilities.has('bulk')).toBe(true);
    const result = await runOneCheck(thousand!, { ...env, checkTimeoutMs: 110_000 });
    expect([result.status, result.message]).toEqual(['passed', undefined]);
    expect(env.count('POST /Bulk')).toBe(10);
    expect(env.count('POST /Users')).toBe(0);
    expect(env.count('PATCH /Groups/:id')).toBe(10);
    expect(env.fixtures.tracked().users).toHaveLength(1000);
    expect((await env.provider.store.list('User')).length).toBe(1000);

    const before = env.seen.length;
    const { reasons: warnings } = await env.fixtures.cleanup(env.http.forCheck([]));
    expect(warnings).toEqual([]);
    const cleanupCalls = env.seen.slice(before);
    // One group DELETE (Bulk needs two or more), then 10 Bulk requests of 100 user DELETEs.
    expect(cleanupCalls.filter((s) => s === 'POST /Bulk')).toHaveLength(10);
    expect(cleanupCalls.filter((s) => s.startsWith('DELETE /Users'))).toHaveLength(0);
    expect((await env.provider.store.list('User')).length).toBe(0);
    expect((await env.provider.store.list('Group')).length).toBe(0);
  });

  it('without Bulk: POSTs from a pool of at most 16, and DELETEs from a pool of at most 8', { timeout: 120_000 }, async () => {
    const env = await setup({ bulk: false });
    const result = await runOneCheck(thousand!, { ...env, checkTimeoutMs: 110_000 });
    expect(result.status).toBe('passed');
    expect(env.count('POST /Users')).toBe(1000);
    expect(env.count('POST /Bulk')).toBe(0);
    expect(env.maxInFlight()).toBeLessThanOrEqual(16);
    expect(env.maxInFlight()).toBeGreaterThan(1);
    env.resetMax();
    const { reasons: warnings } = await env.fixtures.cleanup(env.http.forCheck([]));
    expect(warnings).toEqual([]);
    expect(env.count('DELETE /Users/:id')).toBe(1000);
    expect(env.maxInFlight()).toBeLessThanOrEqual(8);
    expect(env.maxInFlight()).toBeGreaterThan(1);
    expect((await env.provider.store.list('User')).length).toBe(0);
  });

  it('cleanup falls back to one DELETE per resource when the Bulk request fails', async () => {
    const env = await setup({ bulk: true, breakBulk: true });
    const f = env.fixtures.forCheck(env.http.forCheck([]));
    for (let i = 0; i < 5; i++) await f.createUser();
    const { reasons: warnings } = await env.fixtures.cleanup(env.http.forCheck([]));
    expect(warnings).toEqual([]);
    expect(env.count('POST /Bulk')).toBe(1);
    expect(env.count('DELETE /Users/:id')).toBe(5);
    expect((await env.provider.store.list('User')).length).toBe(0);
  });
});
