import { describe, expect, it } from 'vitest';
import { USER_SCHEMA, client, patchOp } from './helpers.ts';

describe('concurrent writes are atomic per request (RFC 7644 §3.5.2, §3.3)', () => {
  it('50 concurrent PATCH add-member requests to one group leave all 50 members', async () => {
    const c = client();
    const users = [];
    for (let i = 0; i < 50; i++) users.push(await c.createUser(`member-${i}`));
    const g = await c.createGroup('crowd');
    const answers = await Promise.all(
      users.map((u) => c.patch(`/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: u.id }] }))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const members = (await c.get(`/Groups/${g.id}`)).json.members.map((m: any) => m.value);
    expect(new Set(members)).toEqual(new Set(users.map((u) => u.id)));
    // Every answer carried a distinct version: each PATCH saw the previous one's result.
    expect(new Set(answers.map((a) => a.headers.get('etag'))).size).toBe(50);
  });

  it('20 concurrent POSTs of one userName: exactly one 201 and 19 × 409', async () => {
    const c = client();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => c.post('/Users', { schemas: [USER_SCHEMA], userName: i % 2 ? 'Racer' : 'racer' })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.json.scimType).toBe('uniqueness');
    expect((await c.get('/Users')).json.totalResults).toBe(1);
  });

  it('concurrent If-Match writes with the same version: one wins, the rest are 412', async () => {
    const c = client();
    const u = await c.createUser('contended');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: `t${i}` }), { 'if-match': u.meta.version }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 412)).toHaveLength(9);
  });
});
