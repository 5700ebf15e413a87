/**
 * `serve --grade-clients` in process (issue 14): every built-in profile's scenarios, played against the reference
 * provider through the console with grading on, draw no MUST finding; a broken request's findings land on its
 * console log entry and in the report results (suite `clients`); the client is recognised from its traffic.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, getProfile } from '../../src/idp/profiles/index.ts';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import { scaledScenarioFiles } from '../idp/scaled-scenarios.ts';
import { runScenario } from '../../src/idp/scenario/runner.ts';
import { createClientGradingSession, providerRegistry } from '../../src/provider/grade-clients.ts';
import { createProvider } from '../../src/provider/index.ts';
import { parseServeFlags } from '../../src/provider/serve-flags.ts';
import { createConsole } from '../../src/provider/ui/console.ts';
import { UsageError } from '../../src/usage-error.ts';

const BASE = 'http://localhost/scim/v2';
const scenarios = await loadScenarios(scaledScenarioFiles(120));
// (push-groups' 1,000-member push cut to 120 people: test/idp/scaled-scenarios.ts; full size in scenarios-provider.test.ts)

async function gradedProvider() {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] } });
  const registry = await providerRegistry((r) => provider.fetch(r), provider.basePath, 'Bearer T');
  const session = createClientGradingSession({ basePath: provider.basePath, registry });
  const ui = createConsole({ provider, auth: { api: { tokens: [{ token: 'T' }] } }, grade: session.grade, logCapacity: 100_000 });
  let sent = 0;
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    sent++;
    return ui.fetch(input instanceof Request ? input : new Request(input, init));
  }) as typeof globalThis.fetch;
  // The log (and so the grader) sees an exchange just after its answer went back.
  const settled = () => expect.poll(() => session.stats().requests, { timeout: 10_000 }).toBe(sent);
  return { session, ui, fetch, settled };
}

describe.each(PROFILE_NAMES)('profile %s, every scenario, graded', (profile) => {
  it('draws no MUST finding, and the client is recognised', async () => {
    const { session, ui, fetch, settled } = await gradedProvider();
    for (const sc of scenarios) {
      // The 1,000-member push adds nothing the others do not send, at a thousand times the cost.
      if (sc.name === 'push-groups') continue;
      await runScenario(sc, { profile: getProfile(profile)!, baseUrl: BASE, authorization: 'Bearer T', fetch, timeoutMs: 10000, prefix: `gc-${sc.name}`, deprovision: 'delete', sleep: async () => {} });
    }
    await settled();
    const { graded } = session.stats();
    expect(graded).toBeGreaterThan(20);
    // Entra's documented email match (`emails[type eq "work"].value eq "…"`) is outside the filter grammar: the
    // provider accepts it (docs/leniencies.md), the grader says so. Every other MUST finding is a grader error.
    const departure = (m: string) => m.startsWith('the "filter" parameter "emails[type eq \\"work\\"].value eq ');
    const findings = ui.log.since().flatMap((e) => (e.findings ?? []).map((f) => ({ ...f, where: `${e.method} ${e.path}` })));
    expect(ui.log.since()).toHaveLength(graded);
    const must = findings.filter((f) => f.level === 'MUST' && !(f.id === 'client.filter.syntax' && departure(f.message)));
    expect(must.map((f) => `${f.where}: ${f.id}: ${f.message}`)).toEqual([]);
    expect(session.results().filter((r) => r.status === 'failed' && r.id !== 'client.filter.syntax')).toEqual([]);
    if (profile === 'entra') expect(findings.some((f) => f.id === 'client.filter.syntax' && departure(f.message))).toBe(true);
    const expected: Record<string, string | undefined> = { okta: 'okta', entra: 'entra', 'entra-2020': 'entra-2020', onelogin: 'onelogin' };
    if (profile in expected) expect(session.recognition()?.profile).toBe(expected[profile]);
  });
});

describe('a broken request', () => {
  it('carries its findings on the console log entry and in the report results', async () => {
    const { session, ui, fetch, settled } = await gradedProvider();
    const auth = { authorization: 'Bearer T' };
    const created = await fetch(`${BASE}/Users`, { method: 'POST', headers: { ...auth, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'graded' }) });
    const { id } = await created.json();
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'meta.lastModified', value: 'x' }] });
    expect((await fetch(`${BASE}/Users/${id}`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body })).status).toBe(400);
    // Refused unread (415): its headers are graded, its body is not guessed at.
    expect((await fetch(`${BASE}/Users/${id}`, { method: 'PATCH', headers: { ...auth, 'content-type': 'text/plain' }, body })).status).toBe(415);
    await settled();
    const [clean, patched, unread] = ui.log.since();
    expect(clean!.findings).toEqual([]);
    expect(patched!.findings!.map((f) => `${f.level} ${f.id}`).sort()).toEqual(['INFO client.content-type.plain-json', 'INFO client.patch.op-case', 'MUST client.patch.mutability']);
    expect(unread!.findings!.map((f) => `${f.level} ${f.id}`)).toEqual(['MUST client.content-type.not-json']);
    const results = session.results();
    expect(results.find((r) => r.id === 'client.patch.mutability')).toMatchObject({ suite: 'clients', status: 'failed', level: 'MUST', rfc: 'RFC7644 §3.5.2' });
    expect(results.find((r) => r.id === 'client.patch.op-case')).toMatchObject({ status: 'passed' });
    // The transcript is the console's redacted one: the token never appears.
    expect(JSON.stringify(results)).not.toContain('Bearer T');
  });

  it('a request outside the base path, or with refused credentials, is not graded', async () => {
    const { session, fetch, settled } = await gradedProvider();
    await fetch('http://localhost/elsewhere/Users', { headers: { authorization: 'Bearer T' } });
    await fetch(`${BASE}/Users`, { method: 'POST', headers: { authorization: 'Bearer wrong', 'content-type': 'application/scim+json' }, body: '{}' });
    await settled();
    expect(session.stats()).toMatchObject({ requests: 2, graded: 0, findings: 0 });
  });
});

describe('serve flags', () => {
  it('--grade-clients takes --out (default reports/clients); --out alone is a usage error', () => {
    expect(parseServeFlags([])).toMatchObject({ gradeClients: false });
    expect(parseServeFlags(['--grade-clients'])).toMatchObject({ gradeClients: true, out: 'reports/clients' });
    expect(parseServeFlags(['--grade-clients', '--out', 'x/y'])).toMatchObject({ out: 'x/y' });
    expect(() => parseServeFlags(['--out', 'x'])).toThrow(UsageError);
  });
});
