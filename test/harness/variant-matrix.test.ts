/**
 * Issue 10, "Legal variants": the whole conformance suite against every RFC-legal provider variant alone and
 * against all of them at once draws no failure and no harness error; a warning only where the check quotes a
 * SHOULD. And the mirror: the faults are still caught when they sit on top of the `minimal-schema` variant (a
 * target that declares almost nothing optional). Scenarios and property suites have their own variant matrices
 * (test/idp/scenarios-variants.test.ts, test/harness/properties/variants.test.ts).
 *
 * In process (the provider's fetch handler): no port is opened, and a run takes a few seconds.
 */
import { describe, expect, it } from 'vitest';
import { createProvider } from '../../src/provider/create-provider.ts';
import { VARIANTS, type Variant, type VariantName } from '../../src/provider/variants.ts';
import { createHttpClient } from '../../src/harness/http-client.ts';
import { discover } from '../../src/harness/discovery.ts';
import { createFixtureRegistry } from '../../src/harness/fixtures.ts';
import { runSuites } from '../../src/harness/runner.ts';
import { allChecks } from '../../src/harness/checks/index.ts';
import { FAULT_CATCHES, judgeFault } from '../../src/harness/self-test.ts';
import type { CheckResult } from '../../src/harness/check.ts';

const TOKEN = 'variant-matrix-token';
const BASE = 'http://127.0.0.1:9/scim/v2';

async function conformance(variants: VariantName[], faults: string[] = [], only: string[] = []): Promise<CheckResult[]> {
  const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] }, variants, faults });
  try {
    const http = createHttpClient({ baseUrl: BASE, auth: { kind: 'bearer', token: TOKEN }, fetch: (req) => provider.fetch(req) });
    // What a user states in scimcheck.config.json for such a target (VARIANTS[...].harness), e.g. deprovision: disable.
    const deprovision = variants.map((v) => (VARIANTS[v] as Variant).harness?.deprovision).find((d) => d !== undefined);
    const config = deprovision ? { deprovision } : {};
    const target = await discover(http, { baseUrl: BASE, prefix: 'scimcheck-vm0001', config });
    const out = await runSuites({ checks: allChecks(), target, http, fixtures: createFixtureRegistry(target, config), only, concurrency: 8 });
    return out.results;
  } finally {
    await provider.close();
  }
}

/** Results a legal target must never draw: failed, errored, or a warning from a check that quotes no SHOULD. */
function falseAlarms(results: CheckResult[]): string[] {
  return results
    .filter((r) => r.status === 'failed' || r.status === 'errored' || (r.status === 'warned' && r.level !== 'SHOULD'))
    .map((r) => `${r.id} (${r.level} ${r.status}): ${r.message ?? ''}`);
}

const names = Object.keys(VARIANTS) as VariantName[];

describe('conformance against every legal variant', () => {
  it.each(names)('%s: no false alarm', { timeout: 180_000 }, async (variant) => {
    const results = await conformance([variant]);
    expect(results.length).toBe(allChecks().length);
    expect(falseAlarms(results)).toEqual([]);
    // The variant did not just make everything skip: most checks still looked.
    expect(results.filter((r) => r.status === 'passed').length).toBeGreaterThan(results.length / 2);
  });

  it('every variant at once: no false alarm', { timeout: 300_000 }, async () => {
    const results = await conformance(names);
    expect(falseAlarms(results)).toEqual([]);
    expect(results.filter((r) => r.status === 'passed').length).toBeGreaterThan(results.length / 3);
  });
});

/** Faults that cannot show on a target declaring almost nothing optional, and why. */
const NOT_APPLICABLE_ON_MINIMAL: Record<string, string> = {
  'password-echoed': 'the minimal User schema declares no password, so there is none to echo (the password checks skip)',
  'password-in-error-detail': 'the minimal User schema declares no password, so no refusal can quote one (the password checks skip)',
  'schemas-core-only': 'minimal-schema declares no User extension, so no resource holds attributes of a schema it could leave out',
};

describe('faults on top of minimal-schema are still caught', () => {
  const faults = Object.keys(FAULT_CATCHES).filter((f) => !(f in NOT_APPLICABLE_ON_MINIMAL));
  it.each(faults)('%s', { timeout: 120_000 }, async (fault) => {
    const expectation = FAULT_CATCHES[fault];
    const results = await conformance(['minimal-schema'], [fault], expectation?.only ?? []);
    const byId = new Map(results.map((r) => [r.id, r]));
    // A listed check may legitimately skip where the minimal schema lacks what it needs (say, `title`); every one
    // that did look must have caught the fault, and at least one must have.
    const looked = (expectation?.mustFail ?? []).filter((id) => byId.get(id)?.status !== 'skipped');
    const row = judgeFault(fault, expectation ? { ...expectation, mustFail: looked } : undefined, results);
    expect({ missing: row.missing, errored: row.errored }).toEqual({ missing: [], errored: [] });
    expect(looked.length, `no check listed for ${fault} could run on minimal-schema`).toBeGreaterThan(0);
  });
});
