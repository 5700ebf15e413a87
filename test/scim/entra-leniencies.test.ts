/**
 * Two leniencies of the reference provider for Entra's real wire habits (docs/leniencies.md): the email match
 * filter `emails[type eq "work"].value eq "…"` and the enterprise manager as a plain id string.
 */
import { describe, expect, it } from 'vitest';
import { entraValuePathComparison, parseListQuery } from '../../src/scim/list-query.ts';
import { SchemaRegistry } from '../../src/scim/schema-registry.ts';
import { createProvider } from '../../src/provider/index.ts';

const ctx = { registry: SchemaRegistry.fromSpecs(), resourceType: 'User', maxResults: 50 };
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('Entra match filter attr[valFilter].sub op value', () => {
  it.each([
    ['emails[type eq "work"].value eq "a@x"', 'emails[(type eq "work") and value eq "a@x"]'],
    ['phoneNumbers[type eq "mobile"].value ne "5"', 'phoneNumbers[(type eq "mobile") and value ne "5"]'],
    ['emails[type eq "work"].value eq "a\\"b"', 'emails[(type eq "work") and value eq "a\\"b"]'],
  ])('%s is read as %s', (sent, read) => {
    expect(entraValuePathComparison(sent)).toBe(read);
    expect(parseListQuery(new URLSearchParams({ filter: sent }), ctx).filter).toEqual(parseListQuery(new URLSearchParams({ filter: read }), ctx).filter);
  });

  it.each(['userName eq "a"', 'emails[type eq "work" and value eq "a"]', 'emails[type eq "work"].value eq "a" and userName eq "b"', 'emails[type eq "work"].value pr'])(
    '%s is parsed as written',
    (f) => expect(entraValuePathComparison(f)).toBe(f),
  );

  it('finds only the user whose work email matches', async () => {
    const p = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] } });
    const h = { authorization: 'Bearer T', 'content-type': 'application/scim+json' };
    const post = (u: string, emails: object[]) => p.fetch(new Request('http://l/scim/v2/Users', { method: 'POST', headers: h, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: u, emails }) }));
    await post('a', [{ type: 'work', value: 'a@x' }]);
    await post('b', [{ type: 'home', value: 'a@x' }]);
    const list = async (f: string) => (await (await p.fetch(new Request(`http://l/scim/v2/Users?filter=${encodeURIComponent(f)}`, { headers: h }))).json()).Resources?.map((r: any) => r.userName);
    expect(await list('emails[type eq "work"].value eq "a@x"')).toEqual(['a']);
    expect(await list('emails[type eq "home"].value eq "a@x"')).toEqual(['b']);
  });
});

describe('Entra manager as a plain id string', () => {
  it('is stored as {"value": id} by PATCH and by POST; a string for a complex attribute without a value sub-attribute is still refused', async () => {
    const p = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] } });
    const h = { authorization: 'Bearer T', 'content-type': 'application/scim+json' };
    const made = await (await p.fetch(new Request('http://l/scim/v2/Users', { method: 'POST', headers: h, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT], userName: 'u', [ENT]: { manager: 'm-1' } }) }))).json();
    expect(made[ENT].manager).toEqual({ value: 'm-1' });
    const patched = await p.fetch(new Request(`http://l/scim/v2/Users/${made.id}`, { method: 'PATCH', headers: h, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Add', path: `${ENT}:manager`, value: 'm-2' }] }) }));
    expect(patched.status).toBe(200);
    expect((await patched.json())[ENT].manager).toEqual({ value: 'm-2' });
    const name = await p.fetch(new Request(`http://l/scim/v2/Users/${made.id}`, { method: 'PATCH', headers: h, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'name', value: 'Bob' }] }) }));
    expect(name.status).toBe(400);
  });
});
