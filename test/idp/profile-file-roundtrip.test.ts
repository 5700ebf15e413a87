/**
 * Every built-in profile has a file form (profiles/*.yaml) that sends the same requests as its code form: for every
 * scenario, under both deprovisioning policies, against the in-process reference provider, the two runs send the
 * same method, path, query, headers and body, in the same order (random ids, passwords, GUIDs and the provider's
 * timestamps normalised). A habit the file cannot express fails here: extend the format, not this test.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/idp/profiles/index.ts';
import { BUILTIN_PROFILE_DIR } from '../../src/idp/profiles/file/builtin.ts';
import { loadProfileFile } from '../../src/idp/profiles/file/load.ts';
import type { IdpRequest } from '../../src/idp/http.ts';
import type { Profile } from '../../src/idp/profiles/types.ts';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import { scaledScenarioFiles } from './scaled-scenarios.ts';
import { runScenario } from '../../src/idp/scenario/runner.ts';
import { createProvider } from '../../src/provider/index.ts';

const BASE = 'http://localhost/scim/v2';
const scenarios = await loadScenarios(scaledScenarioFiles(120));
// (push-groups' 1,000-member push cut to 120 people: test/idp/scaled-scenarios.ts; full size in scenarios-provider.test.ts)

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  quirk?: string;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;
const normalise = (s: string) => s.replace(GUID, '<guid>').replace(TIMESTAMP, '<time>').replace(/"version":"[^"\\]*(\\"[^"\\]*\\")?[^"\\]*"/g, '"version":"<version>"');

/**
 * The profile with every request builder wrapped to note the purpose (the transcript's label) and the quirk (what a
 * legal refusal names) of each request it builds: neither is on the wire, both are in reports.
 */
function recording(p: Profile, notes: string[]): Profile {
  const note = <T extends IdpRequest | IdpRequest[]>(r: T): T => {
    for (const x of [r].flat()) notes.push(`${x.purpose ?? ''} | ${x.quirk ?? ''}`);
    return r;
  };
  const wrap = <A extends unknown[], R extends IdpRequest | IdpRequest[]>(f: (...a: A) => R) => (...a: A) => note(f(...a));
  const g = p.groups;
  return {
    ...p,
    ...(p.afterCreate ? { afterCreate: wrap(p.afterCreate) } : {}),
    updateUser: { ...p.updateUser, build: wrap(p.updateUser.build) },
    setActive: { ...p.setActive, build: wrap(p.setActive.build) },
    groups: {
      ...g,
      rename: wrap(g.rename),
      addMembers: wrap(g.addMembers),
      removeMembers: wrap(g.removeMembers),
      ...(g.changeMembers ? { changeMembers: wrap(g.changeMembers) } : {}),
      ...(g.pushNow ? { pushNow: wrap(g.pushNow) } : {}),
      ...(g.replaceWhole ? { replaceWhole: wrap(g.replaceWhole) } : {}),
    },
  };
}

/** The requests one play sends (the IdP's and the scenario's own reads), normalised. */
async function play(profile: Profile, scenario: string, deprovision: 'delete' | 'disable'): Promise<{ sent: Sent[]; ok: boolean; failure?: string; quirks: string[] }> {
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] }, policy: { deprovision } });
  const sent: Sent[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const text = await req.clone().text();
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = normalise(v)));
    sent.push({ method: req.method, url: normalise(decodeURIComponent(req.url)), headers, body: text ? JSON.parse(normalise(text)) : undefined });
    return provider.fetch(req);
  }) as typeof globalThis.fetch;
  const sc = scenarios.find((s) => s.name === scenario)!;
  const quirks: string[] = [];
  const run = await runScenario(sc, { profile: recording(profile, quirks), baseUrl: BASE, authorization: 'Bearer T', fetch, timeoutMs: 10000, prefix: 'rt', deprovision, sleep: async () => {} });
  return { sent, ok: run.ok, failure: run.failure, quirks };
}

const files = readdirSync(BUILTIN_PROFILE_DIR).filter((f) => f.endsWith('.yaml'));

describe('the built-in profile files', () => {
  it('are one per built-in profile, and nothing else', () => {
    expect(files.map((f) => f.replace(/\.yaml$/, '')).sort()).toEqual(Object.keys(PROFILES).sort());
  });
});

describe.each(Object.keys(PROFILES))('profile %s: file form = code form', (name) => {
  const code = PROFILES[name];
  let file: Profile;
  beforeAll(() => {
    file = loadProfileFile(join(BUILTIN_PROFILE_DIR, `${name}.yaml`));
  });

  it('has the same data fields', () => {
    const data = (p: Profile) => ({
      id: p.id,
      title: p.title,
      idStyle: p.idStyle,
      headers: p.headers,
      auth: p.auth,
      customHeaders: p.customHeaders ?? false,
      retry: p.retry,
      matchingDefault: p.matching.default,
      notFoundIsEmpty: p.matching.notFoundIsEmpty ?? false,
      onMatch: p.matching.onMatch,
      import: p.import,
      readFirst: [p.updateUser.readFirst, p.setActive.readFirst, p.setActive.leaveGroupsFirst, p.updateUser.reconcile ?? false],
      deletesUsers: p.deletesUsers,
      lifecycle: p.lifecycle,
      groups: [p.groups.findByListing, p.groups.readQuery, p.groups.createWithMembers ?? false, p.groups.memberDisplay, p.groups.renameWithMembership ?? false, p.groups.batchSize],
      optional: [!!p.afterCreate, !!p.groups.matchQuery, !!p.groups.replaceWhole, !!p.groups.changeMembers, !!p.groups.pushNow],
      reactions: p.reactions,
      sources: p.sources,
    });
    expect(data(file)).toEqual(data(code));
  });

  for (const deprovision of ['delete', 'disable'] as const) {
    for (const sc of scenarios) {
      // As scenarios-provider.test.ts: the 1,000-member push does not depend on the policy.
      if (sc.name === 'push-groups' && deprovision === 'disable') continue;
      it(`${sc.name} (deprovision: ${deprovision}) sends the same requests`, { timeout: 300_000 }, async () => {
        const a = await play(code, sc.name, deprovision);
        const b = await play(file, sc.name, deprovision);
        expect(b.failure).toBe(a.failure);
        expect(b.ok).toBe(a.ok);
        expect(b.sent.length).toBe(a.sent.length);
        for (let i = 0; i < a.sent.length; i++) expect(b.sent[i], `request ${i + 1} of ${a.sent.length}`).toEqual(a.sent[i]);
        // The purpose and quirk of every built request.
        expect(b.quirks.map(normalise)).toEqual(a.quirks.map(normalise));
      });
    }
  }
});
