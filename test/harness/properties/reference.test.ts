/**
 * Against the reference provider every property passes; through propertySuite the results have the
 * report shape (one CheckResult per property, suite 'properties', MUST, cited).
 */
import { describe, expect, test } from 'vitest';
import { PROPERTIES, propertySuite } from '../../../src/harness/properties/suite.ts';
import { isKnownSection } from '../../../src/scim/citations.ts';
import { createProvider } from '../../../src/provider/index.ts';
import { BASE, TOKEN } from './helpers.ts';

describe('property suite against the reference provider', () => {
  test('every property passes (30 runs each) with one cited MUST result per property', async () => {
    const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] } });
    const suite = propertySuite({ numRuns: 30, seed: 424242 });
    expect(suite.name).toBe('properties');
    const results = await suite.run({ baseUrl: BASE, authorization: `Bearer ${TOKEN}`, fetch: (r) => provider.fetch(r as Request), timeoutMs: 10_000, prefix: 'scimcheck-ref' });
    expect(results.map((r) => r.id)).toEqual(PROPERTIES.map((p) => `property.${p.name}`));
    for (const r of results) {
      expect(r, `${r.id}: ${r.message}`).toMatchObject({ suite: 'properties', level: 'MUST', status: 'passed' });
      expect(r.message).toContain('30 runs, seed 424242');
      const m = /^RFC(7643|7644) §([\d.]+)$/.exec(r.rfc);
      expect(m && isKnownSection(Number(m[1]), m[2]!), r.rfc).toBe(true);
    }
    // The suite cleans up after itself: nothing with the run prefix is left on the target.
    const left = await provider.fetch(new Request(`${BASE}/Users?filter=${encodeURIComponent('userName sw "scimcheck-ref"')}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect((await left.json()).totalResults).toBe(0);
    const groups = await provider.fetch(new Request(`${BASE}/Groups?filter=${encodeURIComponent('displayName sw "scimcheck-ref"')}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect((await groups.json()).totalResults).toBe(0);
  }, 120_000);
});
