/**
 * The render cache (render-cache.ts) must never serve a stale answer: a User's derived `groups` (RFC 7643
 * §4.1.2) and a Group's member display names change without the User or Group record itself changing. The
 * same writes go to a provider with the cache and to one without; after every write each resource's GET must
 * read the same on both. A store spy proves the cached side really answers from the cache.
 */
import { describe, expect, it } from 'vitest';
import { WriteCountingMemoryStore } from '../../src/provider/render-cache.ts';
import { MemoryStore } from '../../src/provider/store.ts';
import { GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, client, type Client } from './helpers.ts';

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

async function everything(c: Client): Promise<string[]> {
  const out: string[] = [];
  for (const path of ['/Users/1', '/Users/2', '/Users/5', '/Groups/3', '/Groups/4']) {
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
