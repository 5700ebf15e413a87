/**
 * The exported locustfile's "GET, then PUT the resource as read with the profile's changes" (Okta) equals the
 * mock IdP's own request for the same read: each profile's builder runs in TypeScript over a read, and the
 * locustfile's Python `merged` runs over the template and the same read; the bodies must be equal.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DirUser } from '../../../src/idp/directory.ts';
import { profileTemplates, readTemplates, renderLocustfile } from '../../../src/idp/load/locust.ts';
import { PROFILES, getProfile } from '../../../src/idp/profiles/index.ts';
import type { BuildContext } from '../../../src/idp/profiles/types.ts';
import type { ScimResource } from '../../../src/scim/types.ts';

/** The Python that runs Locust: the `locust` script's own interpreter (a pyenv python3 on PATH may lack it). */
function locustPython(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v locust'], { encoding: 'utf8' }).stdout.trim();
  const shebang = which ? /^#!\s*(\S+)/.exec(readFileSync(which, 'utf8').split('\n')[0]!)?.[1] : undefined;
  for (const py of [shebang, 'python3']) if (py && spawnSync(py, ['-c', 'import locust'], { stdio: 'ignore' }).status === 0) return py;
  return undefined;
}
const PYTHON = locustPython();

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ctx: BuildContext = { targetIdOf: () => undefined, refOf: (kind, id) => `https://sp.test/scim/v2/${kind}/${id}`, password: () => 'Pw-1' };
const before: DirUser = { key: 'u', idpId: 'idp-1', userName: 'ada@example.test', givenName: 'Ada', familyName: 'Lovelace', displayName: 'Ada Lovelace', email: 'ada@example.test', title: 'Engineer', department: 'Eng', active: true };
const after: DirUser = { ...before, userName: 'ada.l@example.test', email: 'ada.l@example.test', title: 'Senior Engineer', department: 'Platform' };

/** Reads a target might answer: all it holds (server-side attributes, a second email, groups), and a bare one. */
const READS: Record<string, ScimResource> = {
  'full read': {
    schemas: [CORE, ENT, 'urn:example:params:scim:schemas:extension:badge:2.0:User'],
    'urn:example:params:scim:schemas:extension:badge:2.0:User': { badge: 'B-12' },
    id: 'ID-1',
    externalId: 'idp-1',
    userName: 'ada@example.test',
    name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace', honorificPrefix: 'Dr.' },
    displayName: 'Ada Lovelace',
    nickName: 'ada',
    emails: [{ value: 'ada@example.test', type: 'work', primary: true }, { value: 'ada@home.test', type: 'home' }],
    title: 'Engineer',
    locale: 'en-US',
    active: true,
    groups: [{ value: 'G-1', display: 'Engineering', $ref: 'https://sp.test/scim/v2/Groups/G-1' }],
    [ENT]: { department: 'Eng', costCenter: 'CC-7' },
    meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-02T00:00:00Z', location: 'https://sp.test/scim/v2/Users/ID-1', version: 'W/"3"' },
  } as ScimResource,
  'bare read': { schemas: [CORE], id: 'ID-1', userName: 'ada@example.test', active: false, meta: { resourceType: 'User' } } as ScimResource,
  'home email only': { schemas: [CORE], id: 'ID-1', userName: 'ada@example.test', emails: [{ value: 'ada@home.test', type: 'home' }] } as ScimResource,
};

/** Runs the locustfile's own `merged` over (template, read) pairs. */
function pythonMerged(locustfile: string, cases: { tpl: unknown; read: unknown }[]): { body: unknown }[] {
  const d = mkdtempSync(join(tmpdir(), 'scimcheck-locust-merge-'));
  writeFileSync(join(d, 'locustfile.py'), locustfile);
  writeFileSync(join(d, 'cases.json'), JSON.stringify(cases));
  const script = [
    'import importlib.util, json, sys',
    'spec = importlib.util.spec_from_file_location("exported", sys.argv[1])',
    'm = importlib.util.module_from_spec(spec)',
    'spec.loader.exec_module(m)',
    'cases = json.load(open(sys.argv[2]))',
    'json.dump([m.merged(c["tpl"], c["read"]) for c in cases], open(sys.argv[3], "w"))',
  ].join('\n');
  const r = spawnSync(PYTHON!, ['-c', script, join(d, 'locustfile.py'), join(d, 'cases.json'), join(d, 'out.json')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(readFileSync(join(d, 'out.json'), 'utf8'));
}

describe.skipIf(!PYTHON)('locustfile merge of the resource as read (skipped when python3 cannot import locust; .ci/run installs python3-locust)', () => {
  // Every builder of every profile that takes the resource as read (today Okta's PUTs and Okta AIW's deactivation).
  const builds = Object.values(PROFILES).flatMap((p) => [
    { name: `${p.id} update`, build: (cur: ScimResource) => p.updateUser.build(before, after, 'ID-1', cur, ctx) },
    { name: `${p.id} deactivate`, build: (cur: ScimResource) => p.setActive.build({ ...before, active: false }, 'ID-1', false, cur, ctx) },
  ]);
  const sample = { id: 'ID-1', ...getProfile('okta')!.createUser(before, ctx) } as ScimResource;

  it('sends the body the profile builds, for every read', () => {
    const cases: { name: string; tpl: unknown; read: ScimResource; want: unknown }[] = [];
    for (const b of builds) {
      const tpls = readTemplates(b.build, sample);
      tpls.forEach((tpl, i) => {
        if (!tpl.merge) return;
        for (const [readName, read] of Object.entries(READS)) cases.push({ name: `${b.name} #${i} over the ${readName}`, tpl, read, want: b.build(read)[i]!.body });
      });
    }
    // Okta (OIN and AIW) reads before its PUT; the test is empty if no builder takes the read.
    expect(cases.map((c) => c.name)).toContain('okta update #0 over the full read');
    const got = pythonMerged(renderLocustfile({ profile: getProfile('okta')!, users: 10, groups: 1, membersPerGroup: 5, incremental: 0.1 }), cases);
    cases.forEach((c, i) => expect(got[i]!.body, c.name).toEqual(c.want));
  });

  it("Okta's exported update carries the merge rule: the read's groups and meta come from the GET, not from the create", () => {
    const t = profileTemplates(getProfile('okta')!) as { update: { merge?: { echo: string[]; others: boolean }; body: Record<string, unknown> }[]; readFirst: boolean };
    expect(t.readFirst).toBe(true);
    expect(t.update[0]!.merge).toMatchObject({ others: true });
    expect(t.update[0]!.merge!.echo).toContain('groups');
    // Before the merge rule the file PUT the create body: groups [] whatever the user was in.
    expect(t.update[0]!.body).not.toHaveProperty('groups');
  });
});
