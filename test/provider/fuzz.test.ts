/**
 * Hostile input never reaches the 500 handler: random JSON, garbage bodies and random filters get a
 * 2xx (when valid) or a 4xx SCIM error, and a rejected write leaves the store exactly as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, client, type Client, type Res } from './helpers.ts';

function assertAnswer(r: Res): void {
  expect(internal.map((e) => (e as Error).stack)).toEqual([]);
  expect(r.status, r.text).toBeLessThan(500);
  if (r.status >= 400) {
    expect(r.json?.schemas?.[0], r.text).toBe('urn:ietf:params:scim:api:messages:2.0:Error');
    expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  }
}

/** Exceptions that reached the provider's 500 wrapper: must stay empty. */
const internal: unknown[] = [];

async function seeded(): Promise<{ c: Client; userId: string; groupId: string }> {
  const c = client({ onInternalError: (err) => internal.push(err) });
  const u = await c.createUser('seed', { title: 'T', emails: [{ value: 's@example.com', type: 'work', primary: true }] });
  const g = await c.createGroup('seeds', [u.id]);
  return { c, userId: u.id, groupId: g.id };
}

const snapshot = async (c: Client) => JSON.stringify(await c.provider.store.snapshot());

const attrNames = fc.constantFrom('userName', 'title', 'name', 'name.givenName', 'emails', 'emails.value', 'emails[type eq "work"].value', 'members', 'members[value eq "x"]', 'active', 'displayName', 'groups', 'meta', 'id', 'password', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', 'bogus', '', '[', 'a..b');
const scimish = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ schemas: fc.constant([USER_SCHEMA]), userName: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), title: fc.jsonValue({ maxDepth: 2 }), emails: fc.jsonValue({ maxDepth: 3 }), active: fc.oneof(fc.boolean(), fc.string()), name: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }),
  fc.record({ schemas: fc.constant([GROUP_SCHEMA]), displayName: fc.oneof(fc.string(), fc.integer()), members: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] }),
);
const patchBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({
    schemas: fc.oneof(fc.constant([PATCH_SCHEMA]), fc.jsonValue({ maxDepth: 1 })),
    Operations: fc.oneof(
      fc.array(fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'Add', 'REPLACE', 'move', ''), path: fc.option(attrNames, { nil: undefined }), value: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: ['op'] }), { maxLength: 4 }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  }, { requiredKeys: [] }),
);
const garbage = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('{', '}', '{"a":', 'null', '[]', '"str"', '1e999', '{"__proto__":{"x":1}}', `${'['.repeat(200)}`));

describe('fuzz: no bad input reaches a 5xx, rejected writes change nothing', () => {
  it('random bodies to POST/PUT/PATCH on Users and Groups', async () => {
    const { c, userId, groupId } = await seeded();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST /Users', 'POST /Groups', `PUT /Users/${userId}`, `PUT /Groups/${groupId}`, `PATCH /Users/${userId}`, `PATCH /Groups/${groupId}`, 'POST /Bulk', 'POST /.search', 'POST /Users/.search'),
        fc.oneof(scimish, patchBody, garbage),
        async (target, body) => {
          const [method, path] = target.split(' ') as [string, string];
          const before = await snapshot(c);
          const r = await c.req(method, path, typeof body === 'string' ? body : JSON.stringify(body));
          assertAnswer(r);
          if (r.status >= 400) expect(await snapshot(c)).toBe(before);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random filter strings and list parameters', async () => {
    const { c } = await seeded();
    const filterish = fc.oneof(
      fc.string(),
      fc.tuple(attrNames, fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'xx'), fc.oneof(fc.string().map((s) => JSON.stringify(s)), fc.constantFrom('true', 'null', '12', '"2020-01-01T00:00:00Z"', ''))).map(([a, o, v]) => `${a} ${o} ${v}`),
      fc.constantFrom('not (userName eq "x")', '(((', 'userName eq "a" and', 'emails[type eq "work" and value co "@"]', 'meta.lastModified gt "2011-05-13T04:42:34Z"'),
    );
    await fc.assert(
      fc.asyncProperty(filterish, fc.option(attrNames), fc.option(fc.oneof(fc.integer().map(String), fc.string())), fc.option(fc.oneof(fc.integer().map(String), fc.string())), async (filter, sortBy, startIndex, count) => {
        const params = new URLSearchParams({ filter });
        if (sortBy !== null) params.set('sortBy', sortBy);
        if (startIndex !== null) params.set('startIndex', startIndex);
        if (count !== null) params.set('count', count);
        for (const p of ['/Users', '/Groups']) assertAnswer(await c.get(`${p}?${params}`));
        assertAnswer(await c.post('/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter }));
      }),
      { numRuns: 300 },
    );
  });

  it('random attributes / excludedAttributes and odd paths', async () => {
    const { c, userId } = await seeded();
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (attrs, excluded, tail) => {
        assertAnswer(await c.get(`/Users/${userId}?attributes=${encodeURIComponent(attrs)}&excludedAttributes=${encodeURIComponent(excluded)}`));
        assertAnswer(await c.get(`/Users/${encodeURIComponent(tail)}`));
        assertAnswer(await c.get(`/${encodeURIComponent(tail)}`));
      }),
      { numRuns: 200 },
    );
    // Malformed percent-encoding, and names of Object.prototype members, as path segments.
    assertAnswer(await c.get('/Users/%E0%A4%A'));
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assertAnswer(await c.get(`/${name}`));
      assertAnswer(await c.get(`/Users/${name}`));
      assertAnswer(await c.post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'POST', path: `/${name}`, bulkId: 'x', data: {} }] }));
    }
  });
});
