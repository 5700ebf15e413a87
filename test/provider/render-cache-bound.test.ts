/**
 * The render cache's own rules (src/provider/render-cache.ts), below the provider: its size bound counts every
 * text it still holds (a record rendered again does not leave its old text uncounted), the oldest text goes
 * first, a render stamped before a write is never kept, any write empties it, and a base URL is its own key.
 */
import { describe, expect, it } from 'vitest';
import { RenderCache, WriteCountingMemoryStore } from '../../src/provider/render-cache.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const record = (id: string) => ({ schemas: [USER], id, userName: id });
const BASE = 'http://a/scim/v2';

describe('render cache', () => {
  it('keeps at most maxChars, dropping the oldest first', () => {
    const cache = new RenderCache(new WriteCountingMemoryStore(), 10);
    const [a, b, c] = [record('a'), record('b'), record('c')];
    cache.put('User', a, BASE, cache.stamp(), 'aaaa');
    cache.put('User', b, BASE, cache.stamp(), 'bbbb');
    expect([cache.get('User', a, BASE), cache.get('User', b, BASE)]).toEqual(['aaaa', 'bbbb']);
    cache.put('User', c, BASE, cache.stamp(), 'cccc');
    expect([cache.get('User', a, BASE), cache.get('User', b, BASE), cache.get('User', c, BASE)]).toEqual([undefined, 'bbbb', 'cccc']);
    // Longer than the whole cache: never kept.
    cache.put('User', a, BASE, cache.stamp(), 'x'.repeat(11));
    expect(cache.get('User', a, BASE)).toBeUndefined();
  });

  it('counts a replaced text until it leaves, and dropping it keeps the newer one', () => {
    const cache = new RenderCache(new WriteCountingMemoryStore(), 10);
    const [a, b] = [record('a'), record('b')];
    cache.put('User', a, BASE, cache.stamp(), 'a1a1');
    cache.put('User', a, BASE, cache.stamp(), 'a2a2');
    expect(cache.get('User', a, BASE)).toBe('a2a2');
    // 8 characters are counted (both of a's texts), so b's 4 push out the oldest: a's first text, not its second.
    cache.put('User', b, BASE, cache.stamp(), 'bbbb');
    expect([cache.get('User', a, BASE), cache.get('User', b, BASE)]).toEqual(['a2a2', 'bbbb']);
    // Many re-renders of one record stay within the bound.
    for (let i = 0; i < 5000; i++) cache.put('User', a, BASE, cache.stamp(), `a${i % 10}`.padEnd(4, '.'));
    expect(cache.get('User', a, BASE)).toBe('a9..');
  });

  it('keeps nothing rendered across a write, and a write empties it', async () => {
    const store = new WriteCountingMemoryStore();
    const cache = new RenderCache(store, 1000);
    const a = record('a');
    const stamp = cache.stamp();
    await store.create('User', record('z'));
    cache.put('User', a, BASE, stamp, 'stale');
    expect(cache.get('User', a, BASE)).toBeUndefined();
    cache.put('User', a, BASE, cache.stamp(), 'fresh');
    expect(cache.get('User', a, BASE)).toBe('fresh');
    await store.delete('User', 'z');
    expect(cache.get('User', a, BASE)).toBeUndefined();
  });

  it('starts over rather than keep texts for more than 64 base URLs (one per Host a client sends)', () => {
    const cache = new RenderCache(new WriteCountingMemoryStore(), 1_000_000);
    const a = record('a');
    for (let i = 0; i < 64; i++) cache.put('User', a, `http://h${i}/scim/v2`, cache.stamp(), `t${i}`);
    expect(cache.get('User', a, 'http://h0/scim/v2')).toBe('t0');
    cache.put('User', a, 'http://h64/scim/v2', cache.stamp(), 't64');
    expect([cache.get('User', a, 'http://h0/scim/v2'), cache.get('User', a, 'http://h64/scim/v2')]).toEqual([undefined, 't64']);
    expect((cache as unknown as { texts: Map<string, unknown> }).texts.size).toBe(1);
  });

  it('finds a text only for the very record object and base URL it was rendered for', () => {
    const cache = new RenderCache(new WriteCountingMemoryStore(), 1000);
    const a = record('a');
    cache.put('User', a, BASE, cache.stamp(), 'text');
    expect(cache.get('User', record('a'), BASE)).toBeUndefined();
    expect(cache.get('User', a, 'http://b/scim/v2')).toBeUndefined();
    expect(cache.get('User', a, `${BASE}`.slice(0))).toBe('text');
    expect(cache.baseUrl(`http://a/${'scim/v2'}`)).toBe(cache.baseUrl(BASE));
  });
});
