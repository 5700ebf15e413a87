/** Entra ID's recorded wire shapes, default and aadOptscim062020 (MicrosoftDocs/entra-docs). */
import { describe, expect, it } from 'vitest';
import { entra, entra2020 } from '../../src/idp/profiles/entra.ts';
import { BASE, group, last, person, setup } from './harness.ts';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ops = (r: { body: any }) => r.body.Operations;

describe('entra wire shapes (default)', () => {
  it('tests the connection with a random-GUID userName filter and needs an empty list', async () => {
    const { target, engine } = setup(entra);
    expect((await engine.testConnection()).outcome).toBe('ok');
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0].query.get('filter')).toMatch(/^userName eq "[0-9a-f-]{36}"$/);
    target.users.set('x', { id: 'x', userName: 'whatever' });
    const { target: t2, engine: e2 } = setup(entra);
    t2.failNext('GET', '/Users', 500);
    t2.failNext('GET', '/Users', 500);
    t2.failNext('GET', '/Users', 500);
    t2.failNext('GET', '/Users', 500);
    expect((await e2.testConnection()).outcome).toBe('failed');
  });

  it('matches without paging and creates with the enterprise schema, meta.resourceType, roles: [] and no nulls', async () => {
    const { target, engine } = setup(entra);
    await engine.assign(person('alice', { department: 'Sales', title: undefined }));
    const [get, post] = target.requests;
    expect([...get.query.keys()]).toEqual(['filter']);
    expect(get.headers.get('content-type')).toBeNull();
    expect(post.headers.get('content-type')).toBe('application/json');
    expect(post.body.schemas).toContain(ENT);
    expect(post.body.meta).toEqual({ resourceType: 'User' });
    expect(post.body.roles).toEqual([]);
    expect(post.body[ENT]).toEqual({ department: 'Sales' });
    expect('title' in post.body).toBe(false);
    expect(post.body.externalId).toBe('alice');
  });

  it('updates with one capitalised op per changed attribute, filter and URN paths, manager as Add array', async () => {
    const { target, engine } = setup(entra);
    await engine.assign(person('boss'));
    await engine.assign(person('alice', { department: 'Sales' }));
    const id = engine.userLinks.get('alice')!;
    const bossId = engine.userLinks.get('boss')!;
    target.requests.length = 0;
    await engine.update('alice', { familyName: 'New', email: 'alice.new@example.test', department: 'Ops', title: 'Lead', manager: 'boss' });
    expect(target.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /Users/${id}`]);
    expect(ops(target.requests[0])).toEqual([
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice.new@example.test' },
      { op: 'Replace', path: 'name.familyName', value: 'New' },
      { op: 'Add', path: 'title', value: 'Lead' },
      { op: 'Replace', path: `${ENT}:department`, value: 'Ops' },
      { op: 'Add', path: 'manager', value: [{ $ref: `${BASE}/Users/${bossId}`, value: bossId }] },
    ]);
  });

  it('deactivates with Replace active "False" (a string) and DELETEs only when set to delete', async () => {
    const { target, engine } = setup(entra, 'disable');
    await engine.assign(person('alice'));
    await engine.remove('alice');
    expect(ops(last(target.requests))).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
    await engine.setActive('alice', true);
    expect(ops(last(target.requests))).toEqual([{ op: 'Replace', path: 'active', value: 'True' }]);
    const d = setup(entra, 'delete');
    await d.engine.assign(person('alice'));
    const id = d.engine.userLinks.get('alice');
    await d.engine.remove('alice');
    expect(`${last(d.target.requests).method} ${last(d.target.requests).path}`).toBe(`DELETE /Users/${id}`);
  });

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
  it('deactivates with lower-case replace and a boolean', async () => {
    const { target, engine } = setup(entra2020, 'disable');
    await engine.assign(person('alice'));
    await engine.setActive('alice', false);
    expect(ops(last(target.requests))).toEqual([{ op: 'replace', path: 'active', value: false }]);
  });

  it('merges replacements into one pathless op with dotted keys; filtered paths and new values stay separate', async () => {
    const { target, engine } = setup(entra2020);
    await engine.assign(person('alice', { department: 'Sales' }));
    const id = engine.userLinks.get('alice')!;
    target.requests.length = 0;
    await engine.update('alice', { displayName: 'A. T.', givenName: 'Al', email: 'al@example.test', department: 'Ops', title: 'Lead' });
    expect(target.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /Users/${id}`]);
    expect(ops(target.requests[0])).toEqual([
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
