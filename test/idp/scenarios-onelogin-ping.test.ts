/**
 * OneLogin and PingFederate set up other than their defaults, played against the reference provider (in
 * process): Ping with Remove User Action "Delete", OneLogin with Custom Headers. The defaults run in the
 * scenario × profile × policy matrix (scenarios-provider.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { makeOneLogin } from '../../src/idp/profiles/onelogin.ts';
import { makePingFederate } from '../../src/idp/profiles/pingfederate.ts';
import type { Profile } from '../../src/idp/profiles/types.ts';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import { runScenario } from '../../src/idp/scenario/runner.ts';
import { createProvider } from '../../src/provider/index.ts';

const BASE = 'http://localhost/scim/v2';
const scenarios = await loadScenarios(['disable-vs-delete', 'push-groups']);

async function play(profile: Profile, scenario: string, deprovision: 'delete' | 'disable', faults: string[] = []) {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] }, faults, policy: { deprovision } });
  const handler = ((input: RequestInfo | URL, init?: RequestInit) => provider.fetch(input instanceof Request ? input : new Request(input, init))) as typeof fetch;
  const purposes: (string | undefined)[] = [];
  const run = await runScenario(scenarios.find((s) => s.name === scenario)!, {
    profile,
    baseUrl: BASE,
    authorization: 'Bearer T',
    fetch: handler,
    timeoutMs: 10000,
    prefix: 'olp',
    deprovision,
    sleep: async () => {},
    onExchange: (_e, purpose) => void purposes.push(purpose),
  });
  return { run, purposes };
}

describe('PingFederate with Remove User Action "Delete"', () => {
  const deleting = makePingFederate({ removeUserAction: 'delete' });

  it('disable-vs-delete passes: the deleted user answers 404 and its userName is free again', async () => {
    const { run } = await play(deleting, 'disable-vs-delete', 'delete');
    expect(run.failure).toBeUndefined();
    expect(run.skipped).toBeUndefined();
    expect(run.cleanupProblems).toEqual([]);
    expect(run.transcript.some((e) => e.request.method === 'DELETE' && /\/Users\//.test(e.request.url))).toBe(true);
  });

  it('fails against a target whose DELETE does not delete (delete-not-deleting)', async () => {
    const { run } = await play(deleting, 'disable-vs-delete', 'delete', ['delete-not-deleting']);
    expect(run.ok).toBe(false);
    expect(run.failure).toMatch(/the IdP deleted it \(DELETE \/Users\/.*\) but GET still answers 200, expected 404/);
  });
});

describe('OneLogin with Custom Headers', () => {
  it('push-groups passes and every IdP request carries the headers (the verifier\'s do not)', { timeout: 300_000 }, async () => {
    const { run, purposes } = await play(makeOneLogin({ customHeaders: { 'X-Tenant': 'acme' } }), 'push-groups', 'delete');
    expect(run.failure).toBeUndefined();
    expect(run.cleanupProblems).toEqual([]);
    const idp = run.transcript.filter((_e, i) => purposes[i] !== 'verify');
    expect(idp.length).toBeGreaterThan(10);
    expect(idp.every((e) => e.request.headers['X-Tenant'] === 'acme')).toBe(true);
    const verifier = run.transcript.filter((_e, i) => purposes[i] === 'verify');
    expect(verifier.length).toBeGreaterThan(0);
    expect(verifier.some((e) => 'X-Tenant' in e.request.headers)).toBe(false);
    // The Get Groups listing ran before the group creates.
    const urls = idp.map((e) => `${e.request.method} ${e.request.url}`);
    const firstCreate = urls.findIndex((u) => u.startsWith('POST') && u.endsWith('/Groups'));
    expect(urls.slice(0, firstCreate).some((u) => /^GET .*\/Groups\?startIndex=1&count=100$/.test(u))).toBe(true);
  });
});
