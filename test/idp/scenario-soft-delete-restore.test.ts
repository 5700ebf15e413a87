/**
 * soft-delete-restore against the reference provider: what Entra sends for each lifecycle step (MS-how,
 * Deprovisioning), and the provider faults and target habits the scenario is meant to expose.
 */
import { describe, expect, it } from 'vitest';
import { getProfile } from '../../src/idp/profiles/index.ts';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import { runScenario, type ScenarioRun } from '../../src/idp/scenario/runner.ts';
import { createProvider } from '../../src/provider/index.ts';

const BASE = 'http://localhost/scim/v2';
const [scenario] = await loadScenarios(['soft-delete-restore']);

/** The provider in process; `echo` may rewrite what GET /Users/{id} answers (a server that echoes differently). */
function target(faults: string[], deprovision: 'delete' | 'disable', echo?: (user: any) => void): typeof fetch {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] }, faults, policy: { deprovision } });
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const res = await provider.fetch(req);
    const isRead = req.method === 'GET' && /\/Users\/[^/?]+$/.test(new URL(req.url).pathname) && req.headers.get('user-agent') !== 'scimcheck-verifier';
    if (!echo || !isRead || res.status !== 200) return res;
    const body = await res.json();
    echo(body);
    return new Response(JSON.stringify(body), { status: 200, headers: res.headers });
  }) as typeof fetch;
}

function play(profile: string, deprovision: 'delete' | 'disable', faults: string[] = [], echo?: (user: any) => void): Promise<ScenarioRun> {
  return runScenario(scenario, { profile: getProfile(profile)!, baseUrl: BASE, authorization: 'Bearer T', fetch: target(faults, deprovision, echo), timeoutMs: 10_000, prefix: 'sdr', deprovision, sleep: async () => {} });
}

/** The IdP's own requests (not the verifier's, not cleanup), as "METHOD path [active value]". */
function idpTraffic(run: ScenarioRun): string[] {
  return run.transcript
    .filter((e) => e.request.headers['User-Agent'] !== 'scimcheck-verifier' && e.request.headers['user-agent'] !== 'scimcheck-verifier')
    .map((e) => {
      const path = new URL(e.request.url).pathname.replace(/^\/scim\/v2/, '').replace(/\/[0-9a-f-]{36}$/, '/{id}');
      const body = e.request.body ? JSON.parse(e.request.body as string) : undefined;
      const active = body?.Operations?.find((o: any) => o.path === 'active');
      return `${e.request.method} ${path}${active ? ` ${active.op} ${JSON.stringify(active.value)}` : ''}`;
    });
}

describe('soft-delete-restore, the Entra way', () => {
  it('soft delete "False", restore "True", nothing on the quiet cycles, DELETE only after 30 days; the unassigned user is never deleted', async () => {
    const run = await play('entra', 'delete');
    expect(run.failure).toBeUndefined();
    expect(run.skipped).toBeUndefined();
    const sent = idpTraffic(run).filter((l) => !l.startsWith('GET /Schemas') && !l.startsWith('GET /ResourceTypes'));
    expect(sent).toEqual([
      'GET /Users', 'POST /Users', // lea
      'GET /Users', 'POST /Users', // max
      'PATCH /Users/{id} Replace "False"', // soft delete
      'PATCH /Users/{id} Replace "True"', // restore on day 10
      'GET /Users/{id}', 'GET /Users/{id}', // two quiet cycles: read, nothing differs
      'PATCH /Users/{id} Replace "False"', // soft delete again
      'PATCH /Users/{id} Replace "False"', // max unassigned; deleting max later sends nothing
      'DELETE /Users/{id}', // lea, 31 days later
    ]);
    expect(run.steps.find((s) => s.label.startsWith('thirty-one days'))!.detail).toBe('31 days later: lea: deleted');
  });

  it('under the disable policy the hard delete sends nothing and lea stays readable, disabled', async () => {
    const run = await play('entra-2020', 'disable');
    expect(run.failure).toBeUndefined();
    expect(idpTraffic(run)).not.toContainEqual(expect.stringMatching(/^DELETE/));
    expect(run.steps.filter((s) => s.label === 'expect lea').at(-1)!.detail).toBe('lea readable with active:false');
  });
});

describe('soft-delete-restore fails against what it is meant to expose', () => {
  it('delete-not-deleting: the hard delete after 30 days answers 204 but lea is still there', async () => {
    const run = await play('entra', 'delete', ['delete-not-deleting']);
    expect(run.ok).toBe(false);
    expect(run.failure).toMatch(/^step \d+ \(expect lea\): lea: the IdP deleted it \(DELETE \/Users\/\S+\) but GET still answers 200, expected 404/);
  });

  it('patch-ignored: the soft delete is acknowledged and lea stays active', async () => {
    const run = await play('entra-2020', 'disable', ['patch-ignored']);
    expect(run.ok).toBe(false);
    expect(run.failure).toMatch(/^step 4 \(expect lea\): lea: expected active false, the target shows true/);
  });

  it('a server that echoes a value differently from what it stored is PATCHed at every cycle, and the scenario says what it echoed', async () => {
    const run = await play('entra', 'delete', [], (u) => (u.displayName = String(u.displayName).toUpperCase()));
    expect(run.ok).toBe(false);
    expect(run.failure).toMatch(
      /^step 9 \(and the cycle after it; .*\): next cycle, lea: expected updated or ok, got failed — re-PATCH loop: Microsoft Entra ID \(default scim job\) sent again what the target had accepted before: displayName "Lea Stone" \(the target shows "LEA STONE"\)/,
    );
  });
});
