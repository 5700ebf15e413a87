/**
 * Every property against each RFC-legal provider variant (src/provider/variants.ts), in process: a legal choice is
 * never a failure (PATCH 204, eq-only filters, no Resources in an empty list, capped pages, integer ids, required
 * emails, weak ETags, a minimal User schema, DELETE that disables with `deprovision: disable`). A property may be
 * skipped only with the target's reason, and a pass names what it could not compare.
 */
import { describe, expect, test } from 'vitest';
import { propertySuite } from '../../../src/harness/properties/suite.ts';
import { createProvider } from '../../../src/provider/index.ts';
import { VARIANTS, type Variant, type VariantName } from '../../../src/provider/variants.ts';
import { BASE, TOKEN } from './helpers.ts';

function run(variants: VariantName[], deprovision: 'delete' | 'disable', prefix: string) {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] }, variants });
  const fetchLike = ((r: Request) => provider.fetch(r)) as typeof fetch;
  return propertySuite({ numRuns: 15, seed: 2, deprovision }).run({ baseUrl: BASE, authorization: `Bearer ${TOKEN}`, fetch: fetchLike, timeoutMs: 10_000, prefix });
}

const names = Object.keys(VARIANTS) as VariantName[];

describe.each(names)('variant %s', (variant) => {
  test('no property fails or errors', async () => {
    const results = await run([variant], (VARIANTS[variant] as Variant).harness?.deprovision ?? 'delete', `scimcheck-v-${variant}`);
    expect(results.filter((r) => r.status === 'failed' || r.status === 'errored').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    // Every property applies to every variant: each one still offers a way to scope a list to the run.
    expect(results.filter((r) => r.status === 'skipped').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
  }, 300_000);
});

describe('eq-only filters (RFC 7644 §3.12 invalidFilter)', () => {
  test('lists are scoped by a tag attribute and filters use only what the target answers; a wrong answer is still caught', async () => {
    const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] }, variants: ['eq-only-filters'] });
    const lists: { filter: string; status: number }[] = [];
    const recording = (async (r: Request) => {
      const res = await provider.fetch(r);
      const filter = new URL(r.url).searchParams.get('filter');
      if (r.method === 'GET' && filter?.startsWith('displayName eq "scimcheck-v-eqonly')) lists.push({ filter, status: res.status });
      return res;
    }) as typeof fetch;
    const rs = await propertySuite({ numRuns: 15, seed: 2, only: ['filter-equivalence', 'paging', 'users-model'] }).run({ baseUrl: BASE, authorization: `Bearer ${TOKEN}`, fetch: recording, timeoutMs: 10_000, prefix: 'scimcheck-v-eqonly' });
    expect(rs.filter((r) => r.status !== 'skipped').map((r) => [r.id, r.status])).toEqual([
      ['property.users-model', 'passed'],
      ['property.filter-equivalence', 'passed'],
      ['property.paging', 'passed'],
    ]);
    // Scoped by `displayName eq "<run prefix>"` (no `sw`), and the generated filters were answered, not refused.
    expect(lists.length).toBeGreaterThan(30);
    expect(lists.filter((l) => l.status !== 200)).toEqual([]);
    expect(lists.some((l) => / and /.test(l.filter))).toBe(true);
    // The same target with a real filter bug on top fails.
    const faulty = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] }, variants: ['eq-only-filters'], faults: ['filter-case-sensitive'] });
    const fs = await propertySuite({ numRuns: 40, seed: 3, only: ['filter-equivalence'] }).run({ baseUrl: BASE, authorization: `Bearer ${TOKEN}`, fetch: ((q: Request) => faulty.fetch(q)) as typeof fetch, timeoutMs: 10_000, prefix: 'scimcheck-v-eqonly-f' });
    expect(fs.find((r) => r.id === 'property.filter-equivalence')).toMatchObject({ status: 'failed' });
  }, 300_000);
});

describe('every variant at once', () => {
  test('no property fails or errors', async () => {
    const all = names.filter((n) => n !== 'slow-bad-login');
    const results = await run(all, 'disable', 'scimcheck-v-all');
    expect(results.filter((r) => r.status === 'failed' || r.status === 'errored').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
  }, 300_000);
});
