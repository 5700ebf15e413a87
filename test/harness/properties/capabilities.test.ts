/**
 * Capability-aware: a target that does not advertise PATCH, filter or sort (RFC 7643 §5) is never sent
 * them, the properties that need them are skipped with the reason, and the rest still run.
 */
import { describe, expect, test } from 'vitest';
import { propertySuite } from '../../../src/harness/properties/suite.ts';
import { createProvider } from '../../../src/provider/index.ts';
import { BASE, TOKEN } from './helpers.ts';

describe('capability-aware generation', () => {
  test('without patch / filter / sort in the SPC: no PATCH, no filter, no sortBy is sent; those properties are skipped', async () => {
    const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] } });
    const seen: { method: string; url: URL }[] = [];
    const fetchLike = async (req: Request): Promise<Response> => {
      const url = new URL(req.url);
      seen.push({ method: req.method, url });
      const res = await provider.fetch(req);
      if (!url.pathname.endsWith('/ServiceProviderConfig')) return res;
      const spc = await res.json();
      for (const k of ['patch', 'filter', 'sort']) spc[k] = { ...spc[k], supported: false };
      return new Response(JSON.stringify(spc), { status: 200, headers: { 'content-type': 'application/scim+json' } });
    };
    const results = await propertySuite({ numRuns: 15, seed: 3 }).run({ baseUrl: BASE, authorization: `Bearer ${TOKEN}`, fetch: fetchLike as typeof fetch, timeoutMs: 10_000, prefix: 'scimcheck-caps' });
    const status = Object.fromEntries(results.map((r) => [r.id, r.status]));
    expect(status).toEqual({
      'property.users-model': 'passed',
      'property.groups-model': 'passed',
      'property.filter-equivalence': 'skipped',
      'property.paging': 'skipped',
      'property.patch-model': 'skipped',
      'property.patch-idempotent': 'skipped',
      'property.patch-atomic': 'skipped',
      'property.bad-input': 'passed',
    });
    expect(results.find((r) => r.id === 'property.patch-model')!.message).toMatch(/does not advertise patch/);
    expect(seen.length).toBeGreaterThan(50);
    expect(seen.filter((s) => s.method === 'PATCH')).toEqual([]);
    expect(seen.filter((s) => s.url.searchParams.has('filter') || s.url.searchParams.has('sortBy'))).toEqual([]);
  }, 120_000);

  test('a target without a Group resource type skips the groups model', async () => {
    const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] } });
    const fetchLike = async (req: Request): Promise<Response> => {
      const res = await provider.fetch(req);
      if (!new URL(req.url).pathname.endsWith('/ResourceTypes')) return res;
      const body = await res.json();
      body.Resources = body.Resources.filter((rt: { name: string }) => rt.name !== 'Group');
      body.totalResults = body.Resources.length;
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/scim+json' } });
    };
    const results = await propertySuite({ numRuns: 5, seed: 3, only: ['groups-model'] }).run({ baseUrl: BASE, authorization: `Bearer ${TOKEN}`, fetch: fetchLike as typeof fetch, timeoutMs: 10_000, prefix: 'scimcheck-nogroups' });
    expect(results.find((r) => r.id === 'property.groups-model')).toMatchObject({ status: 'skipped', message: expect.stringContaining('Group') });
  }, 60_000);
});
