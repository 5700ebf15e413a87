/** The policy end to end, through the provider's fetch handler (no ports). */
import { describe, expect, it } from 'vitest';
import type { Policy } from '../../../src/provider/policy/format.ts';
import { FILESCOM_USER_URN } from '../../../src/provider/policy/extension.ts';
import { BULK_SCHEMA, USER_SCHEMA, client, expectScimError, patchOp } from '../helpers.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const withPolicy = (p: Partial<Policy> = {}) => client({ policy: { deprovision: 'disable', ...p } });
const ext = (user: any) => user[FILESCOM_USER_URN];
const addMember = (uid: string) => patchOp({ op: 'add', path: 'members', value: [{ value: uid }] });

describe('discovery (RFC 7644 §4)', () => {
  it('with a policy, /Schemas lists the extension and the User ResourceType names it, not required (RFC 7643 §6)', async () => {
    const c = withPolicy();
    const schemas = await c.get('/Schemas');
    expect(schemas.status).toBe(200);
    const ids = schemas.json.Resources.map((s: any) => s.id);
    expect(ids).toContain(FILESCOM_USER_URN);
    expect(schemas.json.totalResults).toBe(ids.length);
    const one = await c.get(`/Schemas/${FILESCOM_USER_URN}`);
    expect(one.status).toBe(200);
    // RFC 7643 §2.2: every attribute the policy decides is readOnly.
    expect(one.json.attributes.map((a: any) => a.name)).toEqual(['provisioned', 'siteAdmin', 'groupAdmin', 'localPassword', 'company', 'timeZone', 'webdavPermission', 'ftpPermission', 'sftpPermission']);
    expect(one.json.attributes.every((a: any) => a.mutability === 'readOnly')).toBe(true);
    expect(one.json.meta.location).toMatch(new RegExp(`/Schemas/${FILESCOM_USER_URN}$`));
    const rt = await c.get('/ResourceTypes/User');
    expect(rt.json.schemaExtensions).toEqual([
      { schema: ENTERPRISE, required: false },
      { schema: FILESCOM_USER_URN, required: false },
    ]);
    expect((await c.get('/ResourceTypes/Group')).json.schemaExtensions).toEqual([]);
  });

  it('without a policy the provider stays RFC core + enterprise: no extension anywhere', async () => {
    const c = client();
    const schemas = await c.get('/Schemas');
    expect(schemas.json.Resources.map((s: any) => s.id)).not.toContain(FILESCOM_USER_URN);
    expectScimError(await c.get(`/Schemas/${FILESCOM_USER_URN}`), 404);
    expect((await c.get('/ResourceTypes/User')).json.schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
    const u = await c.createUser('plain');
    expect(ext(u)).toBeUndefined();
    expect(u.schemas).toEqual([USER_SCHEMA]);
  });

  it('two providers in one process keep their own discovery (no shared state)', async () => {
    const a = withPolicy();
    const b = client();
    expect((await a.get('/ResourceTypes/User')).json.schemaExtensions).toHaveLength(2);
    expect((await b.get('/ResourceTypes/User')).json.schemaExtensions).toHaveLength(1);
  });
});

describe('the extension on Users (read-time decisions)', () => {
  it('every User carries the decision and names the extension in schemas (RFC 7643 §3)', async () => {
    const c = withPolicy({ company: 'ACME Corp.', timeZone: 'Eastern Time (US & Canada)', permissions: { sftp: true } });
    const u = await c.createUser('ann');
    expect(u.schemas).toEqual([USER_SCHEMA, FILESCOM_USER_URN]);
    expect(ext(u)).toEqual({
      provisioned: true,
      siteAdmin: false,
      groupAdmin: false,
      localPassword: false,
      company: 'ACME Corp.',
      timeZone: 'Eastern Time (US & Canada)',
      webdavPermission: false,
      ftpPermission: false,
      sftpPermission: true,
    });
    expect(ext((await c.get(`/Users/${u.id}`)).json)).toEqual(ext(u));
    const listed = await c.get('/Users');
    expect(ext(listed.json.Resources[0])).toEqual(ext(u));
  });

  it('joining a siteAdmin group makes the user a site admin at once; leaving it undoes that', async () => {
    const c = withPolicy({ siteAdminGroups: 'IT-*' });
    const u = await c.createUser('bob');
    const g = await c.createGroup('IT-Admins');
    expect(ext((await c.get(`/Users/${u.id}`)).json).siteAdmin).toBe(false);
    expect((await c.patch(`/Groups/${g.id}`, addMember(u.id))).status).toBe(200);
    expect(ext((await c.get(`/Users/${u.id}`)).json).siteAdmin).toBe(true);
    expect((await c.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${u.id}"]` }))).status).toBe(200);
    expect(ext((await c.get(`/Users/${u.id}`)).json).siteAdmin).toBe(false);
  });

  it('renaming a group re-decides for its members (decisions use the group displayName now)', async () => {
    const c = withPolicy({ provisionGroups: 'Files users' });
    const u = await c.createUser('cat');
    const g = await c.createGroup('Staff', [u.id]);
    expect(ext((await c.get(`/Users/${u.id}`)).json).provisioned).toBe(false);
    await c.patch(`/Groups/${g.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Files users' }));
    expect(ext((await c.get(`/Users/${u.id}`)).json).provisioned).toBe(true);
  });

  it('exclude beats include end to end', async () => {
    const c = withPolicy({ provisionGroups: 'Eng*', excludeGroups: 'Contractors', siteAdminGroups: 'Eng-admins' });
    const u = await c.createUser('dan');
    await c.createGroup('Eng-admins', [u.id]);
    expect(ext((await c.get(`/Users/${u.id}`)).json)).toMatchObject({ provisioned: true, siteAdmin: true });
    await c.createGroup('Contractors', [u.id]);
    expect(ext((await c.get(`/Users/${u.id}`)).json)).toMatchObject({ provisioned: false, siteAdmin: false });
  });

  it('RFC 7643 §2.2: values a client writes to the readOnly attributes are ignored on POST and PUT', async () => {
    const c = withPolicy();
    const forged = { provisioned: false, siteAdmin: true, groupAdmin: true, sftpPermission: true, company: 'Evil' };
    const created = await c.post('/Users', { schemas: [USER_SCHEMA, FILESCOM_USER_URN], userName: 'eve', [FILESCOM_USER_URN]: forged });
    expect(created.status).toBe(201);
    expect(ext(created.json)).toMatchObject({ provisioned: true, siteAdmin: false, groupAdmin: false, sftpPermission: false });
    expect(ext(created.json).company).toBeUndefined();
    const id = created.json.id;
    const put = await c.put(`/Users/${id}`, { schemas: [USER_SCHEMA], userName: 'eve', [FILESCOM_USER_URN]: forged });
    expect(put.status).toBe(200);
    expect(ext(put.json)).toMatchObject({ provisioned: true, siteAdmin: false });
    // Nothing of it was stored: the decision is computed, never kept.
    const stored = await c.provider.store.get('User', id);
    expect(JSON.stringify(stored)).not.toContain('Evil');
    expect(stored![FILESCOM_USER_URN]).toBeUndefined();
  });

  it('RFC 7644 §3.5.2: a PATCH naming a readOnly extension attribute is 400 mutability and changes nothing', async () => {
    const c = withPolicy();
    const u = await c.createUser('fay');
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: `${FILESCOM_USER_URN}:siteAdmin`, value: true }));
    expectScimError(r, 400, 'mutability');
    expect(ext((await c.get(`/Users/${u.id}`)).json).siteAdmin).toBe(false);
  });

  it('RFC 7644 §3.4.2.2: the extension attributes can be filtered on, sorted on (§3.4.2.3) and projected (§3.4.2.5)', async () => {
    const c = withPolicy({ siteAdminGroups: 'Admins' });
    const admin = await c.createUser('gus');
    await c.createUser('hal');
    await c.createGroup('Admins', [admin.id]);
    const found = await c.get(`/Users?filter=${encodeURIComponent(`${FILESCOM_USER_URN}:siteAdmin eq true`)}`);
    expect(found.status).toBe(200);
    expect(found.json.Resources.map((r: any) => r.userName)).toEqual(['gus']);
    const only = await c.get(`/Users/${admin.id}?attributes=${encodeURIComponent(`${FILESCOM_USER_URN}:siteAdmin`)}`);
    expect(ext(only.json)).toEqual({ siteAdmin: true });
    expect(only.json.userName).toBeUndefined();
    // RFC 7644 §3.4.2.3: booleans sort false before true.
    const sorted = await c.get(`/Users?sortBy=${encodeURIComponent(`${FILESCOM_USER_URN}:siteAdmin`)}&sortOrder=descending`);
    expect(sorted.json.Resources.map((r: any) => r.userName)).toEqual(['gus', 'hal']);
    const without = await c.get(`/Users/${admin.id}?excludedAttributes=${encodeURIComponent(FILESCOM_USER_URN)}`);
    expect(ext(without.json)).toBeUndefined();
    expect(without.json.userName).toBe('gus');
  });

  it('Groups are untouched by the policy', async () => {
    const c = withPolicy({ siteAdminGroups: '*' });
    const g = await c.createGroup('Any');
    expect(ext(g)).toBeUndefined();
    expect(g.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Group']);
  });
});

describe('deprovision', () => {
  it('disable: DELETE answers 204, the user stays readable with active false, memberships and a new version', async () => {
    const c = withPolicy({ deprovision: 'disable' });
    const u = await c.createUser('ivy', { active: true });
    const g = await c.createGroup('Team', [u.id]);
    const del = await c.del(`/Users/${u.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const after = await c.get(`/Users/${u.id}`);
    expect(after.status).toBe(200);
    expect(after.json.active).toBe(false);
    expect(after.json.userName).toBe('ivy');
    expect(after.json.meta.version).not.toBe(u.meta.version);
    expect(after.json.groups.map((x: any) => x.value)).toEqual([g.id]);
    expect((await c.get(`/Groups/${g.id}`)).json.members.map((m: any) => m.value)).toEqual([u.id]);
    // The userName stays taken: the record is kept for audit, not freed for reuse.
    expectScimError(await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'IVY' }), 409, 'uniqueness');
    // A second DELETE is still 204 and leaves the record as it is.
    expect((await c.del(`/Users/${u.id}`)).status).toBe(204);
    expect((await c.get(`/Users/${u.id}`)).json.meta.version).toBe(after.json.meta.version);
    // Reactivation is an ordinary write (RFC 7643 §4.1.1 active is readWrite).
    const back = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'active', value: true }));
    expect(back.json.active).toBe(true);
  });

  it('disable: If-Match still guards the DELETE (RFC 7644 §3.14)', async () => {
    const c = withPolicy({ deprovision: 'disable' });
    const u = await c.createUser('jon');
    expectScimError(await c.del(`/Users/${u.id}`, { 'if-match': 'W/"stale"' }), 412);
    expect((await c.get(`/Users/${u.id}`)).json.active).not.toBe(false);
  });

  it('disable applies to Users only: a Group DELETE still removes the group', async () => {
    const c = withPolicy({ deprovision: 'disable' });
    const g = await c.createGroup('Gone');
    expect((await c.del(`/Groups/${g.id}`)).status).toBe(204);
    expectScimError(await c.get(`/Groups/${g.id}`), 404);
  });

  it('disable also applies to DELETE inside /Bulk (RFC 7644 §3.7 runs the same operation)', async () => {
    const c = withPolicy({ deprovision: 'disable' });
    const u = await c.createUser('kim');
    const r = await c.post('/Bulk', { schemas: [BULK_SCHEMA], Operations: [{ method: 'DELETE', path: `/Users/${u.id}` }] });
    expect(r.status).toBe(200);
    expect(r.json.Operations[0].status).toBe('204');
    expect((await c.get(`/Users/${u.id}`)).json.active).toBe(false);
  });

  it('delete: DELETE removes the user (RFC 7644 §3.6: 204, then 404) and it leaves its groups', async () => {
    const c = withPolicy({ deprovision: 'delete' });
    const u = await c.createUser('lea');
    const g = await c.createGroup('Team', [u.id]);
    expect((await c.del(`/Users/${u.id}`)).status).toBe(204);
    expectScimError(await c.get(`/Users/${u.id}`), 404);
    expect((await c.get(`/Groups/${g.id}`)).json.members).toBeUndefined();
  });
});

describe('defaultGroups', () => {
  it('a new user joins the existing default groups (name ignoring case); missing ones are not created', async () => {
    const c = withPolicy({ defaultGroups: ['everyone', 'Not there'], provisionGroups: 'Everyone' });
    const everyone = await c.createGroup('Everyone');
    const r = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'max' });
    expect(r.status).toBe(201);
    // The 201 already shows the membership and the decision it implies.
    expect(r.json.groups.map((x: any) => x.display)).toEqual(['Everyone']);
    expect(ext(r.json).provisioned).toBe(true);
    const g = await c.get(`/Groups/${everyone.id}`);
    expect(g.json.members.map((m: any) => m.value)).toEqual([r.json.id]);
    // RFC 7644 §3.14: the group changed, so its version did.
    expect(g.json.meta.version).not.toBe(everyone.meta.version);
    const groups = await c.get('/Groups');
    expect(groups.json.Resources.map((x: any) => x.displayName)).toEqual(['Everyone']);
  });

  it('default groups apply to users created through /Bulk too, and not to PUT or PATCH', async () => {
    const c = withPolicy({ defaultGroups: ['Everyone'] });
    const everyone = await c.createGroup('Everyone');
    const r = await c.post('/Bulk', { schemas: [BULK_SCHEMA], Operations: [{ method: 'POST', path: '/Users', bulkId: 'u1', data: { schemas: [USER_SCHEMA], userName: 'ned' } }] });
    expect(r.json.Operations[0].status).toBe('201');
    const members = (await c.get(`/Groups/${everyone.id}`)).json.members.map((m: any) => m.value);
    expect(members).toHaveLength(1);
    await c.patch(`/Groups/${everyone.id}`, patchOp({ op: 'remove', path: 'members' }));
    const id = members[0];
    await c.put(`/Users/${id}`, { schemas: [USER_SCHEMA], userName: 'ned' });
    await c.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Ned' }));
    expect((await c.get(`/Groups/${everyone.id}`)).json.members).toBeUndefined();
  });

  it('a failed create (409) joins nothing', async () => {
    const c = withPolicy({ defaultGroups: ['Everyone'] });
    const everyone = await c.createGroup('Everyone');
    await c.createUser('oz');
    expectScimError(await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'OZ' }), 409, 'uniqueness');
    expect((await c.get(`/Groups/${everyone.id}`)).json.members).toHaveLength(1);
  });
});
