/**
 * Issue 11 #4: a write whose query parameters are refused changes nothing. RFC 7644 §3.9 lets POST, PUT and
 * PATCH carry `attributes` / `excludedAttributes` to shape the answer; the provider checks them before the
 * write, so a 400 never follows a committed change.
 */
import { describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, USER_SCHEMA, client, expectScimError, patchOp, type Client } from './helpers.ts';

const BAD_QUERIES = ['attributes=__proto__', 'excludedAttributes=__proto__', 'attributes=a..b', 'excludedAttributes=%5B', 'attributes=userName,'];

/** One write per row: how to send it against a user `u` and a group `g` that already exist. */
const WRITES: { name: string; send(c: Client, q: string, ids: { u: string; g: string }): ReturnType<Client['req']> }[] = [
  { name: 'POST /Users', send: (c, q) => c.post(`/Users?${q}`, { schemas: [USER_SCHEMA], userName: 'new-user' }) },
  { name: 'POST /Groups', send: (c, q) => c.post(`/Groups?${q}`, { schemas: [GROUP_SCHEMA], displayName: 'new-group' }) },
  { name: 'PUT /Users/{id}', send: (c, q, { u }) => c.put(`/Users/${u}?${q}`, { schemas: [USER_SCHEMA], userName: 'renamed' }) },
  { name: 'PUT /Groups/{id}', send: (c, q, { g }) => c.put(`/Groups/${g}?${q}`, { schemas: [GROUP_SCHEMA], displayName: 'renamed' }) },
  { name: 'PATCH /Users/{id}', send: (c, q, { u }) => c.patch(`/Users/${u}?${q}`, patchOp({ op: 'replace', path: 'title', value: 'patched' })) },
  { name: 'PATCH /Groups/{id}', send: (c, q, { g, u }) => c.patch(`/Groups/${g}?${q}`, patchOp({ op: 'remove', path: `members[value eq "${u}"]` })) },
];

describe('query parameters are checked before a write (issue 11 #4)', () => {
  for (const w of WRITES) {
    it(`${w.name} with a bad attributes/excludedAttributes is 400 and changes nothing`, async () => {
      const c = client();
      const u = await c.createUser('someone');
      const g = await c.createGroup('some-group', [u.id]);
      const before = await c.provider.store.snapshot();
      for (const q of BAD_QUERIES) {
        const res = await w.send(c, q, { u: u.id, g: g.id });
        expectScimError(res, 400, 'invalidValue');
        expect(await c.provider.store.snapshot(), `${w.name}?${q}`).toEqual(before);
      }
    });
  }

  it('a good attributes list still shapes the answer of a write', async () => {
    const c = client();
    const res = await c.post('/Users?attributes=userName', { schemas: [USER_SCHEMA], userName: 'shaped', title: 't' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.json).sort()).toEqual(['id', 'schemas', 'userName']);
  });
});
