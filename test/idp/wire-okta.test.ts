/**
 * Okta's recorded wire shapes, OIN template (Okta developer docs, "SCIM 2.0 protocol reference": Okta-ref); a
 * refactor must not change them. The App Integration Wizard's are in wire-okta-aiw.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { okta } from '../../src/idp/profiles/okta.ts';
import { group, last, person, setup } from './harness.ts';

const ops = (r: { body: any }) => r.body.Operations;

describe('okta wire shapes', () => {
  it('sends its headers and bearer auth; no Content-Type on GET', async () => {
    const { target, engine } = setup(okta);
    await engine.assign(person('alice'));
    const [get, post] = target.requests;
    expect(get.headers.get('user-agent')).toBe('Okta SCIM Client 1.0.0');
    expect(get.headers.get('accept')).toBe('application/scim+json');
    expect(get.headers.get('authorization')).toBe('Bearer secret-token');
    expect(get.headers.get('content-type')).toBeNull();
    expect(post.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
  });

  it('tests the connection by paging Users (count=2) and Groups (count=100)', async () => {
    const { target, engine } = setup(okta);
    expect((await engine.testConnection()).outcome).toBe('ok');
    expect(target.requests.map((r) => `${r.method} ${r.path}?${r.query}`)).toEqual([
      'GET /Users?startIndex=1&count=2',
      'GET /Groups?startIndex=1&count=100',
    ]);
  });

  it('matches on userName with paging, then creates with externalId = Okta id, password and groups: []', async () => {
    const { target, engine } = setup(okta);
    expect((await engine.assign(person('alice'))).outcome).toBe('created');
    const [get, post] = target.requests;
    expect(get.query.get('filter')).toBe('userName eq "alice@example.test"');
    expect(get.query.get('startIndex')).toBe('1');
    expect(get.query.get('count')).toBe('100');
    expect(post.method).toBe('POST');
    expect(post.body).toMatchObject({ externalId: 'idp-alice', groups: [], active: true, userName: 'alice@example.test' });
    expect(typeof post.body.password).toBe('string');
    expect(post.body.emails).toEqual([{ primary: true, value: 'alice@example.test', type: 'work' }]);
  });

  it('takes a 404 to the lookup as "no match" and creates (Okta-ref: "another acceptable response")', async () => {
    const { target, engine } = setup(okta);
    target.failNext('GET', '/Users', 404);
    expect((await engine.assign(person('alice'))).outcome).toBe('created');
    expect(target.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('links a matched account, then sends the profile: GET + PUT of the resource as read (Okta-ref)', async () => {
    const { target, engine } = setup(okta);
    const meta = { resourceType: 'User', version: 'W/"7"' };
    target.users.set('pre', { id: 'pre', userName: 'ALICE@example.test', name: { givenName: 'A', middleName: 'M' }, meta, active: true });
    const r = await engine.assign(person('alice'));
    expect(r).toMatchObject({ outcome: 'linked', reason: 'profile sent' });
    expect(target.requests.map((x) => `${x.method} ${x.path}`)).toEqual(['GET /Users', 'GET /Users/pre', 'PUT /Users/pre']);
    expect(engine.userLinks.get('alice')).toBe('pre');
    const put = target.requests[2].body;
    // Okta's profile on top of what was read: meta and sub-attributes Okta does not hold stay.
    expect(put).toMatchObject({ id: 'pre', userName: 'alice@example.test', meta, active: true, name: { givenName: 'Alice', middleName: 'M', familyName: 'Tester' } });
    expect(put.password).toBeUndefined();
  });

  it('reactivates an inactive match with its PATCH after the profile PUT (the PUT keeps active as read)', async () => {
    const { target, engine } = setup(okta);
    target.users.set('pre', { id: 'pre', userName: 'alice@example.test', active: false });
    expect(await engine.assign(person('alice'))).toMatchObject({ outcome: 'linked', reason: 'profile sent; the inactive account reactivated' });
    expect(target.requests.map((x) => `${x.method} ${x.path}`)).toEqual(['GET /Users', 'GET /Users/pre', 'PUT /Users/pre', 'PATCH /Users/pre']);
    expect(target.requests[2].body.active).toBe(false);
    expect(ops(target.requests[3])).toEqual([{ op: 'replace', value: { active: true } }]);
  });

  it('updates with GET then PUT of the whole resource as read, meta included', async () => {
    const { target, engine } = setup(okta);
    await engine.assign(person('alice'));
    const id = engine.userLinks.get('alice')!;
    target.users.get(id).groups = [{ value: 'g1', display: 'eng' }];
    target.users.get(id).meta = { resourceType: 'User', created: '2026-01-01T00:00:00Z', version: 'W/"3"' };
    target.requests.length = 0;
    expect((await engine.update('alice', { givenName: 'Alicia' })).outcome).toBe('updated');
    expect(target.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /Users/${id}`, `PUT /Users/${id}`]);
    const put = target.requests[1].body;
    expect(put).toMatchObject({ id, userName: 'alice@example.test', name: { givenName: 'Alicia', familyName: 'Tester' }, active: true });
    expect(put.password).toBeUndefined();
    // What it read is kept: readOnly groups travel back unchanged, never reset.
    expect(put.groups).toEqual([{ value: 'g1', display: 'eng' }]);
    expect(put.meta).toEqual({ resourceType: 'User', created: '2026-01-01T00:00:00Z', version: 'W/"3"' });
  });

  it('deactivates with a pathless replace of {active:false} and never DELETEs, even when set to delete', async () => {
    const { target, engine } = setup(okta, 'delete');
    await engine.assign(person('alice'));
    target.requests.length = 0;
    expect((await engine.remove('alice')).outcome).toBe('deactivated');
    expect(target.requests.map((r) => r.method)).toEqual(['PATCH']);
    expect(ops(target.requests[0])).toEqual([{ op: 'replace', value: { active: false } }]);
    await engine.setActive('alice', true);
    expect(ops(last(target.requests))).toEqual([{ op: 'replace', value: { active: true } }]);
  });

  it('pushes groups: lookup by displayName, POST members: [], rename op with every membership PATCH, display = login', async () => {
    const { target, engine } = setup(okta);
    await engine.assign(person('alice'));
    await engine.assign(person('bob'));
    const a = engine.userLinks.get('alice')!;
    const b = engine.userLinks.get('bob')!;
    target.requests.length = 0;
    await engine.pushGroup(group('eng', ['alice', 'bob']));
    const gid = engine.groupLinks.get('eng')!;
    const rename = (name: string) => [{ op: 'replace', value: { id: gid, displayName: name } }];
    expect(target.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /Groups', 'POST /Groups', `PATCH /Groups/${gid}`, `PATCH /Groups/${gid}`]);
    // Okta-ref, Retrieve Groups: filter=displayName eq "…"&startIndex=1&count=100 before the create.
    expect(Object.fromEntries(target.requests[0].query)).toEqual({ filter: 'displayName eq "group eng"', startIndex: '1', count: '100' });
    expect(target.requests[1].body.members).toEqual([]);
    // "The group name update operation is triggered each time there's a group membership update operation."
    expect(ops(target.requests[2])).toEqual(rename('group eng'));
    expect(ops(target.requests[3])).toEqual([
      { op: 'add', path: 'members', value: [{ value: a, display: 'alice@example.test' }, { value: b, display: 'bob@example.test' }] },
    ]);
    await engine.renameGroup('eng', 'platform');
    expect(ops(last(target.requests))).toEqual(rename('platform'));
    target.requests.length = 0;
    await engine.removeMembers('eng', ['alice', 'bob']);
    expect(target.requests.map((r) => ops(r))).toEqual([
      rename('platform'),
      [
        { op: 'remove', path: `members[value eq "${a}"]` },
        { op: 'remove', path: `members[value eq "${b}"]` },
      ],
    ]);
    await engine.deleteGroup('eng');
    expect(`${last(target.requests).method} ${last(target.requests).path}`).toBe(`DELETE /Groups/${gid}`);
  });

  it('sends removals and additions of one membership change in ONE PATCH, removals first (Okta-ref example)', async () => {
    const { target, engine } = setup(okta);
    for (const k of ['alice', 'bob', 'carol']) await engine.assign(person(k));
    const [a, b, c] = ['alice', 'bob', 'carol'].map((k) => engine.userLinks.get(k)!);
    await engine.pushGroup(group('eng', ['alice', 'bob']));
    const gid = engine.groupLinks.get('eng')!;
    target.requests.length = 0;
    expect((await engine.changeMembers('eng', ['carol'], ['alice'])).outcome).toBe('updated');
    expect(target.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /Groups/${gid}`, `PATCH /Groups/${gid}`]);
    expect(ops(target.requests[0])).toEqual([{ op: 'replace', value: { id: gid, displayName: 'group eng' } }]);
    expect(ops(target.requests[1])).toEqual([
      { op: 'remove', path: `members[value eq "${a}"]` },
      { op: 'add', path: 'members', value: [{ value: c, display: 'carol@example.test' }] },
    ]);
    expect(engine.groups.get('eng')!.members).toEqual(['bob', 'carol']);
    // "Push now": replace members with the whole list (Okta-ref, "a full push of the membership").
    target.requests.length = 0;
    expect((await engine.pushNow('eng')).outcome).toBe('updated');
    expect(ops(last(target.requests))).toEqual([
      { op: 'replace', path: 'members', value: [{ value: b, display: 'bob@example.test' }, { value: c, display: 'carol@example.test' }] },
    ]);
    expect(ops(target.requests[0])).toEqual([{ op: 'replace', value: { id: gid, displayName: 'group eng' } }]);
  });

  it('batches large membership changes 100 at a time', async () => {
    const { target, engine } = setup(okta);
    const keys = Array.from({ length: 250 }, (_, i) => `m${i}`);
    for (const k of keys) await engine.assign(person(k));
    target.requests.length = 0;
    await engine.pushGroup(group('all', keys));
    const adds = target.requests.filter((r) => r.method === 'PATCH' && ops(r)[0].path === 'members');
    expect(adds.map((p) => ops(p)[0].value.length)).toEqual([100, 100, 50]);
  });

  it('stops a user after 409 on create: no retry at the next cycle', async () => {
    const { target, engine } = setup(okta);
    target.failNext('POST', '/Users', 409);
    expect((await engine.assign(person('alice'))).outcome).toBe('conflict');
    target.requests.length = 0;
    expect(await engine.cycle()).toEqual({});
    expect(target.requests).toHaveLength(0);
  });

  it('on 404 during update, stops: nothing at the next cycle; unassign + reassign matches and creates anew (Okta-kb)', async () => {
    const { target, engine } = setup(okta);
    await engine.assign(person('alice'));
    target.users.clear();
    const r = await engine.update('alice', { familyName: 'Gone' });
    expect(r.outcome).toBe('not-found');
    expect(r.reason).toMatch(/stops here until the person is unassigned and assigned again/);
    target.requests.length = 0;
    expect(await engine.cycle()).toEqual({});
    expect(target.requests).toHaveLength(0);
    expect((await engine.assign(person('alice', { familyName: 'Gone' }))).outcome).toBe('created');
    expect(target.requests.map((x) => x.method)).toEqual(['GET', 'POST']);
    expect(target.requests[1].body.name.familyName).toBe('Gone');
    expect(engine.idHistory.get('alice')).toHaveLength(2);
  });
});
