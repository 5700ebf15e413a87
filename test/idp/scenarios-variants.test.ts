/**
 * Every scenario × profile against each RFC-legal provider variant (src/provider/variants.ts), in process: a
 * legal choice is never a failure. What the target legally refuses of an IdP's habits is `skipped` with the
 * reason, and only where the variant explains it.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../../src/idp/profiles/index.ts';
import { scenarioSuite } from '../../src/idp/scenario-suite.ts';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import { createProvider } from '../../src/provider/index.ts';
import { VARIANTS, type Variant, type VariantName } from '../../src/provider/variants.ts';
import { scaledScenarioFiles } from './scaled-scenarios.ts';

const BASE = 'http://localhost/scim/v2';

function target(variants: VariantName[]) {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] }, variants });
  return ((input: RequestInfo | URL, init?: RequestInit) => provider.fetch(input instanceof Request ? input : new Request(input, init))) as typeof fetch;
}

/** What a variant may legally make a scenario skip (never fail), by result id pattern → reason pattern. */
const EXPECTED_SKIPS: Partial<Record<VariantName, [RegExp, RegExp][]>> = {
  // Entra PATCHes title and enterprise attributes the minimal User schema does not declare.
  // Entra reads the user first and re-asserts the enterprise department the target dropped on create.
  'minimal-schema': [[/^scenario\.entra(-2020)?\.update-attributes$/, /writes '(title|enterprise:department)'.*which the target's User schema does not declare/]],
  // Entra matches on the work email with emails[type eq "work"].value eq "…", a value filter this target refuses.
  'eq-only-filters': [[/^scenario\.entra(-2020)?\.duplicate-upn$/, /does not support the filter emails\[type eq "work"\]\.value eq/]],
  // Okta's import steps startIndex by 100 whatever a page holds; 10 per page is the target's right (RFC 7644 §3.4.2.4).
  'small-max-results': [[/^scenario\.okta(-aiw)?\.import$/, /steps startIndex by 100 whatever a page holds.*MAY return fewer results/]],
  // A deletion behind the IdP's back cannot exist where DELETE keeps the user.
  'disable-on-delete': [[/\.manual-delete-drift$/, /^not applicable: the target deprovisions by disabling/]],
};

const names = Object.keys(VARIANTS) as VariantName[];
/** Every scenario file ships, so the suite plays each one per profile. */
const SCENARIO_COUNT = (await loadScenarios(['all'])).length;
/** Big batches cut to 120 people (still several member PATCHes and list pages): see scaled-scenarios.ts. */
const SCENARIOS = scaledScenarioFiles(120);

describe.each(names)('variant %s', (variant) => {
  it('every scenario × profile passes or is skipped for a stated legal reason; none fails or errors', { timeout: 600_000 }, async () => {
    const deprovision = (VARIANTS[variant] as Variant).harness?.deprovision ?? 'delete';
    // slow-bad-login only slows refused credentials; scenarios always send good ones.
    const suite = scenarioSuite({ profiles: PROFILE_NAMES, deprovision, scenarios: SCENARIOS });
    const results = await suite.run({ baseUrl: BASE, authorization: 'Bearer T', fetch: target([variant]), timeoutMs: 10_000, prefix: `var-${variant}` });
    expect(results).toHaveLength(PROFILE_NAMES.length * SCENARIO_COUNT);
    const bad = results.filter((r) => r.status === 'failed' || r.status === 'errored').map((r) => `${r.id}: ${r.message}`);
    expect(bad).toEqual([]);
    const allowed = EXPECTED_SKIPS[variant] ?? [];
    for (const r of results.filter((x) => x.status === 'skipped')) {
      const rule = allowed.find(([id]) => id.test(r.id));
      expect(rule, `${r.id} skipped unexpectedly: ${r.message}`).toBeTruthy();
      expect(r.message).toMatch(rule![1]);
    }
  });
});

describe('every variant at once', () => {
  it('scenarios pass or are skipped for a stated reason', { timeout: 600_000 }, async () => {
    const all = names.filter((n) => n !== 'slow-bad-login');
    const results = await scenarioSuite({ profiles: PROFILE_NAMES, deprovision: 'disable', scenarios: SCENARIOS }).run({ baseUrl: BASE, authorization: 'Bearer T', fetch: target(all), timeoutMs: 10_000, prefix: 'var-all' });
    expect(results.filter((r) => r.status === 'failed' || r.status === 'errored').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    for (const r of results.filter((x) => x.status === 'skipped')) expect(r.message, r.id).toMatch(/^not applicable/);
  });
});
