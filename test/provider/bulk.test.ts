import { describe, expect, it } from 'vitest';
import { BASE, BULK_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, client, expectScimError } from './helpers.ts';

const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) => ({ schemas: [BULK_SCHEMA], Operations, ...extra });

describe('Bulk (RFC 7644 §3.7)', () => {
  it('RFC 7644 §3.7.1: bulkId references in members[].value and $ref resolve to created ids', async () => {
    const c = client();
    const r = await c.post('/Bulk', bulk([
      { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides', members: [{ type: 'User', value: 'bulkId:u1' }, { $ref: 'bulkId:u2', value: 'bulkId:u2' }] } },
      { method: 'POST', path: '/Users', bulkId: 'u1', data: { schemas: [USER_SCHEMA], userName: 'alice' } },
      { method: 'POST', path: '/Users', bulkId: 'u2', data: { schemas: [USER_SCHEMA], userName: 'bob' } },
    ]));
    expect(r.status).toBe(200);
    expect(r.json.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    const ops = r.json.Operations;
    expect(ops.map((o: any) => [o.bulkId, o.status])).toEqual([['g', '201'], ['u1', '201'], ['u2', '201']]);
    for (const o of ops) {
      expect(o.location).toMatch(new RegExp(`^${BASE}/(Users|Groups)/`));
      expect(o.version).toMatch(/^"[0-9a-f]+"$/);
    }
    const group = (await c.get(new URL(ops[0].location).pathname.replace('/scim/v2', ''))).json;
    const ids = [ops[1].location, ops[2].location].map((l: string) => l.split('/').pop());
    expect(group.members.map((m: any) => m.value).sort()).toEqual(ids.sort());
  });

  it('PUT, PATCH and DELETE by path (bulkId in the path too), with version as If-Match', async () => {
    const c = client();
    const u = await c.createUser('existing');
    const r = await c.post('/Bulk', bulk([
      { method: 'POST', path: '/Users', bulkId: 'n', data: { schemas: [USER_SCHEMA], userName: 'newbie' } },
      { method: 'PATCH', path: '/Users/bulkId:n', data: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: 'T' }] } },
      { method: 'PUT', path: `/Users/${u.id}`, version: u.meta.version, data: { schemas: [USER_SCHEMA], userName: 'existing', title: 'P' } },
      { method: 'DELETE', path: `/Users/${u.id}`, version: 'W/"stale"' },
    ]));
    expect(r.json.Operations.map((o: any) => o.status)).toEqual(['201', '200', '200', '412']);
    expect(r.json.Operations[3].response.status).toBe('412');
    const created = r.json.Operations[0].location.split('/').pop();
    expect((await c.get(`/Users/${created}`)).json.title).toBe('T');
    expect((await c.get(`/Users/${u.id}`)).json.title).toBe('P');
  });

  it('RFC 7644 §3.7.1: groups referencing each other are created, then completed', async () => {
    const c = client();
    const r = await c.post('/Bulk', bulk([
      { method: 'POST', path: '/Groups', bulkId: 'a', data: { schemas: [GROUP_SCHEMA], displayName: 'A', members: [{ value: 'bulkId:b', type: 'Group' }] } },
      { method: 'POST', path: '/Groups', bulkId: 'b', data: { schemas: [GROUP_SCHEMA], displayName: 'B', members: [{ value: 'bulkId:a', type: 'Group' }] } },
    ]));
    expect(r.json.Operations.map((o: any) => o.status)).toEqual(['201', '201']);
    const [a, b] = r.json.Operations.map((o: any) => o.location.split('/').pop());
    expect((await c.get(`/Groups/${a}`)).json.members.map((m: any) => m.value)).toEqual([b]);
    expect((await c.get(`/Groups/${b}`)).json.members.map((m: any) => m.value)).toEqual([a]);
  });

  it('an unresolvable cycle (users referencing each other) is 409 per operation; unknown bulkIds are 400', async () => {
    const c = client();
    const r = await c.post('/Bulk', bulk([
      { method: 'POST', path: '/Users', bulkId: 'x', data: { schemas: [USER_SCHEMA], userName: 'x', nickName: 'bulkId:y' } },
      { method: 'POST', path: '/Users', bulkId: 'y', data: { schemas: [USER_SCHEMA], userName: 'y', nickName: 'bulkId:x' } },
      { method: 'PATCH', path: '/Users/bulkId:nowhere', data: { schemas: [PATCH_SCHEMA], Operations: [] } },
    ]));
    expect(r.json.Operations.map((o: any) => o.status)).toEqual(['409', '409', '400']);
    expect((await c.get('/Users')).json.totalResults).toBe(0);
  });

  it('failOnErrors stops after that many errors; later operations are not run or reported', async () => {
    const c = client();
    const r = await c.post('/Bulk', bulk([
      { method: 'POST', path: '/Users', bulkId: '1', data: { schemas: [USER_SCHEMA] } },
      { method: 'POST', path: '/Users', bulkId: '2', data: { schemas: [USER_SCHEMA], userName: 'never' } },
    ], { failOnErrors: 1 }));
    expect(r.json.Operations).toHaveLength(1);
    expect(r.json.Operations[0].status).toBe('400');
    expect((await c.get('/Users')).json.totalResults).toBe(0);
  });

  it('RFC 7644 §3.7.4: more than maxOperations, or a body over maxPayloadSize, is 413', async () => {
    const c = client({ limits: { bulkMaxOperations: 2, bulkMaxPayloadSize: 500 } });
    const op = { method: 'DELETE', path: '/Users/x' };
    expectScimError(await c.post('/Bulk', bulk([op, op, op])), 413);
    expectScimError(await c.post('/Bulk', bulk([{ ...op, pad: 'x'.repeat(600) }])), 413);
  });

  it('a request without the BulkRequest schema or Operations is 400; a bad operation fails alone', async () => {
    const c = client();
    expectScimError(await c.post('/Bulk', { Operations: [] }), 400, 'invalidSyntax');
    expectScimError(await c.post('/Bulk', { schemas: [BULK_SCHEMA] }), 400, 'invalidSyntax');
    const r = await c.post('/Bulk', bulk([
      { method: 'GET', path: '/Users' },
      { method: 'POST', path: '/Widgets', bulkId: 'w', data: {} },
      { method: 'POST', path: '/Users', data: { schemas: [USER_SCHEMA], userName: 'nobulkid' } },
      { method: 'POST', path: '/Users', bulkId: 'ok', data: { schemas: [USER_SCHEMA], userName: 'fine' } },
    ]));
    expect(r.json.Operations.map((o: any) => o.status)).toEqual(['400', '400', '400', '201']);
  });
});
