import { describe, expect, it } from 'vitest';
import { BASE, ORIGIN, TOKEN, client, expectScimError } from './helpers.ts';

describe('discovery (RFC 7644 §4)', () => {
  const c = client();

  it('RFC 7643 §5: /ServiceProviderConfig advertises the live limits and carries meta', async () => {
    const r = await c.get('/ServiceProviderConfig');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(r.json.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
    expect(r.json.filter).toEqual({ supported: true, maxResults: 200 });
    expect(r.json.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 1048576 });
    expect(r.json.patch.supported).toBe(true);
    expect(r.json.etag.supported).toBe(true);
    expect(r.json.meta).toEqual({ resourceType: 'ServiceProviderConfig', location: `${BASE}/ServiceProviderConfig` });
    expect(r.json.authenticationSchemes.map((s: any) => s.type)).toEqual(['oauthbearertoken']);
  });

  it('RFC 7643 §5: custom limits show up in the SPC', async () => {
    const small = client({ limits: { maxResults: 5, bulkMaxOperations: 3 } });
    const r = await small.get('/ServiceProviderConfig');
    expect(r.json.filter.maxResults).toBe(5);
    expect(r.json.bulk.maxOperations).toBe(3);
  });

  it('RFC 7644 §4: /Schemas and /ResourceTypes are ListResponses of resources with meta', async () => {
    const s = await c.get('/Schemas');
    expect(s.json.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    const ids = s.json.Resources.map((x: any) => x.id);
    expect(ids).toContain('urn:ietf:params:scim:schemas:core:2.0:User');
    expect(ids).toContain('urn:ietf:params:scim:schemas:core:2.0:Group');
    expect(s.json.totalResults).toBe(s.json.Resources.length);
    for (const x of s.json.Resources) expect(x.meta).toEqual({ resourceType: 'Schema', location: `${BASE}/Schemas/${x.id}` });
    const rts = await c.get('/ResourceTypes');
    expect(rts.json.Resources.map((x: any) => x.name).sort()).toEqual(['Group', 'User']);
    for (const x of rts.json.Resources) expect(x.meta.location).toBe(`${BASE}/ResourceTypes/${x.name}`);
  });

  it('RFC 7644 §4: single Schema and ResourceType by id; unknown ones are 404', async () => {
    const u = await c.get('/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    expect(u.status).toBe(200);
    expect(u.json.attributes.some((a: any) => a.name === 'userName')).toBe(true);
    expect((await c.get('/ResourceTypes/User')).json.endpoint).toBe('/Users');
    expectScimError(await c.get('/Schemas/urn:nope:nothing'), 404);
    expectScimError(await c.get('/ResourceTypes/Widget'), 404);
  });

  it('RFC 7644 §4: discovery is read-only (405 with Allow) and refuses filters (403)', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await c.req(method, '/Schemas', method === 'DELETE' ? undefined : {});
      expectScimError(r, 405);
      expect(r.headers.get('allow')).toBe('GET');
    }
    expectScimError(await c.get('/ResourceTypes?filter=name%20eq%20%22User%22'), 403);
  });

  it('RFC 7644 §3.11: /Me is 501; unknown paths are 404; wrong methods are 405', async () => {
    expectScimError(await c.get('/Me'), 501);
    expectScimError(await c.get('/Widgets'), 404);
    expectScimError(await c.get(''), 404);
    expectScimError(await c.req('GET', `${ORIGIN}/elsewhere`), 404);
    expectScimError(await c.req('DELETE', '/Users'), 405);
    expectScimError(await c.get('/.search'), 405);
    expectScimError(await c.get('/Bulk'), 405);
  });
});

describe('authentication (RFC 7644 §2)', () => {
  const paths = ['/Users', '/Groups', '/Users/x', '/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/Bulk', '/.search', '/Me', '/Widgets'];

  it('every endpoint, discovery included, is 401 with WWW-Authenticate and a SCIM error without credentials', async () => {
    const c = client();
    for (const p of paths) {
      for (const authorization of [undefined, 'Bearer wrong', 'Bearer ', `Basic ${Buffer.from('a:b').toString('base64')}`]) {
        const headers: Record<string, string> = authorization ? { authorization } : { authorization: '' };
        const r = await c.req('GET', p, undefined, headers);
        expectScimError(r, 401);
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
      }
    }
  });

  it('publicDiscovery opens only GET on the discovery endpoints', async () => {
    const c = client({ publicDiscovery: true });
    const none = { authorization: '' };
    expect((await c.req('GET', '/ServiceProviderConfig', undefined, none)).status).toBe(200);
    expect((await c.req('GET', '/Schemas', undefined, none)).status).toBe(200);
    expectScimError(await c.req('GET', '/Users', undefined, none), 401);
    expectScimError(await c.req('POST', '/Schemas', {}, none), 401);
  });

  it('Basic credentials and expired tokens', async () => {
    const c = client({
      auth: { basic: [{ user: 'admin', password: 'pw' }], tokens: [{ token: 'gone', expiresAt: new Date(Date.now() - 1000) }] },
    });
    const basic = { authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` };
    expect((await c.req('GET', '/Users', undefined, basic)).status).toBe(200);
    const expired = await c.req('GET', '/Users', undefined, { authorization: 'Bearer gone' });
    expectScimError(expired, 401);
    expect(expired.headers.get('www-authenticate')).toContain('Basic realm=');
    const spc = await c.req('GET', '/ServiceProviderConfig', undefined, basic);
    expect(spc.json.authenticationSchemes.map((s: any) => s.type)).toEqual(['oauthbearertoken', 'httpbasic']);
  });

  it('a provider with no credentials configured refuses everything', async () => {
    const c = client({ auth: {} });
    expectScimError(await c.req('GET', '/Users', undefined, { authorization: `Bearer ${TOKEN}` }), 401);
  });
});

describe('media types (RFC 7644 §3.1, §3.8, §8.1)', () => {
  it('every response, errors and 204 included, says application/scim+json', async () => {
    const c = client();
    const u = await c.createUser('media');
    const answers = [
      await c.get('/Users'),
      await c.get(`/Users/${u.id}`),
      await c.get('/Users/nope'),
      await c.post('/Users', '{bad'),
      await c.del(`/Users/${u.id}`),
      await c.req('GET', '/Users', undefined, { authorization: '' }),
    ];
    for (const r of answers) expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  });

  it('application/json bodies are accepted; text/plain bodies are 415', async () => {
    const c = client();
    const ok = await c.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'json-body' }, { 'content-type': 'application/json' });
    expect(ok.status).toBe(201);
    expectScimError(await c.post('/Users', 'userName=x', { 'content-type': 'text/plain' }), 415);
  });

  it('RFC 7644 §3.12: malformed, non-object, over-deep and oversized bodies are 4xx SCIM errors', async () => {
    const c = client({ limits: { maxBodyBytes: 2000 } });
    expectScimError(await c.post('/Users', '{"schemas":'), 400, 'invalidSyntax');
    expectScimError(await c.post('/Users', '[]'), 400, 'invalidSyntax');
    expectScimError(await c.post('/Users', `${'['.repeat(65)}${']'.repeat(65)}`), 400, 'invalidSyntax');
    expectScimError(await c.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'x'.repeat(3000) }), 413);
  });
});

describe('unexpected failures (RFC 7644 §3.12)', () => {
  it('a bug becomes a generic 500 SCIM error without a stack trace, and is reported to onInternalError', async () => {
    const { MemoryStore } = await import('../../src/provider/store.ts');
    class BrokenStore extends MemoryStore {
      override async get(): Promise<never> {
        throw new Error('disk on fire at /secret/path');
      }
    }
    const seen: unknown[] = [];
    const c = client({ store: new BrokenStore(), onInternalError: (err) => seen.push(err) });
    const r = await c.get('/Users/abc');
    expectScimError(r, 500);
    expect(r.text).not.toContain('disk on fire');
    expect(r.text).not.toContain('/secret/path');
    expect(r.json.detail).toBe('Internal server error');
    expect(seen).toHaveLength(1);
  });
});
