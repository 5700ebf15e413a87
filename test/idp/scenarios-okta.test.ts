/**
 * The scenarios issue 13 added for Okta's habits fail against the provider faults they are meant to expose:
 * `import` against paging faults (RFC 7644 §3.4.2.4), `reassign-deactivated` against a lookup that ignores its
 * filter (RFC 7644 §3.4.2.2), and the request each Okta kind (de)activates with: a PATCH that changes nothing for the
 * OIN template (RFC 7644 §3.5.2), a PUT that keeps `active` for App Integration Wizard apps (RFC 7644 §3.5.1).
 * The passing side is the matrix in scenarios-provider.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { getProfile } from '../../src/idp/profiles/index.ts';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import { runScenario, type ScenarioRun } from '../../src/idp/scenario/runner.ts';
import { createProvider } from '../../src/provider/index.ts';

const BASE = 'http://localhost/scim/v2';
const scenarios = await loadScenarios(['import', 'reassign-deactivated']);

async function play(profile: string, scenario: string, faults: string[]): Promise<{ run: ScenarioRun; left: number }> {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] }, faults });
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) => provider.fetch(input instanceof Request ? input : new Request(input, init))) as typeof globalThis.fetch;
  const run = await runScenario(scenarios.find((s) => s.name === scenario)!, {
    profile: getProfile(profile)!,
    baseUrl: BASE,
    authorization: 'Bearer T',
    fetch,
    timeoutMs: 10_000,
    prefix: 'okf',
    deprovision: 'delete',
    sleep: async () => {},
  });
  const count = async (path: string) => (await (await fetch(`${BASE}${path}?count=1`, { headers: { authorization: 'Bearer T' } })).json()).totalResults;
  return { run, left: (await count('/Users')) + (await count('/Groups')) };
}

describe('import fails against the paging faults it reads through', () => {
  it('start-index-ignored: every page is the first, so pages overlap and the 101st is never read (okta, entra)', { timeout: 120_000 }, async () => {
    for (const profile of ['okta', 'entra']) {
      const { run, left } = await play(profile, 'import', ['start-index-ignored']);
      expect(run.ok, profile).toBe(false);
      expect(run.failure).toMatch(/^step 4 \(expect\): import: 1 of the 101 users of staff never appeared on any page: \["staff-101"\].*import: 100 users appeared on more than one page/);
      expect(left).toBe(0);
    }
  });

  it('total-results-wrong: totalResults is the page size, so the import stops after one page', { timeout: 120_000 }, async () => {
    for (const profile of ['okta', 'entra']) {
      const { run } = await play(profile, 'import', ['total-results-wrong']);
      expect(run.ok, profile).toBe(false);
      expect(run.failure).toMatch(/1 of the 101 users of staff never appeared on any page.*1 of the 101 groups of teams never appeared/);
    }
  });

  it("count-ignored: Okta's fixed step of 100 reads the tail twice; a read stepping by what it received does not", { timeout: 120_000 }, async () => {
    const okta = await play('okta', 'import', ['count-ignored']);
    expect(okta.run.ok).toBe(false);
    expect(okta.run.failure).toMatch(/import: 1 users appeared on more than one page.*import: 1 groups appeared on more than one page/);
    const entra = await play('entra', 'import', ['count-ignored']);
    expect(entra.run.failure).toBeUndefined();
  });
});

describe('reassign-deactivated fails where the match or the reactivation breaks', () => {
  it('filter-ignored: the lookup answers every account, so the IdP links the colleague instead of the person', { timeout: 60_000 }, async () => {
    for (const profile of ['okta', 'okta-aiw', 'entra', 'onelogin']) {
      const { run, left } = await play(profile, 'reassign-deactivated', ['filter-ignored']);
      expect(run.ok, profile).toBe(false);
      expect(run.failure, profile).toMatch(/^step 4 \(expect mia\): mia: expected a target user distinct from noah.s \(\S+\), got \S+ \(merged\)/);
      expect(left).toBe(0);
    }
  });

  it('patch-ignored: the OIN template (PATCH {active}) cannot deactivate or reactivate; okta-aiw (PUT) is unaffected', async () => {
    const oin = await play('okta', 'reassign-deactivated', ['patch-ignored']);
    expect(oin.run.ok).toBe(false);
    expect(oin.run.failure).toMatch(/^step 4 \(expect mia\): mia: expected active false, the target shows true/);
    const aiw = await play('okta-aiw', 'reassign-deactivated', ['patch-ignored']);
    expect(aiw.run.failure).toBeUndefined();
    expect(aiw.run.transcript.some((e) => e.request.method === 'PATCH')).toBe(false);
  });

  it('put-ignores-active: okta-aiw (GET + PUT {active}) cannot deactivate or reactivate; the OIN template (PATCH) is unaffected', async () => {
    const aiw = await play('okta-aiw', 'reassign-deactivated', ['put-ignores-active']);
    expect(aiw.run.ok).toBe(false);
    expect(aiw.run.failure).toMatch(/^step 4 \(expect mia\): mia: expected active false, the target shows true/);
    const oin = await play('okta', 'reassign-deactivated', ['put-ignores-active']);
    expect(oin.run.failure).toBeUndefined();
  });
});
