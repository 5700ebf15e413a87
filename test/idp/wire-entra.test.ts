/**
 * Entra ID's wire shapes, default and aadOptscim062020, each pinned to where it is published or captured
 * (src/idp/profiles/entra.ts names the sources: MS-use, MS-compat, MS-how, MS-known and public issue threads).
 */
import { describe, expect, it } from 'vitest';
import { SyncEngine } from '../../src/idp/engine.ts';
import { entra, entra2020, makeEntra } from '../../src/idp/profiles/entra.ts';
import { BASE, group, last, person, setup } from './harness.ts';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ops = (r: { body: any }) => r.body.Operations;
const lines = (rs: { method: string; path: string }[]) => rs.map((r) => `${r.method} ${r.path}`);

describe('entra: Test Connection (MS-use, Getting started and General)', () => {
  it('queries a random GUID on userName, then reads a group of the same random id with excludedAttributes=members', async () => {
    const { target, engine } = setup(entra);
    expect((await engine.testConnection()).outcome).toBe('ok');
    const [users, groups] = target.requests;
    const guid = /^userName eq "([0-9a-f-]{36})"$/.exec(users.query.get('filter') ?? '')?.[1];
    expect(guid).toBeTruthy();
    expect(`${groups.method} ${groups.path}`).toBe(`GET /Groups/${guid}`);
    // The profile's readQuery is what its group reads carry.
    expect(Object.fromEntries(groups.query)).toEqual({ excludedAttributes: 'members' });
    expect(entra.groups.readQuery).toEqual({ excludedAttributes: 'members' });
  });

  it('queries the configured matching attribute, not always userName', async () => {
    const byExternalId = setup(makeEntra({ matchingAttribute: 'externalId' }));
    await byExternalId.engine.testConnection();
    expect(byExternalId.target.requests[0].query.get('filter')).toMatch(/^externalId eq "[0-9a-f-]{36}"$/);
    const byEmail = setup(entra);
    await new SyncEngine({ profile: entra, http: byEmail.http, baseUrl: BASE, deprovision: 'delete', matchingAttribute: 'email' }).testConnection();
    expect(byEmail.target.requests[0].query.get('filter')).toMatch(/^emails\[type eq "work"\]\.value eq "[0-9a-f-]{36}"$/);
  });

  it('fails when the random group read is not a 404, or the user query fails', async () => {
    const found = setup(entra);
    found.target.failNext('GET', '/Groups/', 200);
    const r = await found.engine.testConnection();
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/expected 404 for a random id that does not exist \(RFC 7644 §3\.12\)/);
    const down = setup(entra);
    for (let i = 0; i < 4; i++) down.target.failNext('GET', '/Users', 500);
    expect((await down.engine.testConnection()).outcome).toBe('failed');
  });

  it('sends no User-Agent at all (none published); an admin-set one is sent', async () => {
    const { target, engine } = setup(entra);
    await engine.testConnection();
    await engine.assign(person('alice'));
    expect(target.requests.length).toBeGreaterThan(2);
    for (const r of target.requests) expect(r.headers.get('user-agent')).toBeNull();
    expect('User-Agent' in entra.headers).toBe(false);
    const named = setup(makeEntra({ userAgent: 'Contoso-Proxy/1' }));
    await named.engine.testConnection();
    expect(named.target.requests[0].headers.get('user-agent')).toBe('Contoso-Proxy/1');
  });
});

describe('entra: matching and create (MS-use, Get User by query, Create User, /Users guidelines)', () => {
  it('matches without paging and creates with the enterprise schema, meta.resourceType, roles: [] and no nulls', async () => {
    const { target, engine } = setup(entra);
    await engine.assign(person('alice', { department: 'Sales', title: undefined }));
    const [get, post] = target.requests;
    expect([...get.query.keys()]).toEqual(['filter']);
    expect(get.query.get('filter')).toBe('userName eq "alice@example.test"');
    expect(get.headers.get('content-type')).toBeNull();
    expect(post.headers.get('content-type')).toBe('application/json');
    expect(post.body.schemas).toContain(ENT);
    expect(post.body.meta).toEqual({ resourceType: 'User' });
    expect(post.body.roles).toEqual([]);
    expect(post.body[ENT]).toEqual({ department: 'Sales' });
    expect('title' in post.body).toBe(false);
    expect(post.body.externalId).toBe('alice');
  });

  it('links a matched account and updates it with what differs (MS-how, Initial cycle step 5)', async () => {
    const { target, engine } = setup(entra);
    target.users.set('pre', { id: 'pre', userName: 'alice@example.test', displayName: 'Old Name', active: true, emails: [{ type: 'work', value: 'alice@example.test' }], name: { givenName: 'Alice', familyName: 'Tester' } });
    expect((await engine.assign(person('alice'))).outcome).toBe('linked');
    expect(lines(target.requests)).toEqual(['GET /Users', 'GET /Users/pre', 'PATCH /Users/pre']);
    expect(ops(target.requests[2])).toEqual([
      { op: 'Add', path: 'externalId', value: 'alice' },
      { op: 'Add', path: 'displayName', value: 'alice Tester' },
    ]);
  });

  it('writes the email match as Entra sends it: emails[type eq "work"].value eq "…" (option: the RFC valuePath form)', async () => {
    for (const matchBy of ['email', 'workEmail'] as const) {
      const { target, engine } = setup(entra);
      await engine.assign(person('alice'), matchBy);
      expect(target.requests[0].query.get('filter')).toBe('emails[type eq "work"].value eq "alice@example.test"');
    }
    const rfc = setup(makeEntra({ emailFilter: 'rfc' }));
    await rfc.engine.assign(person('alice'), 'workEmail');
    expect(rfc.target.requests[0].query.get('filter')).toBe('emails[type eq "work" and value eq "alice@example.test"]');
  });
});

describe('entra: manager (MS-known "Manager isn\'t provisioned", azure-docs#45885, SCIM-SDK#686)', () => {
  it('links the manager in a second PATCH right after the create: enterprise URN path, a plain id string', async () => {
    const { target, engine } = setup(entra);
    await engine.assign(person('boss'));
    const bossId = engine.userLinks.get('boss')!;
    target.requests.length = 0;
    await engine.assign(person('alice', { manager: 'boss' }));
    const id = engine.userLinks.get('alice')!;
    expect(lines(target.requests)).toEqual(['GET /Users', 'POST /Users', `PATCH /Users/${id}`]);
    expect(JSON.stringify(target.requests[1].body)).not.toContain('manager');
    expect(ops(target.requests[2])).toEqual([{ op: 'Add', path: `${ENT}:manager`, value: bossId }]);
  });

  it('a target that accepted the manager PATCH but does not keep it is caught at the next cycle (azure-docs#11784)', async () => {
    const { target, engine } = setup(entra);
    await engine.assign(person('boss'));
    await engine.assign(person('alice', { manager: 'boss' }));
    // The fake target acknowledges the PATCH and stores nothing: GET shows no manager.
    const r = await engine.sync('alice');
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(new RegExp(`^re-PATCH loop: .*: ${ENT}:manager "${engine.userLinks.get('boss')}" \\(the target shows nothing there\\)`));
  });

  it('marks the plain-string manager as a quirk; the documented shape is an option', async () => {
    const captured = entra.afterCreate!(person('alice', { manager: 'boss' }), 'u9', { targetIdOf: () => 'u1', refOf: (k, i) => `${BASE}/${k}/${i}`, password: () => 'x' });
    expect(captured[0].quirk).toMatch(/plain id string.*RFC 7643 §4\.3/);
    const documented = setup(makeEntra({ manager: 'documented' }));
    await documented.engine.assign(person('boss'));
    const bossId = documented.engine.userLinks.get('boss')!;
    await documented.engine.assign(person('alice', { manager: 'boss' }));
    expect(ops(last(documented.target.requests))).toEqual([{ op: 'Add', path: 'manager', value: [{ $ref: `${BASE}/Users/${bossId}`, value: bossId }] }]);
  });
});

describe('entra: updates read the target first and PATCH what differs (MS-use Example 3, MS-compat, azure-docs#11784)', () => {
  it('GETs the user, then one capitalised op per differing attribute: Replace what changed, Add what the target lacks', async () => {
    const { target, engine } = setup(entra);
    await engine.assign(person('boss'));
    await engine.assign(person('alice', { department: 'Sales' }));
    const id = engine.userLinks.get('alice')!;
    const bossId = engine.userLinks.get('boss')!;
    target.requests.length = 0;
    await engine.update('alice', { familyName: 'New', email: 'alice.new@example.test', department: 'Ops', title: 'Lead', manager: 'boss' });
    expect(lines(target.requests)).toEqual([`GET /Users/${id}`, `PATCH /Users/${id}`]);
    expect(ops(target.requests[1])).toEqual([
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice.new@example.test' },
      { op: 'Replace', path: 'name.familyName', value: 'New' },
      { op: 'Add', path: 'title', value: 'Lead' },
      { op: 'Replace', path: `${ENT}:department`, value: 'Ops' },
      { op: 'Add', path: `${ENT}:manager`, value: bossId },
    ]);
  });

  it('re-asserts with Add what the directory did not change but the target holds differently, active included (getsentry/self-hosted#3573)', async () => {
    const { target, engine } = setup(entra);
    await engine.assign(person('alice'));
    const id = engine.userLinks.get('alice')!;
    // Someone changed the account in the target behind the IdP's back.
    Object.assign(target.users.get(id), { active: false, displayName: 'Changed Elsewhere' });
    target.requests.length = 0;
    expect((await engine.sync('alice')).outcome).toBe('updated');
    expect(lines(target.requests)).toEqual([`GET /Users/${id}`, `PATCH /Users/${id}`]);
    expect(ops(target.requests[1])).toEqual([
      { op: 'Add', path: 'active', value: 'True' },
      { op: 'Add', path: 'displayName', value: 'alice Tester' },
    ]);
  });

  it('a target that keeps what it accepted is read and left alone at the next cycle', async () => {
    const { target, engine } = setup(entra);
    await engine.assign(person('alice'));
    const id = engine.userLinks.get('alice')!;
    await engine.update('alice', { familyName: 'New' });
    // The fake target acknowledges PATCH without applying it; apply it the way a real server stores it.
    target.users.get(id).name.familyName = 'New';
    target.requests.length = 0;
    expect(await engine.sync('alice')).toMatchObject({ outcome: 'updated' });
    expect(lines(target.requests)).toEqual([`GET /Users/${id}`]);
  });

  it('notices the endless re-PATCH of a target that accepts a value and shows another, and says what it showed', async () => {
    const { target, engine } = setup(entra);
    await engine.assign(person('alice'));
    const id = engine.userLinks.get('alice')!;
    expect((await engine.update('alice', { email: 'Alice.New@Example.test' })).outcome).toBe('updated');
    // The server stores the address lower-cased: the value Entra reads back is not the one it sent.
    target.users.get(id).emails[0].value = 'alice.new@example.test';
    const r = await engine.sync('alice');
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/^re-PATCH loop: Microsoft Entra ID \(default scim job\) sent again what the target had accepted before: emails\[type eq "work"\]\.value "Alice\.New@Example\.test" \(the target shows "alice\.new@example\.test"\)/);
    // It was sent again, as Entra does at every cycle.
    expect(lines(target.requests.slice(-2))).toEqual([`GET /Users/${id}`, `PATCH /Users/${id}`]);
  });
});

describe('entra: (de)activation and the soft-delete lifecycle (MS-compat, MS-how Deprovisioning)', () => {
  it('deactivates with Replace active "False" (a string, marked as a quirk) and DELETEs only when set to delete', async () => {
    const { target, engine } = setup(entra, 'disable');
    await engine.assign(person('alice'));
    await engine.remove('alice');
    expect(ops(last(target.requests))).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(entra.setActive.build(person('a'), 'u1', false, undefined, undefined as never)[0].quirk).toMatch(/string "False"/);
    await engine.setActive('alice', true);
    expect(ops(last(target.requests))).toEqual([{ op: 'Replace', path: 'active', value: 'True' }]);
    const d = setup(entra, 'delete');
    await d.engine.assign(person('alice'));
    const id = d.engine.userLinks.get('alice');
    await d.engine.remove('alice');
    expect(`${last(d.target.requests).method} ${last(d.target.requests).path}`).toBe(`DELETE /Users/${id}`);
    const add = setup(makeEntra({ activeOp: 'Add' }), 'disable');
    await add.engine.assign(person('alice'));
    await add.engine.setActive('alice', false);
    expect(ops(last(add.target.requests))).toEqual([{ op: 'Add', path: 'active', value: 'False' }]);
  });

  it('soft delete sends "False", restore within 30 days "True", the hard delete 30 days later DELETE', async () => {
    const { target, engine } = setup(entra, 'delete');
    await engine.assign(person('alice'));
    const id = engine.userLinks.get('alice')!;
    target.requests.length = 0;
    await engine.softDelete('alice');
    await engine.elapse(29);
    await engine.restore('alice');
    await engine.softDelete('alice');
    expect(await engine.elapse(29)).toEqual({});
    expect((await engine.elapse(1)).alice.outcome).toBe('deleted');
    expect(lines(target.requests)).toEqual([`PATCH /Users/${id}`, `PATCH /Users/${id}`, `PATCH /Users/${id}`, `DELETE /Users/${id}`]);
    expect(target.requests.slice(0, 3).map((r) => ops(r)[0].value)).toEqual(['False', 'True', 'False']);
    expect((await engine.restore('alice')).outcome).toBe('failed');
  });

  it('the hard delete sends nothing when the app is not set to delete', async () => {
    const { target, engine } = setup(entra, 'disable');
    await engine.assign(person('alice'));
    await engine.softDelete('alice');
    const n = target.requests.length;
    expect((await engine.elapse(31)).alice.outcome).toBe('deactivated');
    expect(target.requests).toHaveLength(n);
  });

  it('unassignment disables but never deletes: a later soft and hard delete send nothing (MS-how, Known limitations)', async () => {
    const { target, engine } = setup(entra, 'delete');
    await engine.assign(person('max'));
    const id = engine.userLinks.get('max')!;
    target.requests.length = 0;
    await engine.unassign('max');
    expect((await engine.softDelete('max')).outcome).toBe('skipped');
    expect(await engine.elapse(365)).toEqual({});
    expect((await engine.sync('max')).outcome).toBe('ok');
    expect(lines(target.requests)).toEqual([`PATCH /Users/${id}`]);
    expect(ops(target.requests[0])).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
  });
});

describe('entra: groups, batching, reactions (MS-use Group operations, MS-how)', () => {
  it('pushes groups: lookup with excludedAttributes=members, create without members, Add [{$ref:null, value}], Remove value array', async () => {
    const { target, engine } = setup(entra);
    await engine.assign(person('alice'));
    const a = engine.userLinks.get('alice')!;
    target.requests.length = 0;
    await engine.pushGroup(group('eng', ['alice']));
    const [lookup, post, add] = target.requests;
    expect(lookup.query.get('excludedAttributes')).toBe('members');
    expect(lookup.query.get('filter')).toBe('displayName eq "group eng"');
    expect(post.body).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], externalId: 'idp-g-eng', displayName: 'group eng', meta: { resourceType: 'Group' } });
    expect(ops(add)).toEqual([{ op: 'Add', path: 'members', value: [{ $ref: null, value: a }] }]);
    await engine.renameGroup('eng', 'platform');
    expect(ops(last(target.requests))).toEqual([{ op: 'Replace', path: 'displayName', value: 'platform' }]);
    await engine.removeMembers('eng', ['alice']);
    expect(ops(last(target.requests))).toEqual([{ op: 'Remove', path: 'members', value: [{ value: a }] }]);
  });

  it('batches membership 50 at a time', async () => {
    const { target, engine } = setup(entra);
    const keys = Array.from({ length: 120 }, (_, i) => `m${i}`);
    for (const k of keys) await engine.assign(person(k));
    await engine.pushGroup(group('all', keys));
    expect(target.requests.filter((r) => r.method === 'PATCH').map((p) => ops(p)[0].value.length)).toEqual([50, 50, 20]);
  });

  it('records a 409 on create and retries the user at the next cycle', async () => {
    const { target, engine } = setup(entra);
    target.failNext('POST', '/Users', 409);
    expect((await engine.assign(person('alice'))).outcome).toBe('conflict');
    expect(engine.pending.has('alice')).toBe(true);
    target.requests.length = 0;
    expect((await engine.cycle()).alice.outcome).toBe('created');
    expect(target.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('retries 429 after Retry-After and 5xx with growing backoff, bounded', async () => {
    const { target, engine, sleeps } = setup(entra);
    target.failNext('GET', '/Users', 429, { 'retry-after': '7' });
    target.failNext('GET', '/Users', 503);
    expect((await engine.assign(person('alice'))).outcome).toBe('created');
    expect(sleeps).toEqual([7000, 2000]);
  });
});

describe('entra wire shapes (aadOptscim062020)', () => {
  it('deactivates with lower-case replace and a boolean, no quirk', async () => {
    const { target, engine } = setup(entra2020, 'disable');
    await engine.assign(person('alice'));
    await engine.setActive('alice', false);
    expect(ops(last(target.requests))).toEqual([{ op: 'replace', path: 'active', value: false }]);
    expect(entra2020.setActive.build(person('a'), 'u1', false, undefined, undefined as never)[0].quirk).toBeUndefined();
  });

  it('reads first, then merges replacements into one pathless op with dotted keys; filtered paths and new values stay separate', async () => {
    const { target, engine } = setup(entra2020);
    await engine.assign(person('alice', { department: 'Sales' }));
    const id = engine.userLinks.get('alice')!;
    target.requests.length = 0;
    await engine.update('alice', { displayName: 'A. T.', givenName: 'Al', email: 'al@example.test', department: 'Ops', title: 'Lead' });
    expect(lines(target.requests)).toEqual([`GET /Users/${id}`, `PATCH /Users/${id}`]);
    expect(ops(target.requests[1])).toEqual([
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'al@example.test' },
      { op: 'add', path: 'title', value: 'Lead' },
      { op: 'replace', value: { displayName: 'A. T.', 'name.givenName': 'Al', [`${ENT}:department`]: 'Ops' } },
    ]);
  });

  it('removes members one filter path at a time', async () => {
    const { target, engine } = setup(entra2020);
    await engine.assign(person('alice'));
    const a = engine.userLinks.get('alice')!;
    await engine.pushGroup(group('eng', ['alice']));
    expect(ops(last(target.requests))).toEqual([{ op: 'add', path: 'members', value: [{ $ref: null, value: a }] }]);
    await engine.removeMembers('eng', ['alice']);
    expect(ops(last(target.requests))).toEqual([{ op: 'remove', path: `members[value eq "${a}"]` }]);
  });
});
