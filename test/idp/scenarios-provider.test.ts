/**
 * Every scenario × profile × deprovisioning policy against the reference provider (in process, through its
 * fetch handler), and the provider faults that break a scenario's premise make that scenario fail readably.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, getProfile } from '../../src/idp/profiles/index.ts';
import { scenarioSuite } from '../../src/idp/scenario-suite.ts';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import { runScenario, type ScenarioRun } from '../../src/idp/scenario/runner.ts';
import { createProvider } from '../../src/provider/index.ts';
import { minimalTarget, type Hidden } from './minimal-target.ts';

const BASE = 'http://localhost/scim/v2';
const scenarios = await loadScenarios(['all']);

/** The provider is set up with the same deprovisioning policy the scenario declares (Files.com-style, docs/policy.md). */
function target(faults: string[] = [], deprovision: 'delete' | 'disable' = 'delete', hidden?: Hidden) {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] }, faults, policy: { deprovision } });
  const inner = (r: Request) => provider.fetch(r);
  const f = hidden ? minimalTarget(inner, hidden) : (((input: RequestInfo | URL, init?: RequestInit) => inner(input instanceof Request ? input : new Request(input, init))) as typeof fetch);
  return { fetch: f };
}

async function play(profile: string, scenario: string, deprovision: 'delete' | 'disable', faults: string[] = [], hidden?: Hidden): Promise<{ run: ScenarioRun; left: number }> {
  const t = target(faults, deprovision, hidden);
  const sc = scenarios.find((s) => s.name === scenario)!;
  const run = await runScenario(sc, {
    profile: getProfile(profile)!,
    baseUrl: BASE,
    authorization: 'Bearer T',
    fetch: t.fetch,
    timeoutMs: 10000,
    prefix: 'sc-t1',
    deprovision,
    sleep: async () => {},
  });
  // Under the disable policy a DELETE keeps the record inactive for audit, so what must be gone is every active user.
  const userQuery = deprovision === 'disable' ? `filter=${encodeURIComponent('active eq true')}&count=1` : 'count=1';
  const users = await (await t.fetch(`${BASE}/Users?${userQuery}`, { headers: { authorization: 'Bearer T' } })).json();
  const groups = await (await t.fetch(`${BASE}/Groups?count=1`, { headers: { authorization: 'Bearer T' } })).json();
  return { run, left: users.totalResults + groups.totalResults };
}

describe.each(PROFILE_NAMES)('profile %s against the reference provider', (profile) => {
  for (const deprovision of ['delete', 'disable'] as const) {
    for (const sc of scenarios) {
      // The 1,000-member push does not depend on the policy: it runs once per profile.
      if (sc.name === 'push-groups' && deprovision === 'disable') continue;
      // Its premise is a deletion in the target behind the IdP's back, which a disable-policy target cannot have.
      if (sc.name === 'manual-delete-drift' && deprovision === 'disable') continue;
      // The 1,000-member push makes ~1,100 requests; give it room on a shared 2-core machine.
      const timeout = sc.name === 'push-groups' ? 300_000 : 120_000;
      it(`${sc.name} passes (deprovision: ${deprovision}) and leaves nothing behind`, { timeout }, async () => {
        const { run, left } = await play(profile, sc.name, deprovision);
        expect(run.failure).toBeUndefined();
        expect(run.steps.every((s) => s.ok)).toBe(true);
        expect(run.cleanupProblems).toEqual([]);
        expect(left).toBe(0);
      });
    }
  }
});

describe('a scenario whose premise the target cannot have is skipped, never failed', () => {
  it('manual-delete-drift under deprovision: disable sends nothing and says why', async () => {
    for (const profile of PROFILE_NAMES) {
      const { run, left } = await play(profile, 'manual-delete-drift', 'disable');
      expect(run.ok).toBe(true);
      expect(run.failure).toBeUndefined();
      expect(run.skipped).toMatch(/^not applicable: the target deprovisions by disabling \(deprovision: disable\); its premise, an account deleted in the target behind the IdP's back, cannot exist there/);
      expect(run.transcript).toEqual([]);
      expect(left).toBe(0);
    }
    const suite = scenarioSuite({ profiles: ['okta'], scenarios: ['manual-delete-drift'], deprovision: 'disable' });
    const [r] = await suite.run({ baseUrl: BASE, authorization: 'Bearer T', fetch: target([], 'disable').fetch, timeoutMs: 10000, prefix: 'suite' });
    expect(r).toMatchObject({ id: 'scenario.okta.manual-delete-drift', status: 'skipped', message: expect.stringMatching(/^not applicable: /) });
  });
});

describe('a target without User.groups (RFC 7643 §4.1.2 makes it optional): membership is read from the groups', () => {
  const noGroups: Hidden = { attrs: ['groups'] };

  for (const profile of ['okta', 'entra-2020']) {
    it(`rename-user and disable-vs-delete pass for ${profile}, verified through Group members`, { timeout: 120_000 }, async () => {
      for (const [scenario, deprovision] of [['rename-user', 'delete'], ['disable-vs-delete', 'disable']] as const) {
        const { run, left } = await play(profile, scenario, deprovision, [], noGroups);
        expect(run.failure).toBeUndefined();
        expect(run.skipped).toBeUndefined();
        expect(left).toBe(0);
        // The verifier never asked User.groups: it read the groups' members instead, and says so.
        if (scenario === 'rename-user') expect(run.steps.find((s) => s.label === 'expect carol')!.detail).toMatch(/membership read from the groups' members \(User\.groups: the target's User schema does not declare groups\)/);
      }
    });
  }

  it('push-groups passes (agreement of User.groups not compared, and said so)', { timeout: 300_000 }, async () => {
    const { run, left } = await play('onelogin', 'push-groups', 'delete', [], noGroups);
    expect(run.failure).toBeUndefined();
    expect(left).toBe(0);
    expect(run.steps.find((s) => s.index === 5)!.detail).toMatch(/members' groups not compared: the target's User schema does not declare groups/);
    expect(run.steps.find((s) => s.index === 11)!.detail).toMatch(/gina .* as expected; membership read from the groups' members/);
  });

  it('a member that is not removed is still caught through the group (member-removal-ignored)', { timeout: 300_000 }, async () => {
    const { run } = await play('okta', 'push-groups', 'delete', ['member-removal-ignored'], noGroups);
    expect(run.ok).toBe(false);
    expect(run.failure).toMatch(/^step 10 \(expect eng\): group eng: members differ/);
  });
});

describe('optional attributes the target does not declare are neither verified nor blamed', () => {
  const minimal: Hidden = { attrs: ['groups', 'title'], enterprise: true };

  it('Okta (PUT, unknown attributes ignored): update-attributes passes and names what it did not verify', async () => {
    const { run, left } = await play('okta', 'update-attributes', 'delete', [], minimal);
    expect(run.failure).toBeUndefined();
    expect(run.skipped).toBeUndefined();
    expect(left).toBe(0);
    const last = run.steps.at(-1)!;
    expect(last.detail).toMatch(/; not verified \(not declared by the target's User schema\): title, enterprise:organization, enterprise:department, enterprise:employeeNumber$/);
  });

  it("Entra (PATCH per attribute): the target's 400 invalidPath for title is its right; the scenario is skipped with the reason", async () => {
    const { run, left } = await play('entra', 'update-attributes', 'delete', [], minimal);
    expect(run.ok).toBe(true);
    expect(run.failure).toBeUndefined();
    expect(left).toBe(0);
    // Entra reads bob first and re-asserts the department the target dropped on create (it diffs against what the
    // target holds), so the first update already writes it.
    expect(run.skipped).toMatch(/^not applicable from step 2 \(update bob\): Microsoft Entra ID \(default scim job\) writes 'enterprise:department', which the target's User schema does not declare \(PATCH \/Users\/\S+ → 400 invalidPath\)/);
    expect(run.steps.at(-1)).toMatchObject({ index: 2, ok: true, notApplicable: true });
    expect(run.steps.slice(0, 1).every((s) => s.ok && !s.notApplicable)).toBe(true);
  });

  it('a target that loses a declared attribute still fails (patch-ignored under the minimal schema)', async () => {
    // rename-user's carol has only declared attributes (update-attributes' bob has a department this schema lacks,
    // which Entra re-asserts at its first update: a legal refusal that would stop the scenario first).
    const { run } = await play('entra-2020', 'rename-user', 'delete', ['patch-ignored'], minimal);
    expect(run.ok).toBe(false);
    expect(run.failure).toMatch(/expected name\.familyName "Reyes", the target shows "Diaz"/);
  });
});

describe('provider faults that break a scenario premise fail it with a readable reason', () => {
  it('username-case-sensitive breaks duplicate-upn', { timeout: 120_000 }, async () => {
    for (const profile of ['okta', 'entra']) {
      const { run, left } = await play(profile, 'duplicate-upn', 'delete', ['username-case-sensitive']);
      expect(run.ok).toBe(false);
      // Cleanup runs after a failure too.
      expect(left).toBe(0);
      expect(run.failure).toMatch(/assign dana-upper: expected conflict, got created — the target answered POST \/scim\/v2\/Users → 201/);
    }
  });

  it('member-removal-ignored breaks push-groups', { timeout: 120_000 }, async () => {
    const { run } = await play('entra', 'push-groups', 'delete', ['member-removal-ignored']);
    expect(run.ok).toBe(false);
    // The fault accepts the removal (200) and removes nothing, so the read-back after it is what fails.
    expect(run.failure).toMatch(/^step 10 \(expect eng\): group eng: members differ .*unexpected \["/);
  });

  it('delete-not-deleting breaks disable-vs-delete under the delete policy', async () => {
    const { run } = await play('onelogin', 'disable-vs-delete', 'delete', ['delete-not-deleting']);
    expect(run.ok).toBe(false);
    expect(run.failure).toMatch(/the IdP deleted it \(DELETE \/Users\/.*\) but GET still answers 200, expected 404/);
  });

  it('patch-ignored breaks update-attributes for Entra (PATCH) and deactivation for Okta', async () => {
    const e = await play('entra-2020', 'update-attributes', 'delete', ['patch-ignored']);
    expect(e.run.ok).toBe(false);
    expect(e.run.failure).toMatch(/expected name\.givenName "Robert", the target shows "Bob"/);
    const o = await play('okta', 'disable-vs-delete', 'disable', ['patch-ignored']);
    expect(o.run.ok).toBe(false);
    expect(o.run.failure).toMatch(/expected active false, the target shows true/);
  });
});

describe('scenarioSuite', () => {
  it('gives one result per scenario × profile with stable ids', async () => {
    const suite = scenarioSuite({ profiles: ['okta', 'onelogin'], scenarios: ['create-and-assign', 'rename-user'], deprovision: 'disable' });
    const results = await suite.run({ baseUrl: BASE, authorization: 'Bearer T', fetch: target().fetch, timeoutMs: 10000, prefix: 'suite' });
    expect(results.map((r) => r.id)).toEqual([
      'scenario.okta.create-and-assign',
      'scenario.okta.rename-user',
      'scenario.onelogin.create-and-assign',
      'scenario.onelogin.rename-user',
    ]);
    for (const r of results) {
      expect(r).toMatchObject({ suite: 'scenarios', level: 'MUST', status: 'passed' });
      expect(r.rfc).toMatch(/^RFC764[34] §/);
      expect(r.transcript.length).toBeGreaterThan(0);
      expect(JSON.stringify(r.transcript)).not.toMatch(/Bearer T"/);
    }
  });

  it('fails a scenario against a faulty target with the failing step in the message', async () => {
    const suite = scenarioSuite({ profiles: ['entra'], scenarios: ['update-attributes'], deprovision: 'delete' });
    const [r] = await suite.run({ baseUrl: BASE, authorization: 'Bearer T', fetch: target(['patch-ignored']).fetch, timeoutMs: 10000, prefix: 'suite' });
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^step 3 \(expect bob\): /);
  });
});
