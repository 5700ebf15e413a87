/**
 * --only / --exclude apply to every result id: conformance checks, `scenario.<profile>.<scenario>` and
 * `property.<name>`. A suite none of whose ids can be selected is not started at all.
 */
import { describe, expect, it } from 'vitest';
import type { Check, CheckResult } from '../../src/harness/check.ts';
import { createHttpClient } from '../../src/harness/http-client.ts';
import { discover } from '../../src/harness/discovery.ts';
import { createFixtureRegistry } from '../../src/harness/fixtures.ts';
import { patternCouldMatchPrefix, patternCoversPrefix, runSuites, type ExtraSuite } from '../../src/harness/runner.ts';
import { fakeTarget } from './fake-target.ts';

const TOKEN = 'selection-secret-token-0001';

async function setup() {
  const fake = fakeTarget({ token: TOKEN });
  const baseUrl = 'http://target.test/scim/v2';
  const http = createHttpClient({ baseUrl, auth: { kind: 'bearer', token: TOKEN }, fetch: fake.fetch });
  const target = await discover(http, { baseUrl, prefix: 'scimcheck-abc123' });
  return { http, target, fixtures: createFixtureRegistry(target) };
}

function check(id: string): Check {
  return { id, title: id, area: id.split('.')[0] as string, cite: { rfc: 7644, section: '2' }, level: 'MUST', run: async () => undefined };
}

function result(id: string, suite: CheckResult['suite']): CheckResult {
  return {
    id,
    title: id,
    suite,
    area: suite,
    rfc: 'RFC7644 §3.3',
    level: 'MUST',
    status: 'failed',
    durationMs: 5,
    message: 'it broke',
    expected: 201,
    actual: 200,
    reproduce: 'curl http://target.test/scim/v2/Users',
    transcript: [{ request: { method: 'GET', url: 'http://target.test/scim/v2/Users', headers: {} }, response: { status: 200, headers: {} } }],
  };
}

/** A suite that records whether it was started and returns fixed results. */
function fakeSuite(name: 'scenarios' | 'properties', ids: string[]): ExtraSuite & { started: number } {
  const suite = {
    name,
    started: 0,
    async run() {
      suite.started++;
      return ids.map((id) => result(id, name));
    },
  };
  return suite;
}

const CHECKS = [check('auth.missing.list-users'), check('auth.wrong-token.get-user'), check('users.create.returns-201')];

async function run(only: string[], exclude: string[] = []) {
  const env = await setup();
  const scenarios = fakeSuite('scenarios', ['scenario.okta.rename-user', 'scenario.entra.rename-user']);
  const properties = fakeSuite('properties', ['property.filter-eq', 'property.patch-roundtrip']);
  const out = await runSuites({ ...env, checks: CHECKS, only, exclude, extraSuites: [scenarios, properties] });
  const status = Object.fromEntries(out.results.map((r) => [r.id, r.status === 'skipped' ? `skipped: ${r.message}` : r.status]));
  return { scenarios, properties, out, status };
}

describe('--only / --exclude over every result id', () => {
  it("--only 'auth.*' starts neither the scenario nor the property suite", async () => {
    const { scenarios, properties, status } = await run(['auth.*']);
    expect(scenarios.started).toBe(0);
    expect(properties.started).toBe(0);
    expect(status).toEqual({
      'auth.missing.list-users': 'passed',
      'auth.wrong-token.get-user': 'passed',
      'users.create.returns-201': 'skipped: left out by --only',
    });
  });

  it('--only naming one scenario runs that suite alone and leaves its other results out as skipped', async () => {
    const { scenarios, properties, out, status } = await run(['scenario.okta.*']);
    expect(scenarios.started).toBe(1);
    expect(properties.started).toBe(0);
    expect(status).toEqual({
      'auth.missing.list-users': 'skipped: left out by --only',
      'auth.wrong-token.get-user': 'skipped: left out by --only',
      'users.create.returns-201': 'skipped: left out by --only',
      'scenario.okta.rename-user': 'failed',
      'scenario.entra.rename-user': 'skipped: left out by --only',
    });
    // What a left-out result sent and found is not reported.
    const left = out.results.find((r) => r.id === 'scenario.entra.rename-user');
    expect(left?.transcript).toEqual([]);
    expect(left?.expected).toBeUndefined();
    expect(left?.reproduce).toBeUndefined();
  });

  it('a pattern without wildcards selects its dotted children across suites', async () => {
    const { scenarios, properties, status } = await run(['property', 'users']);
    expect(scenarios.started).toBe(0);
    expect(properties.started).toBe(1);
    expect(status['property.filter-eq']).toBe('failed');
    expect(status['users.create.returns-201']).toBe('passed');
  });

  it('--exclude leaves a whole suite out when it covers every id of it, and single results otherwise', async () => {
    const { scenarios, properties, status } = await run([], ['scenario.*', 'property.patch-roundtrip']);
    expect(scenarios.started).toBe(0);
    expect(properties.started).toBe(1);
    expect(status['property.filter-eq']).toBe('failed');
    expect(status['property.patch-roundtrip']).toBe('skipped: left out by --exclude');
    expect(status['auth.missing.list-users']).toBe('passed');
  });

  it('decides from the literal start of a pattern whether a suite can match, erring towards running it', () => {
    expect(patternCouldMatchPrefix('auth.*', 'scenario.')).toBe(false);
    expect(patternCouldMatchPrefix('scenario', 'scenario.')).toBe(true);
    expect(patternCouldMatchPrefix('scenarios', 'scenario.')).toBe(false);
    expect(patternCouldMatchPrefix('SCENARIO.okta.*', 'scenario.')).toBe(true);
    expect(patternCouldMatchPrefix('scen*', 'scenario.')).toBe(true);
    expect(patternCouldMatchPrefix('*.rename-user', 'scenario.')).toBe(true);
    expect(patternCouldMatchPrefix('?cenario.x', 'scenario.')).toBe(true);
    expect(patternCouldMatchPrefix('property.filter-eq', 'property.')).toBe(true);
    expect(patternCoversPrefix('scenario', 'scenario.')).toBe(true);
    expect(patternCoversPrefix('scenario.*', 'scenario.')).toBe(true);
    expect(patternCoversPrefix('*', 'scenario.')).toBe(true);
    expect(patternCoversPrefix('scenario.okta.*', 'scenario.')).toBe(false);
    expect(patternCoversPrefix('scenario.*.x', 'scenario.')).toBe(false);
    expect(patternCoversPrefix('?cenario*', 'property.')).toBe(false);
    expect(patternCoversPrefix('scen*', 'scenario.')).toBe(true);
  });
});
