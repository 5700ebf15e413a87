/**
 * Issue 10, "Missed bugs": every check added for a bug the harness used to miss passes against the strict
 * reference provider and fails at its level (MUST → failed, SHOULD/MAY → warned) against a provider carrying the
 * fault that shows the bug. In-process (the provider's fetch handler), so no port is opened.
 */
import { describe, expect, it } from 'vitest';
import { createProvider } from '../../src/provider/create-provider.ts';
import { createHttpClient } from '../../src/harness/http-client.ts';
import { discover } from '../../src/harness/discovery.ts';
import { createFixtureRegistry } from '../../src/harness/fixtures.ts';
import { runSuites } from '../../src/harness/runner.ts';
import { allChecks } from '../../src/harness/checks/index.ts';
import { FAULT_CATCHES } from '../../src/harness/self-test.ts';
import type { CheckResult } from '../../src/harness/check.ts';
import { VARIANTS } from '../../src/provider/variants.ts';

const TOKEN = 'missed-bugs-token';
const BASE = 'http://127.0.0.1:9/scim/v2';

/** Runs the checks selected by `only` against a fresh in-process provider with these faults (and legal variants). */
async function run(faults: string[], only: string[], variants: string[] = []): Promise<Map<string, CheckResult>> {
  const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] }, faults, variants });
  const http = createHttpClient({ baseUrl: BASE, auth: { kind: 'bearer', token: TOKEN }, fetch: (req) => provider.fetch(req) });
  // A target that disables on DELETE is told so, as a user would in scimcheck.config.json.
  const config = variants.includes('disable-on-delete') ? { deprovision: 'disable' as const } : {};
  const target = await discover(http, { baseUrl: BASE, prefix: 'scimcheck-mb0001', config });
  const out = await runSuites({ checks: allChecks(), target, http, fixtures: createFixtureRegistry(target), only });
  await provider.close();
  return new Map(out.results.filter((r) => r.status !== 'skipped' || !r.message?.startsWith('left out')).map((r) => [r.id, r]));
}

/** The checks this issue added (and the one it made assert what its title says), with the fault each catches. */
const NEW_CHECKS: Record<string, string[]> = {
  'projection.attributes.single': ['schemas-dropped-by-projection'],
  'projection.excluded.schemas-returned': ['schemas-dropped-by-projection'],
  'projection.list.schemas-returned': ['schemas-dropped-by-projection'],
  'search.users.schemas-returned': ['schemas-dropped-by-projection'],
  'validation.multivalued.type-outside-canonical-values': ['non-canonical-type-refused'],
  'filter.value.literal-dot': ['filter-values-as-regex'],
  'filter.value.literal-plus': ['filter-values-as-regex'],
  'filter.value.literal-parentheses': ['filter-values-as-regex'],
  'filter.value.literal-wildcard': ['filter-values-as-regex'],
  'filter.value.literal-email': ['filter-values-as-regex'],
  'filter.eq.bare-lookup-case-insensitive': ['bare-lookup-case-sensitive', 'username-case-sensitive', 'filter-case-sensitive'],
  'filter.case-folding.sw': ['case-insensitive-eq-only', 'filter-case-sensitive'],
  'filter.case-folding.co': ['case-insensitive-eq-only', 'filter-case-sensitive'],
  'filter.case-folding.ew': ['case-insensitive-eq-only', 'filter-case-sensitive'],
  'filter.case-folding.ne': ['case-insensitive-eq-only', 'filter-case-sensitive'],
  'patch.atomic.refused-write-unchanged': ['patch-not-atomic'],
  'search.users.never-creates': ['search-creates'],
  'bulk.response.status-string': ['bulk-status-number'],
  'bulk.response.delete-location': ['bulk-delete-no-location'],
  'users.create.location-names-id': ['location-undefined'],
  'validation.multivalued.untyped-values': ['untyped-duplicates-500'],
  'groups.delete.unknown-404': ['delete-unknown-500'],
  'bulk.delete.unknown-404': ['delete-unknown-500'],
};

const FAULTS = [...new Set(Object.values(NEW_CHECKS).flat())];

function failingStatus(r: CheckResult): string {
  return r.level === 'MUST' ? 'failed' : 'warned';
}

describe('checks for bugs the harness used to miss', () => {
  it('every one passes against the strict provider', { timeout: 60_000 }, async () => {
    const results = await run([], Object.keys(NEW_CHECKS));
    const notPassing = Object.keys(NEW_CHECKS)
      .map((id) => results.get(id))
      .filter((r) => r?.status !== 'passed')
      .map((r) => `${r?.id}: ${r?.status} ${r?.message ?? ''}`);
    expect(notPassing).toEqual([]);
  });

  it('every one is in the fault table for the faults it catches', () => {
    for (const [id, faults] of Object.entries(NEW_CHECKS)) {
      for (const fault of faults) expect(FAULT_CATCHES[fault]?.mustFail, `${fault} lists ${id}`).toContain(id);
    }
  });

  for (const fault of FAULTS) {
    const caught = Object.entries(NEW_CHECKS)
      .filter(([, faults]) => faults.includes(fault))
      .map(([id]) => id);
    it(`${fault}: ${caught.join(', ')} fail at their level`, { timeout: 60_000 }, async () => {
      const results = await run([fault], caught);
      const missed = caught
        .map((id) => results.get(id))
        .filter((r) => !r || r.status !== failingStatus(r))
        .map((r) => `${r?.id}: ${r?.status} ${r?.message ?? ''}`);
      expect(missed).toEqual([]);
      // The harness itself never broke on the faulty answers.
      expect([...results.values()].filter((r) => r.status === 'errored').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    });
  }

  // Issue 10 "Legal variants": an RFC-legal server never fails these checks (a warning only where the RFC says SHOULD).
  for (const variant of Object.keys(VARIANTS)) {
    it(`no false alarm on the legal variant ${variant}`, { timeout: 60_000 }, async () => {
      const results = await run([], Object.keys(NEW_CHECKS), [variant]);
      const alarms = [...results.values()]
        .filter((r) => r.status === 'failed' || r.status === 'errored' || (r.status === 'warned' && r.level !== 'SHOULD'))
        .map((r) => `${r.id}: ${r.status} ${r.message ?? ''}`);
      expect(alarms).toEqual([]);
    });
  }
});
