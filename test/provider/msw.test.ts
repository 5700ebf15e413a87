import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimHandlersWithProvider } from '../../src/provider/msw.ts';

const base = 'https://sp.test/api/scim';
const { handlers, provider } = scimHandlersWithProvider({ baseUrl: base, auth: { tokens: [{ token: 'msw' }] } });
const server = setupServer(...handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('msw handlers (the same fetch handler, in-process)', () => {
  it('serves SCIM under the base URL through global fetch', async () => {
    const headers = { authorization: 'Bearer msw', 'content-type': 'application/scim+json' };
    const created = await fetch(`${base}/Users`, { method: 'POST', headers, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'mswuser' }) });
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(created.headers.get('location')).toBe(`${base}/Users/${body.id}`);
    const list = await fetch(`${base}/Users?filter=${encodeURIComponent('userName eq "MSWUSER"')}`, { headers });
    expect((await list.json()).totalResults).toBe(1);
    expect(await provider.store.count('User')).toBe(1);
    const spc = await fetch(`${base}/ServiceProviderConfig`, { headers });
    expect(spc.status).toBe(200);
    const denied = await fetch(`${base}/Users`);
    expect(denied.status).toBe(401);
  });
});
