import { describe, expect, it } from 'vitest';
import { BASE, USER_SCHEMA, client, expectScimError, patchOp } from './helpers.ts';

describe('Users: create (RFC 7644 §3.3)', () => {
  it('201 with Location = meta.location, server id, meta and an ETag equal to meta.version', async () => {
    const c = client();
    const r = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'bjensen', id: 'client-id', meta: { version: 'W/"x"' }, name: { givenName: 'Barbara' } });
    expect(r.status).toBe(201);
    const u = r.json;
    expect(u.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(u.id).not.toBe('client-id');
    expect(r.headers.get('location')).toBe(`${BASE}/Users/${u.id}`);
    expect(u.meta.location).toBe(r.headers.get('location'));
    expect(u.meta.resourceType).toBe('User');
    expect(u.meta.created).toBe(u.meta.lastModified);
    // Strong entity tags by default (RFC 7232 §2.3); the weak-etags variant makes them W/"..." (variants.test.ts).
    expect(u.meta.version).toMatch(/^"[0-9a-f]+"$/);
    expect(r.headers.get('etag')).toBe(u.meta.version);
    expect(u.name.givenName).toBe('Barbara');
    expect(u.schemas).toEqual([USER_SCHEMA]);
  });

  it('RFC 7644 §3.3: the Location origin follows the request', async () => {
    const c = client();
    const r = await c.req('POST', 'http://sp.example:8443/scim/v2/Users', { schemas: [USER_SCHEMA], userName: 'origin' });
    expect(r.headers.get('location')).toMatch(/^http:\/\/sp\.example:8443\/scim\/v2\/Users\//);
  });

  it('RFC 7643 §3: missing userName or schemas is 400', async () => {
    const c = client();
    expectScimError(await c.post('/Users', { schemas: [USER_SCHEMA] }), 400);
    expectScimError(await c.post('/Users', { userName: 'no-schemas' }), 400);
  });

  it('RFC 7643 §4.1.1 / RFC 7644 §3.3: a userName differing only in case is 409 uniqueness', async () => {
    const c = client();
    await c.createUser('Alice');
    expectScimError(await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'aLICE' }), 409, 'uniqueness');
  });

  it('RFC 7643 §4.1.1: password is stored hashed and never returned, even when asked for', async () => {
    const c = client();
    const r = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'pw', password: 'Secr3t!' });
    expect(r.json.password).toBeUndefined();
    expect(r.text).not.toContain('Secr3t!');
    const id = r.json.id;
    const asked = await c.get(`/Users/${id}?attributes=password,userName`);
    expect(asked.json.password).toBeUndefined();
    expect(asked.json.userName).toBe('pw');
    const stored = await c.provider.store.get('User', id);
    expect(String(stored!.password)).toMatch(/^\$scrypt\$/);
    expect(JSON.stringify(await c.provider.store.snapshot())).not.toContain('Secr3t!');
    // RFC 7644 §3.4.2.2 via validateFilter: filtering on a writeOnly attribute is invalidFilter.
    expectScimError(await c.get(`/Users?filter=${encodeURIComponent('password eq "Secr3t!"')}`), 400, 'invalidFilter');
  });

  it('RFC 7643 §4.1.2: POST with groups is 400 mutability', async () => {
    const c = client();
    const g = await c.createGroup('g-post');
    expectScimError(await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'gg', groups: [{ value: g.id }] }), 400, 'mutability');
  });
});

describe('Users: read (RFC 7644 §3.4.1) and ETags (RFC 7644 §3.14)', () => {
  it('GET returns the resource with ETag; unknown id is 404', async () => {
    const c = client();
    const u = await c.createUser('reader');
    const r = await c.get(`/Users/${u.id}`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual(u);
    expect(r.headers.get('etag')).toBe(u.meta.version);
    expectScimError(await c.get('/Users/00000000-0000-0000-0000-000000000000'), 404);
  });

  it('If-None-Match with the current version is 304; a stale one gets the resource', async () => {
    const c = client();
    const u = await c.createUser('etag');
    const same = await c.get(`/Users/${u.id}`, { 'if-none-match': u.meta.version });
    expect(same.status).toBe(304);
    expect(same.text).toBe('');
    expect(same.headers.get('etag')).toBe(u.meta.version);
    expect((await c.get(`/Users/${u.id}`, { 'if-none-match': 'W/"other"' })).status).toBe(200);
  });

  it('If-Match mismatch is 412 and changes nothing, on PUT, PATCH and DELETE', async () => {
    const c = client();
    const u = await c.createUser('guarded');
    const stale = { 'if-match': 'W/"stale"' };
    expectScimError(await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'changed' }, stale), 412);
    expectScimError(await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'userName', value: 'changed' }), stale), 412);
    expectScimError(await c.del(`/Users/${u.id}`, stale), 412);
    expect((await c.get(`/Users/${u.id}`)).json).toEqual(u);
    const ok = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'D' }), { 'if-match': u.meta.version });
    expect(ok.status).toBe(200);
    expect((await c.del(`/Users/${u.id}`, { 'if-match': '*' })).status).toBe(204);
  });

  it('meta.version changes on every modification and the ETag follows it', async () => {
    const c = client();
    const u = await c.createUser('versions');
    const p = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'T' }));
    expect(p.json.meta.version).not.toBe(u.meta.version);
    expect(p.headers.get('etag')).toBe(p.json.meta.version);
    const q = await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'versions' });
    expect(q.json.meta.version).not.toBe(p.json.meta.version);
    expect(q.headers.get('etag')).toBe(q.json.meta.version);
    expect(q.json.meta.created).toBe(u.meta.created);
  });
});

describe('Users: replace (RFC 7644 §3.5.1)', () => {
  it('PUT clears attributes absent from the body, keeps id/meta.created, ignores readOnly input', async () => {
    const c = client();
    const u = await c.createUser('putter', { title: 'Boss', nickName: 'P' });
    const r = await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], id: 'other', userName: 'putter', nickName: 'Q' });
    expect(r.status).toBe(200);
    expect(r.json.id).toBe(u.id);
    expect(r.json.title).toBeUndefined();
    expect(r.json.nickName).toBe('Q');
    expect((await c.get(`/Users/${u.id}`)).json.title).toBeUndefined();
  });

  it('PUT renaming onto another user (any case) is 409; unknown id is 404', async () => {
    const c = client();
    await c.createUser('taken');
    const u = await c.createUser('mover');
    expectScimError(await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'TAKEN' }), 409, 'uniqueness');
    // Renaming to a case variant of one's own name is fine.
    expect((await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'MOVER' })).status).toBe(200);
    expectScimError(await c.put('/Users/nope', { schemas: [USER_SCHEMA], userName: 'x' }), 404);
  });

  it('RFC 7643 §4.1.2: PUT changing groups is 400 mutability; echoing them unchanged is accepted', async () => {
    const c = client();
    const u = await c.createUser('member');
    const g = await c.createGroup('team', [u.id]);
    const other = await c.createGroup('other');
    const current = (await c.get(`/Users/${u.id}`)).json;
    expect(current.groups).toEqual([{ value: g.id, $ref: `${BASE}/Groups/${g.id}`, display: 'team', type: 'direct' }]);
    expectScimError(await c.put(`/Users/${u.id}`, { ...current, groups: [{ value: other.id }] }), 400, 'mutability');
    const echoed = await c.put(`/Users/${u.id}`, { ...current, displayName: 'M' });
    expect(echoed.status).toBe(200);
    expect(echoed.json.groups).toEqual(current.groups);
  });

  it('PUT without password keeps the stored one (writeOnly cannot be echoed)', async () => {
    const c = client();
    const u = await c.createUser('keeppw', { password: 'first' });
    const before = (await c.provider.store.get('User', u.id))!.password;
    await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'keeppw' });
    expect((await c.provider.store.get('User', u.id))!.password).toBe(before);
    await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'keeppw', password: 'second' });
    expect((await c.provider.store.get('User', u.id))!.password).not.toBe(before);
  });
});

describe('Users: modify (RFC 7644 §3.5.2) and delete (RFC 7644 §3.6)', () => {
  it('PATCH answers 200 with the resource, honouring ?attributes', async () => {
    const c = client();
    const u = await c.createUser('patcher');
    const r = await c.patch(`/Users/${u.id}?attributes=displayName`, patchOp({ op: 'replace', path: 'displayName', value: 'Pat' }));
    expect(r.status).toBe(200);
    expect(r.json.displayName).toBe('Pat');
    expect(r.json.userName).toBeUndefined();
    expect(r.json.id).toBe(u.id);
    expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]+"$/);
  });

  it('PATCH to a taken userName (any case) is 409 and changes nothing', async () => {
    const c = client();
    await c.createUser('first');
    const u = await c.createUser('second');
    expectScimError(await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'userName', value: 'FIRST' })), 409, 'uniqueness');
    expect((await c.get(`/Users/${u.id}`)).json).toEqual(u);
  });

  it('RFC 7643 §4.1.2: PATCH of groups (by path or in a path-less value) is 400 mutability', async () => {
    const c = client();
    const u = await c.createUser('nogroups');
    const g = await c.createGroup('ng');
    expectScimError(await c.patch(`/Users/${u.id}`, patchOp({ op: 'add', path: 'groups', value: [{ value: g.id }] })), 400, 'mutability');
    expectScimError(await c.patch(`/Users/${u.id}`, patchOp({ op: 'add', value: { groups: [{ value: g.id }] } })), 400, 'mutability');
  });

  it('RFC 7644 §3.5.2: a failing operation leaves the resource untouched (atomic)', async () => {
    const c = client();
    const u = await c.createUser('atomic');
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'New' }, { op: 'remove', path: 'userName' }));
    expect(r.status).toBe(400);
    expect((await c.get(`/Users/${u.id}`)).json).toEqual(u);
  });

  it('PATCH of a password stores a new hash and never returns it', async () => {
    const c = client();
    const u = await c.createUser('pwpatch', { password: 'old' });
    const before = (await c.provider.store.get('User', u.id))!.password;
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'password', value: 'n3w-pass' }));
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('n3w-pass');
    const after = (await c.provider.store.get('User', u.id))!.password;
    expect(after).not.toBe(before);
    expect(String(after)).toMatch(/^\$scrypt\$/);
  });

  it('DELETE is 204, then 404 for GET, PUT, PATCH and DELETE', async () => {
    const c = client();
    const u = await c.createUser('deleted');
    const d = await c.del(`/Users/${u.id}`);
    expect(d.status).toBe(204);
    expect(d.text).toBe('');
    expectScimError(await c.get(`/Users/${u.id}`), 404);
    expectScimError(await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'deleted' }), 404);
    expectScimError(await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'x' })), 404);
    expectScimError(await c.del(`/Users/${u.id}`), 404);
    // The name is free again.
    expect((await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'deleted' })).status).toBe(201);
  });
});

describe('Users: groups sent as no value (RFC 7643 §2.5)', () => {
  it('"groups": [] or null in POST/PUT is not a write of groups (Okta habit)', async () => {
    const c = client();
    const r = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'okta', groups: [] });
    expect(r.status).toBe(201);
    const g = await c.createGroup('kept', [r.json.id]);
    const put = await c.put(`/Users/${r.json.id}`, { schemas: [USER_SCHEMA], userName: 'okta', groups: null });
    expect(put.status).toBe(200);
    expect(put.json.groups.map((x: any) => x.value)).toEqual([g.id]);
  });
});
