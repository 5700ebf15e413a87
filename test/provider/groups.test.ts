import { describe, expect, it } from 'vitest';
import { BASE, GROUP_SCHEMA, client, expectScimError, patchOp } from './helpers.ts';

describe('Groups (RFC 7643 §4.2)', () => {
  it('members come back with value, $ref (absolute), type and display filled from the member', async () => {
    const c = client();
    const u = await c.createUser('ann', { displayName: 'Ann A' });
    const v = await c.createUser('bob');
    const inner = await c.createGroup('inner');
    const g = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'outer', members: [{ value: u.id, display: 'ignored' }, { value: v.id, type: 'User' }, { value: inner.id }] });
    expect(g.status).toBe(201);
    expect(g.json.members).toEqual([
      { value: u.id, $ref: `${BASE}/Users/${u.id}`, type: 'User', display: 'Ann A' },
      { value: v.id, $ref: `${BASE}/Users/${v.id}`, type: 'User', display: 'bob' },
      { value: inner.id, $ref: `${BASE}/Groups/${inner.id}`, type: 'Group', display: 'inner' },
    ]);
    // RFC 7643 §4.1.2: the user's derived groups show the membership.
    expect((await c.get(`/Users/${u.id}`)).json.groups).toEqual([{ value: g.json.id, $ref: `${BASE}/Groups/${g.json.id}`, display: 'outer', type: 'direct' }]);
  });

  it('member display follows a rename of the member', async () => {
    const c = client();
    const u = await c.createUser('renamed');
    const g = await c.createGroup('follows', [u.id]);
    await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'New Name' }));
    expect((await c.get(`/Groups/${g.id}`)).json.members[0].display).toBe('New Name');
  });

  it('unknown member ids, a wrong member type, or the group itself are 400 invalidValue', async () => {
    const c = client();
    const u = await c.createUser('real');
    expectScimError(await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'bad', members: [{ value: 'no-such-id' }] }), 400, 'invalidValue');
    expectScimError(await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'bad2', members: [{ value: u.id, type: 'Group' }] }), 400, 'invalidValue');
    const g = await c.createGroup('self');
    expectScimError(await c.patch(`/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: g.id }] })), 400, 'invalidValue');
    expectScimError(await c.patch(`/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: 'ghost' }] })), 400, 'invalidValue');
    expect((await c.get(`/Groups/${g.id}`)).json.members).toBeUndefined();
  });

  it('RFC 7644 §3.5.2.1 / §3.5.2.2: PATCH adds and removes members', async () => {
    const c = client();
    const a = await c.createUser('pa');
    const b = await c.createUser('pb');
    const g = await c.createGroup('patched', [a.id]);
    const added = await c.patch(`/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: b.id }] }));
    expect(added.status).toBe(200);
    expect(added.json.members.map((m: any) => m.value).sort()).toEqual([a.id, b.id].sort());
    const removed = await c.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${a.id}"]` }));
    expect(removed.json.members.map((m: any) => m.value)).toEqual([b.id]);
    expect((await c.get(`/Users/${a.id}`)).json.groups).toBeUndefined();
  });

  it('deleting a user removes it from every group it was in', async () => {
    const c = client();
    const u = await c.createUser('leaver');
    const w = await c.createUser('stayer');
    const g1 = await c.createGroup('g1', [u.id, w.id]);
    const g2 = await c.createGroup('g2', [u.id]);
    const v1 = (await c.get(`/Groups/${g1.id}`)).json.meta.version;
    expect((await c.del(`/Users/${u.id}`)).status).toBe(204);
    const after1 = (await c.get(`/Groups/${g1.id}`)).json;
    expect(after1.members.map((m: any) => m.value)).toEqual([w.id]);
    expect(after1.meta.version).not.toBe(v1);
    expect((await c.get(`/Groups/${g2.id}`)).json.members).toBeUndefined();
    expect(await c.provider.store.groupsOf(u.id)).toEqual([]);
  });

  it('displayName is server-unique by default (409); uniqueGroupDisplayName:false allows duplicates', async () => {
    const c = client();
    await c.createGroup('Admins');
    expectScimError(await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'admins' }), 409, 'uniqueness');
    const g = await c.createGroup('Other');
    expectScimError(await c.patch(`/Groups/${g.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'ADMINS' })), 409, 'uniqueness');
    const lax = client({ uniqueGroupDisplayName: false });
    await lax.createGroup('Admins');
    expect((await lax.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Admins' })).status).toBe(201);
  });

  it('PUT replaces the member list; DELETE of a group frees its members', async () => {
    const c = client();
    const a = await c.createUser('ra');
    const b = await c.createUser('rb');
    const g = await c.createGroup('replaced', [a.id]);
    const r = await c.put(`/Groups/${g.id}`, { schemas: [GROUP_SCHEMA], displayName: 'replaced', members: [{ value: b.id }] });
    expect(r.json.members.map((m: any) => m.value)).toEqual([b.id]);
    expect((await c.get(`/Users/${a.id}`)).json.groups).toBeUndefined();
    expect((await c.del(`/Groups/${g.id}`)).status).toBe(204);
    expect((await c.get(`/Users/${b.id}`)).json.groups).toBeUndefined();
  });
});
