/**
 * The render cache (render-cache.ts) must never serve a stale answer: a User's derived `groups` (RFC 7643
 * §4.1.2) and a Group's member display names change without the User or Group record itself changing. The
 * same writes go to a provider with the cache and to one without; after every write each resource's GET, and
 * every list answer built from the cached texts (list.ts listResponseText), must read the same on both. A
 * store spy proves the cached side really answers from the cache.
 */
import { describe, expect, it } from 'vitest';
import { WriteCountingMemoryStore } from '../../src/provider/render-cache.ts';
import { MemoryStore } from '../../src/provider/store.ts';
import { GROUP_SCHEMA, PATCH_SCHEMA, SEARCH_SCHEMA, USER_SCHEMA, client, type Client } from './helpers.ts';

/** Counts the derived-attribute look-ups a render makes, so a cache hit is visible. */
class SpyStore extends WriteCountingMemoryStore {
  lookups = 0;
  override async groupsOf(memberId: string): Promise<string[]> {
    this.lookups++;
    return super.groupsOf(memberId);
  }
}

const patch = (...ops: Record<string, unknown>[]) => ({ schemas: [PATCH_SCHEMA], Operations: ops });
/** Versions are random per provider; everything else must be identical. */
const normalise = (text: string) => text.replace(/(W\/)?\\?"[0-9a-f]{16}\\?"/g, 'VERSION').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME');

type Step = [string, (c: Client) => Promise<unknown>];
const steps: Step[] = [
  ['users and groups', async (c) => {
    await c.createUser('ada', { displayName: 'Ada' });
    await c.createUser('bob', { displayName: 'Bob' });
    await c.createGroup('Admins', ['1']);
    await c.createGroup('Staff', ['1', '2']);
  }],
  ['a group renamed by PATCH (the member User record is unchanged)', (c) => c.patch('/Groups/3', patch({ op: 'replace', path: 'displayName', value: 'Administrators' }))],
  ['a group renamed by PUT', (c) => c.put('/Groups/4', { schemas: [GROUP_SCHEMA], displayName: 'Everyone', members: [{ value: '1' }, { value: '2' }] })],
  ['a member removed', (c) => c.patch('/Groups/4', patch({ op: 'remove', path: 'members[value eq "1"]' }))],
  ['a member added', (c) => c.patch('/Groups/3', patch({ op: 'add', path: 'members', value: [{ value: '2' }] }))],
  ['a user replaced by PUT (its display in the groups)', (c) => c.put('/Users/2', { schemas: [USER_SCHEMA], userName: 'bob', displayName: 'Robert' })],
  ['a user patched', (c) => c.patch('/Users/1', patch({ op: 'replace', path: 'displayName', value: 'Ada L.' }))],
  ['a group nested in a group', (c) => c.patch('/Groups/4', patch({ op: 'add', path: 'members', value: [{ value: '3', type: 'Group' }] }))],
  ['a user created and read back', (c) => c.createUser('cyd', { displayName: 'Cyd' })],
  ['a group deleted', (c) => c.del('/Groups/3')],
  ['a user deleted', (c) => c.del('/Users/2')],
];

const q = (filter: string) => encodeURIComponent(filter);
/** Resources by id, and list answers: filtered on the record (userName, displayName, externalId), on the wire form (groups, members), sorted, paged, at the root. */
const READS = [
  '/Users/1',
  '/Users/2',
  '/Users/5',
  '/Groups/3',
  '/Groups/4',
  '/Users',
  '/Groups',
  `/Users?filter=${q('userName eq "bob"')}`,
  `/Users?filter=${q('userName eq "ADA" or displayName eq "Cyd"')}`,
  `/Groups?filter=${q('displayName eq "Everyone"')}`,
  `/Users?filter=${q('groups.display co "Admin"')}`,
  `/Groups?filter=${q('members.display eq "Robert"')}`,
  `/Users?filter=${q('externalId pr')}`,
  '/Users?sortBy=displayName&sortOrder=descending',
  '/Groups?startIndex=2&count=1',
];

async function everything(c: Client): Promise<string[]> {
  const out: string[] = [];
  const search = await c.post('/.search', { schemas: [SEARCH_SCHEMA], filter: 'displayName pr' });
  out.push(`/.search ${search.status} ${normalise(search.text)}`);
  for (const path of READS) {
    const r = await c.get(path);
    out.push(`${path} ${r.status} ${r.headers.get('etag') ? 'etag' : ''} ${normalise(r.text)}`);
  }
  return out;
}

describe('render cache', () => {
  it('after every write, each GET reads as it does on a provider without the cache', async () => {
    const spy = new SpyStore();
    const cached = client({ variants: ['integer-ids'], store: spy });
    const plain = client({ variants: ['integer-ids'], renderCacheChars: 0 });
    for (const [name, step] of steps) {
      await step(cached);
      await step(plain);
      // Twice on the cached side: the second round is answered from the cache the first one filled.
      await everything(cached);
      const fromCache = await everything(cached);
      expect([name, fromCache]).toEqual([name, await everything(plain)]);
    }
  });

  it('a second GET with no write in between is answered from the cache, and a write answer fills it', async () => {
    const spy = new SpyStore();
    const c = client({ store: spy });
    const u = await c.createUser('dee');
    const afterCreate = spy.lookups;
    const first = await c.get(`/Users/${u.id}`);
    // The POST's answer was rendered and remembered: the GET did not look the groups up again.
    expect(spy.lookups).toBe(afterCreate);
    expect((await c.get(`/Users/${u.id}`)).text).toBe(first.text);
    // A projection is never served from the cache.
    await c.get(`/Users/${u.id}?attributes=userName`);
    expect(spy.lookups).toBe(afterCreate + 1);
    // Any write empties it (here one that does not touch this user at all).
    await c.createUser('eve');
    await c.get(`/Users/${u.id}`);
    expect(spy.lookups).toBe(afterCreate + 3);
  });

  it('a list answer is built around the cached texts, and after a write it is rendered again', async () => {
    const spy = new SpyStore();
    const c = client({ store: spy });
    const u = await c.createUser('gus', { displayName: 'Gus' });
    const g = await c.createGroup('Ops', [u.id]);
    const one = await c.get(`/Users/${u.id}`);
    const eq = `/Users?filter=${q('userName eq "GUS"')}`;
    const before = spy.lookups;
    const listed = await c.get(eq);
    // Served from the text the GET remembered: no look-up, and the very same characters inside the envelope.
    expect(spy.lookups).toBe(before);
    expect(listed.text).toBe(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[${one.text}]}`);
    // A rename of the group touches no User record, yet the listed user's groups.display must follow it.
    await c.patch(`/Groups/${g.id}`, patch({ op: 'replace', path: 'displayName', value: 'Operations' }));
    const after = await c.get(eq);
    expect(after.json.Resources[0].groups).toEqual([expect.objectContaining({ value: g.id, display: 'Operations' })]);
    // A projected list is never built from the cache.
    const projected = await c.get(`${eq}&attributes=userName`);
    expect(projected.json.Resources).toEqual([{ schemas: [USER_SCHEMA], id: u.id, userName: 'gus' }]);
  });

  it('is off under a fault, when turned off, and for a store that does not count its writes', async () => {
    class PlainSpy extends MemoryStore {
      lookups = 0;
      override async groupsOf(memberId: string): Promise<string[]> {
        this.lookups++;
        return super.groupsOf(memberId);
      }
    }
    const cases = [
      { faults: ['password-echoed'], store: new SpyStore() },
      { renderCacheChars: 0, store: new SpyStore() },
      { store: new PlainSpy() },
    ];
    for (const options of cases) {
      const c = client(options);
      const u = await c.createUser('fay');
      const before = options.store.lookups;
      await c.get(`/Users/${u.id}`);
      expect(options.store.lookups).toBe(before + 1);
    }
  });
});
