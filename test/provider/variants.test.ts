/**
 * Provider variants (src/provider/variants.ts): RFC-legal choices real servers make. One table row per
 * variant shows its behaviour through the fetch handler, next to what the strict provider does instead, so
 * every row fails if the flag stops reaching the code path.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BAD_LOGIN_DELAY_MS } from '../../src/provider/auth.ts';
import { createProvider } from '../../src/provider/create-provider.ts';
import { FAULTS } from '../../src/provider/faults.ts';
import { HELP, parseServeFlags } from '../../src/provider/serve-flags.ts';
import { parseAccept, prefersPlainJson } from '../../src/provider/negotiation.ts';
import { MINIMAL_USER_ATTRIBUTES } from '../../src/provider/variant-schemas.ts';
import { VARIANTS, VariantSet, type VariantName } from '../../src/provider/variants.ts';
import { UsageError } from '../../src/usage-error.ts';
import { BASE, BULK_SCHEMA, SEARCH_SCHEMA, TOKEN, USER_SCHEMA, client, expectScimError, patchOp, type Client } from './helpers.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

const filterQuery = (f: string) => `/Users?filter=${encodeURIComponent(f)}`;

/** A SCIM error as RFC 7644 §3.12 shapes it, whatever JSON media type labels it (json-when-accepted). */
function expectError(res: { status: number; json: any }, status: number, scimType?: string): void {
  expect(res.status).toBe(status);
  expect(res.json?.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  expect(res.json?.status).toBe(String(status));
  if (scimType !== undefined) expect(res.json?.scimType).toBe(scimType);
}

interface VariantCase {
  variant: VariantName;
  /** What the variant does, shown on the variant provider `v`. */
  shows(v: Client): Promise<void>;
  /** What the strict provider `s` does instead on the same requests. */
  strict(s: Client): Promise<void>;
}

const CASES: VariantCase[] = [
  {
    variant: 'patch-204',
    async shows(v) {
      const u = await v.createUser('pat');
      const r = await v.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Pat' }));
      expect(r.status).toBe(204);
      expect(r.text).toBe('');
      // RFC 7644 §3.5.2: "the appropriate response headers" — the ETag of the new version.
      const after = await v.get(`/Users/${u.id}`);
      expect(after.json.displayName).toBe('Pat');
      expect(r.headers.get('etag')).toBe(after.json.meta.version);
      // "The server MUST return a 200 OK if the "attributes" parameter is specified in the request."
      const shaped = await v.patch(`/Users/${u.id}?attributes=displayName`, patchOp({ op: 'replace', path: 'displayName', value: 'P2' }));
      expect(shaped.status).toBe(200);
      expect(shaped.json.displayName).toBe('P2');
      const bulk = await v.post('/Bulk', { schemas: [BULK_SCHEMA], Operations: [{ method: 'PATCH', path: `/Users/${u.id}`, data: patchOp({ op: 'replace', path: 'displayName', value: 'P3' }) }] });
      expect(bulk.json.Operations[0].status).toBe('204');
    },
    async strict(s) {
      const u = await s.createUser('pat');
      const r = await s.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Pat' }));
      expect(r.status).toBe(200);
      expect(r.json.displayName).toBe('Pat');
    },
  },
  {
    variant: 'minimal-schema',
    async shows(v) {
      const schemas = (await v.get('/Schemas')).json;
      expect(schemas.Resources.map((s: any) => s.id).sort()).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Group', USER_SCHEMA]);
      const user = schemas.Resources.find((s: any) => s.id === USER_SCHEMA);
      expect(user.attributes.map((a: any) => a.name).sort()).toEqual([...MINIMAL_USER_ATTRIBUTES].sort());
      expect((await v.get(`/Schemas/${ENTERPRISE}`)).status).toBe(404);
      expect((await v.get('/ResourceTypes/User')).json.schemaExtensions).toEqual([]);
      // No password attribute, so nothing to change (RFC 7643 §5 changePassword).
      expect((await v.get('/ServiceProviderConfig')).json.changePassword).toEqual({ supported: false });
      // Undeclared attributes: ignored in a POST body (RFC 7644 §3.3), an unknown PATCH path (RFC 7644 §3.5.2).
      const u = await v.createUser('minnie', { nickName: 'Min', externalId: 'x-1', emails: [{ value: 'min@example.com' }] });
      expect(u.nickName).toBeUndefined();
      expect(u.externalId).toBe('x-1');
      expectScimError(await v.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'nickName', value: 'M' })), 400, 'invalidPath');
      expectScimError(await v.patch(`/Users/${u.id}`, patchOp({ op: 'add', path: 'groups', value: [{ value: 'g' }] })), 400, 'invalidPath');
      // Membership lives on the Group only; the User carries no groups attribute.
      const g = await v.createGroup('Minimal', [u.id]);
      expect(g.members.map((m: any) => m.value)).toEqual([u.id]);
      expect((await v.get(`/Users/${u.id}`)).json.groups).toBeUndefined();
      expectScimError(await v.get(filterQuery(`groups.value eq "${g.id}"`)), 400, 'invalidFilter');
    },
    async strict(s) {
      const user = (await s.get(`/Schemas/${USER_SCHEMA}`)).json;
      expect(user.attributes.map((a: any) => a.name)).toEqual(expect.arrayContaining(['nickName', 'groups', 'password']));
      expect((await s.get(`/Schemas/${ENTERPRISE}`)).status).toBe(200);
      const u = await s.createUser('minnie', { nickName: 'Min' });
      expect(u.nickName).toBe('Min');
      const g = await s.createGroup('Minimal', [u.id]);
      expect((await s.get(`/Users/${u.id}`)).json.groups.map((x: any) => x.value)).toEqual([g.id]);
    },
  },
  {
    variant: 'eq-only-filters',
    async shows(v) {
      const u = await v.createUser('eve', { displayName: 'Eve' });
      expect((await v.get(filterQuery('userName eq "EVE"'))).json.totalResults).toBe(1);
      expect((await v.get(filterQuery('userName eq "eve" and (displayName eq "Eve")'))).json.totalResults).toBe(1);
      const refused = ['userName ne "x"', 'userName co "v"', 'userName sw "e"', 'userName ew "e"', 'meta.created gt "2000-01-01T00:00:00Z"', 'meta.created ge "2000-01-01T00:00:00Z"', 'meta.created lt "2100-01-01T00:00:00Z"', 'meta.created le "2100-01-01T00:00:00Z"', 'userName pr', 'userName eq "a" or userName eq "eve"', 'not (userName eq "a")', 'emails[value eq "x"]', 'userName eq "eve" and (displayName eq "Eve" or displayName eq "E")'];
      for (const f of refused) expectScimError(await v.get(filterQuery(f)), 400, 'invalidFilter');
      expectScimError(await v.post('/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'userName sw "e"' }), 400, 'invalidFilter');
      // PATCH value paths are not list filters: removing a member by members[value eq ".."] still works.
      const g = await v.createGroup('EqOnly', [u.id]);
      const removed = await v.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${u.id}"]` }));
      expect(removed.status).toBe(200);
      expect(removed.json.members).toBeUndefined();
    },
    async strict(s) {
      await s.createUser('eve');
      for (const f of ['userName sw "e"', 'userName pr', 'userName eq "a" or userName eq "eve"', 'not (userName eq "a")']) {
        expect((await s.get(filterQuery(f))).json.totalResults).toBe(1);
      }
    },
  },
  {
    variant: 'no-search',
    async shows(v) {
      await v.createUser('sam');
      expectScimError(await v.post('/.search', { schemas: [SEARCH_SCHEMA], filter: 'userName eq "sam"' }), 501);
      expectScimError(await v.post('/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'userName eq "sam"' }), 501);
      expectScimError(await v.post('/Groups/.search', { schemas: [SEARCH_SCHEMA] }), 501);
      // Queries with GET are unchanged, and other methods on /.search stay 405.
      expect((await v.get(filterQuery('userName eq "sam"'))).json.totalResults).toBe(1);
      expectScimError(await v.get('/.search'), 405);
    },
    async strict(s) {
      await s.createUser('sam');
      expect((await s.post('/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'userName eq "sam"' })).json.totalResults).toBe(1);
    },
  },
  {
    variant: 'json-when-accepted',
    async shows(v) {
      const typeFor = async (accept: string | undefined, path = '/Users') => (await v.get(path, accept === undefined ? {} : { accept })).headers.get('content-type');
      expect(await typeFor('application/json')).toBe('application/json; charset=utf-8');
      expect(await typeFor('application/json, application/scim+json')).toBe('application/json; charset=utf-8');
      expect(await typeFor('application/scim+json;q=0.5, application/json')).toBe('application/json; charset=utf-8');
      expect(await typeFor(undefined)).toMatch(/^application\/scim\+json/);
      expect(await typeFor('*/*')).toMatch(/^application\/scim\+json/);
      expect(await typeFor('application/scim+json, application/json')).toMatch(/^application\/scim\+json/);
      expect(await typeFor('application/json;q=0.5, application/scim+json')).toMatch(/^application\/scim\+json/);
      // Errors follow the same negotiation, and the body is the same SCIM JSON.
      const missing = await v.get('/Users/nope', { accept: 'application/json' });
      expect(missing.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expectError(missing, 404);
    },
    async strict(s) {
      expect((await s.get('/Users', { accept: 'application/json' })).headers.get('content-type')).toMatch(/^application\/scim\+json/);
    },
  },
  {
    variant: 'empty-list-no-resources',
    async shows(v) {
      const empty = (await v.get(filterQuery('userName eq "nobody"'))).json;
      expect(empty).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 0 });
      expect('Resources' in empty).toBe(false);
      expect('Resources' in (await v.post('/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'userName eq "nobody"' })).json).toBe(false);
      await v.createUser('somebody');
      expect((await v.get(filterQuery('userName eq "somebody"'))).json.Resources).toHaveLength(1);
      // "REQUIRED if totalResults is non-zero": count=0 still carries it.
      expect((await v.get('/Users?count=0')).json).toMatchObject({ totalResults: 1, Resources: [] });
    },
    async strict(s) {
      expect((await s.get(filterQuery('userName eq "nobody"'))).json.Resources).toEqual([]);
    },
  },
  {
    variant: 'small-max-results',
    async shows(v) {
      for (let i = 0; i < 12; i++) await v.createUser(`page${i}`);
      expect((await v.get('/ServiceProviderConfig')).json.filter).toEqual({ supported: true, maxResults: 10 });
      for (const query of ['', '?count=50']) {
        expect((await v.get(`/Users${query}`)).json).toMatchObject({ totalResults: 12, itemsPerPage: 10, startIndex: 1, Resources: expect.any(Array) });
        expect((await v.get(`/Users${query}`)).json.Resources).toHaveLength(10);
      }
      expect((await v.get('/Users?count=5')).json).toMatchObject({ totalResults: 12, itemsPerPage: 5 });
      const rest = (await v.get('/Users?startIndex=11&count=50')).json;
      expect(rest).toMatchObject({ totalResults: 12, itemsPerPage: 2, startIndex: 11 });
    },
    async strict(s) {
      for (let i = 0; i < 12; i++) await s.createUser(`page${i}`);
      expect((await s.get('/Users?count=50')).json).toMatchObject({ totalResults: 12, itemsPerPage: 12 });
    },
  },
  {
    variant: 'integer-ids',
    async shows(v) {
      const a = await v.createUser('one');
      const g = await v.createGroup('two', [a.id]);
      const b = await v.createUser('three');
      // One sequence for every resource (RFC 7643 §3.1: unique across the provider), as JSON strings.
      expect([a.id, g.id, b.id]).toEqual(['1', '2', '3']);
      expect((await v.get('/Users/1')).json.userName).toBe('one');
      expect(g.members[0]).toMatchObject({ value: '1', type: 'User' });
      // Never reissued: a deleted id stays used.
      expect((await v.del(`/Users/${b.id}`)).status).toBe(204);
      expect((await v.createUser('four')).id).toBe('4');
      const bulk = await v.post('/Bulk', { schemas: [BULK_SCHEMA], Operations: [{ method: 'POST', path: '/Users', bulkId: 'b', data: { schemas: [USER_SCHEMA], userName: 'five' } }] });
      expect(bulk.json.Operations[0].location).toBe(`${BASE}/Users/5`);
    },
    async strict(s) {
      expect((await s.createUser('one')).id).toMatch(/^[0-9a-f-]{36}$/);
    },
  },
  {
    variant: 'required-email',
    async shows(v) {
      const emails = (await v.get(`/Schemas/${USER_SCHEMA}`)).json.attributes.find((a: any) => a.name === 'emails');
      expect(emails.required).toBe(true);
      expect(emails.subAttributes.find((s: any) => s.name === 'value').required).toBe(true);
      expectScimError(await v.post('/Users', { schemas: [USER_SCHEMA], userName: 'noemail' }), 400, 'invalidValue');
      expectScimError(await v.post('/Users', { schemas: [USER_SCHEMA], userName: 'noemail', emails: [{ type: 'work' }] }), 400, 'invalidValue');
      const u = await v.createUser('mail', { emails: [{ value: 'mail@example.com', type: 'work' }] });
      expectScimError(await v.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'mail' }), 400, 'invalidValue');
      expect((await v.patch(`/Users/${u.id}`, patchOp({ op: 'remove', path: 'emails' }))).status).toBe(400);
      expect((await v.get(`/Users/${u.id}`)).json.emails).toEqual([{ value: 'mail@example.com', type: 'work' }]);
    },
    async strict(s) {
      expect((await s.post('/Users', { schemas: [USER_SCHEMA], userName: 'noemail' })).status).toBe(201);
    },
  },
  {
    variant: 'weak-etags',
    async shows(v) {
      const u = await v.createUser('wendy');
      expect(u.meta.version).toMatch(/^W\/"[0-9a-f]+"$/);
      const got = await v.get(`/Users/${u.id}`);
      expect(got.headers.get('etag')).toBe(u.meta.version);
      // Weak comparison: the same opaque tag matches with or without W/.
      const bare = u.meta.version.slice(2);
      const r = await v.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'W' }), { 'if-match': bare });
      expect(r.status).toBe(200);
      expect(r.json.meta.version).toMatch(/^W\//);
      expectScimError(await v.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'X' }), { 'if-match': u.meta.version }), 412);
      expect((await v.get(`/Users/${u.id}`, { 'if-none-match': r.json.meta.version })).status).toBe(304);
    },
    async strict(s) {
      const u = await s.createUser('wendy');
      expect(u.meta.version).toMatch(/^"[0-9a-f]+"$/);
      // RFC 7232 §3.1: If-Match compares strongly, and a weak tag never matches strongly.
      expectScimError(await s.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'W' }), { 'if-match': `W/${u.meta.version}` }), 412);
      expect((await s.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'W' }), { 'if-match': u.meta.version })).status).toBe(200);
    },
  },
  {
    variant: 'disable-on-delete',
    async shows(v) {
      const u = await v.createUser('dora');
      const g = await v.createGroup('Doras', [u.id]);
      expect((await v.del(`/Users/${u.id}`)).status).toBe(204);
      const after = await v.get(`/Users/${u.id}`);
      expect(after.status).toBe(200);
      expect(after.json.active).toBe(false);
      expect(after.json.meta.version).not.toBe(u.meta.version);
      expect((await v.get(`/Groups/${g.id}`)).json.members.map((m: any) => m.value)).toEqual([u.id]);
      // Bulk takes the same path.
      const w = await v.createUser('walt');
      const bulk = await v.post('/Bulk', { schemas: [BULK_SCHEMA], Operations: [{ method: 'DELETE', path: `/Users/${w.id}` }] });
      expect(bulk.json.Operations[0].status).toBe('204');
      expect((await v.get(`/Users/${w.id}`)).json.active).toBe(false);
    },
    async strict(s) {
      const u = await s.createUser('dora');
      expect((await s.del(`/Users/${u.id}`)).status).toBe(204);
      expect((await s.get(`/Users/${u.id}`)).status).toBe(404);
    },
  },
];

describe('provider variants, each through the fetch handler', () => {
  it('the table covers every variant but slow-bad-login (below, with fake timers)', () => {
    expect([...CASES.map((c) => c.variant), 'slow-bad-login'].sort()).toEqual(Object.keys(VARIANTS).sort());
  });

  it.each(CASES)('$variant', async ({ variant, shows, strict }) => {
    await shows(client({ variants: [variant] }));
    await strict(client());
  });
});

describe('slow-bad-login', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const request = (provider: ReturnType<typeof createProvider>, authorization?: string) =>
    provider.fetch(new Request(`${BASE}/Users`, { headers: authorization ? { authorization } : {} }));

  it(`holds a wrong or missing credential's 401 for ${BAD_LOGIN_DELAY_MS} ms; good credentials are answered meanwhile`, async () => {
    vi.useFakeTimers();
    const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] }, variants: ['slow-bad-login'] });
    const settled: string[] = [];
    const wrong = request(provider, 'Bearer wrong').then((r) => (settled.push('wrong'), r));
    const missing = request(provider).then((r) => (settled.push('missing'), r));
    await vi.advanceTimersByTimeAsync(BAD_LOGIN_DELAY_MS - 1);
    const good = await request(provider, `Bearer ${TOKEN}`);
    expect(good.status).toBe(200);
    expect(settled).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const [w, m] = await Promise.all([wrong, missing]);
    expect([w.status, m.status]).toEqual([401, 401]);
    expect(w.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(settled.sort()).toEqual(['missing', 'wrong']);
  });

  it('without the variant a bad credential is answered at once (no timer involved)', async () => {
    vi.useFakeTimers();
    const res = await request(createProvider({ auth: { tokens: [{ token: TOKEN }] } }), 'Bearer wrong');
    expect(res.status).toBe(401);
  });
});

describe('variants combined', () => {
  it('all at once: a provisioning round trip works under every variant together', async () => {
    const names = Object.keys(VARIANTS).filter((n) => n !== 'slow-bad-login');
    const c = client({ variants: names });
    const u = await c.createUser('all', { emails: [{ value: 'all@example.com' }] });
    expect(u.id).toBe('1');
    expect(u.meta.version).toMatch(/^W\//);
    expect((await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'active', value: false }))).status).toBe(204);
    const found = await c.get(filterQuery('userName eq "ALL"'), { accept: 'application/json' });
    expect(found.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(found.json).toMatchObject({ totalResults: 1, itemsPerPage: 1 });
    expect(found.json.Resources[0].groups).toBeUndefined();
    expectError(await c.get(filterQuery('userName sw "a"')), 400, 'invalidFilter');
    expect('Resources' in (await c.get(filterQuery('userName eq "none"'))).json).toBe(false);
    expectError(await c.post('/Users/.search', { schemas: [SEARCH_SCHEMA] }), 501);
    expect((await c.del(`/Users/${u.id}`)).status).toBe(204);
    expect((await c.get(`/Users/${u.id}`)).json.active).toBe(false);
  });

  it('faults still show on top of variants (minimal-schema + filter-ignored, eq-only + create-returns-200)', async () => {
    const c = client({ variants: ['minimal-schema'], faults: ['filter-ignored'] });
    await c.createUser('a1');
    await c.createUser('a2');
    expect((await c.get(filterQuery('userName eq "a1"'))).json.totalResults).toBe(2);
    const d = client({ variants: ['eq-only-filters'], faults: ['create-returns-200'] });
    expect((await d.post('/Users', { schemas: [USER_SCHEMA], userName: 'b' })).status).toBe(200);
    expectScimError(await d.get(filterQuery('userName sw "b"')), 400, 'invalidFilter');
  });

  it('minimal-schema with a policy: decisions still follow group membership, users still carry no groups', async () => {
    const c = client({ variants: ['minimal-schema'], policy: { deprovision: 'delete', siteAdminGroups: 'Admins' } });
    const u = await c.createUser('boss');
    await c.createGroup('Admins', [u.id]);
    const got = (await c.get(`/Users/${u.id}`)).json;
    expect(got.groups).toBeUndefined();
    const decision = Object.entries(got).find(([k]) => k.includes(':filescom:'))?.[1] as { siteAdmin?: boolean } | undefined;
    expect(decision?.siteAdmin).toBe(true);
  });

  it('disable-on-delete wins over a policy that deletes', async () => {
    const c = client({ variants: ['disable-on-delete'], policy: { deprovision: 'delete' } });
    const u = await c.createUser('pol');
    expect((await c.del(`/Users/${u.id}`)).status).toBe(204);
    expect((await c.get(`/Users/${u.id}`)).json.active).toBe(false);
  });
});

describe('VariantSet and VARIANTS', () => {
  it('an unknown name is a UsageError listing the valid ones', () => {
    expect(() => new VariantSet(['patch-204', 'nope'])).toThrow(UsageError);
    expect(() => new VariantSet(['nope'])).toThrow(/unknown variant 'nope' \(valid: patch-204, minimal-schema, /);
    expect(() => createProvider({ variants: ['nope'] })).toThrow(UsageError);
  });

  it('every variant says what it does, quotes its RFC sentence and names the clause', () => {
    for (const [name, v] of Object.entries(VARIANTS)) {
      expect(name).toMatch(/^[a-z0-9-]+$/);
      expect(v.summary.length).toBeGreaterThan(20);
      expect(v.rfc.length).toBeGreaterThan(40);
      expect(v.clause).toMatch(/^RFC 764[34] §/);
    }
    expect(VARIANTS['disable-on-delete'].harness).toEqual({ deprovision: 'disable' });
  });

  it('integer-ids refuses --state: a restart could reissue a deleted id (RFC 7643 §3.1)', () => {
    expect(() => createProvider({ variants: ['integer-ids'], statePath: '/tmp/never-written.json' })).toThrow(/integer-ids.*--state/);
  });
});

describe('Accept negotiation (json-when-accepted)', () => {
  it.each([
    [null, false],
    ['', false],
    ['*/*', false],
    ['application/*', false],
    ['application/scim+json', false],
    ['application/json', true],
    ['Application/JSON', true],
    ['application/json;q=0', false],
    ['text/html, application/json;q=0.9', true],
    ['application/json, application/scim+json', true],
    ['application/scim+json, application/json', false],
    ['application/json;q=0.8, application/scim+json;q=0.9', false],
    ['application/json;q=0.9, application/scim+json;q=0.8', true],
    ['application/scim+json;q=0, application/json;q=0.1', true],
  ])('Accept %j -> plain JSON: %s', (accept, plain) => {
    expect(prefersPlainJson(accept)).toBe(plain);
  });

  it('parses q-values and positions', () => {
    expect(parseAccept('a/b;q=0.5, c/d')).toEqual([
      { type: 'a/b', q: 0.5, position: 0 },
      { type: 'c/d', q: 1, position: 1 },
    ]);
  });
});

describe('scimcheck serve --variant', () => {
  it('is repeatable and combines with --fault', () => {
    const f = parseServeFlags(['--variant', 'patch-204', '--variant', 'minimal-schema', '--fault', 'sort-ignored']);
    expect(f.variants).toEqual(['patch-204', 'minimal-schema']);
    expect(f.faults).toEqual(['sort-ignored']);
    expect(parseServeFlags([]).variants).toEqual([]);
  });

  it('an unknown variant is a UsageError (exit 2) listing the valid ones', () => {
    expect(() => parseServeFlags(['--variant', 'made-up'])).toThrow(UsageError);
    expect(() => parseServeFlags(['--variant', 'made-up'])).toThrow(/unknown variant 'made-up' \(valid: patch-204, /);
  });

  it('--help lists every variant with its RFC sentence and clause, and every fault with its clause', () => {
    for (const [name, v] of Object.entries(VARIANTS)) {
      expect(HELP).toContain(name);
      expect(HELP).toContain(v.rfc);
      expect(HELP).toContain(v.clause);
    }
    for (const [name, what] of Object.entries(FAULTS)) expect(HELP).toContain(`${name.padEnd(28)} ${what}`);
  });
});
