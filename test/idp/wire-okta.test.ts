/** Okta's recorded wire shapes (Okta SCIM 2.0 protocol reference); a refactor must not change them. */
import { describe, expect, it } from 'vitest';
import { makeOkta, okta } from '../../src/idp/profiles/okta.ts';
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

  it('leaves the password out when Sync Password is off', async () => {
    const { target, engine } = setup(makeOkta({ syncPassword: false }));
    await engine.assign(person('alice'));
    expect('password' in target.requests[1].body).toBe(false);
    expect(target.requests[1].body.groups).toEqual([]);
  });

  it('links an existing account instead of creating it', async () => {
    const { target, engine } = setup(okta);
    target.users.set('pre', { id: 'pre', userName: 'ALICE@example.test' });
    expect((await engine.assign(person('alice'))).outcome).toBe('linked');
    expect(target.requests.map((r) => r.method)).toEqual(['GET']);
    expect(engine.userLinks.get('alice')).toBe('pre');
  });

  it('updates with GET then PUT of the whole resource', async () => {
    const { target, engine } = setup(okta);
    await engine.assign(person('alice'));
    const id = engine.userLinks.get('alice')!;
    target.users.get(id).groups = [{ value: 'g1', display: 'eng' }];
    target.requests.length = 0;
    expect((await engine.update('alice', { givenName: 'Alicia' })).outcome).toBe('updated');
    expect(target.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /Users/${id}`, `PUT /Users/${id}`]);
    const put = target.requests[1].body;
    expect(put).toMatchObject({ id, userName: 'alice@example.test', name: { givenName: 'Alicia', familyName: 'Tester' }, active: true });
    expect(put.password).toBeUndefined();
    // What it read is kept: readOnly groups travel back unchanged, never reset.
    expect(put.groups).toEqual([{ value: 'g1', display: 'eng' }]);
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

  it('pushes groups: add [{value, display}], rename {id, displayName}, remove by members[value eq], delete', async () => {
    const { target, engine } = setup(okta);
    await engine.assign(person('alice'));
    await engine.assign(person('bob'));
    const a = engine.userLinks.get('alice')!;
    const b = engine.userLinks.get('bob')!;
    await engine.pushGroup(group('eng', ['alice', 'bob']));
    const gid = engine.groupLinks.get('eng')!;
    const post = target.requests.find((r) => r.method === 'POST' && r.path === '/Groups')!;
    expect(post.body.members).toEqual([]);
    expect(ops(last(target.requests))).toEqual([
      { op: 'add', path: 'members', value: [{ value: a, display: 'alice Tester' }, { value: b, display: 'bob Tester' }] },
    ]);
    await engine.renameGroup('eng', 'platform');
    expect(ops(last(target.requests))).toEqual([{ op: 'replace', value: { id: gid, displayName: 'platform' } }]);
    await engine.removeMembers('eng', ['alice', 'bob']);
    expect(ops(last(target.requests))).toEqual([
      { op: 'remove', path: `members[value eq "${a}"]` },
      { op: 'remove', path: `members[value eq "${b}"]` },
    ]);
    await engine.deleteGroup('eng');
    expect(`${last(target.requests).method} ${last(target.requests).path}`).toBe(`DELETE /Groups/${gid}`);
  });

  it('batches large membership changes 100 at a time', async () => {
    const { target, engine } = setup(okta);
    const keys = Array.from({ length: 250 }, (_, i) => `m${i}`);
    for (const k of keys) await engine.assign(person(k));
    target.requests.length = 0;
    await engine.pushGroup(group('all', keys));
    const patches = target.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => ops(p)[0].value.length)).toEqual([100, 100, 50]);
  });

  it('stops a user after 409 on create: no retry at the next cycle', async () => {
    const { target, engine } = setup(okta);
    target.failNext('POST', '/Users', 409);
    expect((await engine.assign(person('alice'))).outcome).toBe('conflict');
    target.requests.length = 0;
    expect(await engine.cycle()).toEqual({});
    expect(target.requests).toHaveLength(0);
  });

  it('on 404 during update, re-provisions (match, then create) at the retry', async () => {
    const { target, engine } = setup(okta);
    await engine.assign(person('alice'));
    target.users.clear();
    expect((await engine.update('alice', { familyName: 'Gone' })).outcome).toBe('not-found');
    target.requests.length = 0;
    const res = await engine.cycle();
    expect(res.alice.outcome).toBe('recreated');
    expect(target.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(target.requests[1].body.name.familyName).toBe('Gone');
  });
});
