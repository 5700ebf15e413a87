import { describe, expect, it } from 'vitest';
import { SEARCH_SCHEMA, client, expectScimError } from './helpers.ts';
import { indexableEquality } from '../../src/provider/list.ts';
import { parseFilter } from '../../src/scim/filter/index.ts';
import { MemoryStore } from '../../src/provider/store.ts';

const q = (filter: string) => `filter=${encodeURIComponent(filter)}`;

async function population() {
  const c = client();
  for (const [name, title] of [['carol', 'B'], ['alice', 'C'], ['Bob', 'A'], ['dave', 'A'], ['erin', 'B']]) {
    await c.createUser(name!, { title, externalId: `ext-${name}` });
  }
  await c.createGroup('Engineering');
  await c.createGroup('Sales');
  return c;
}

describe('list and filter (RFC 7644 §3.4.2)', () => {
  it('RFC 7644 §3.4.2: ListResponse with totalResults, startIndex, itemsPerPage', async () => {
    const c = await population();
    const r = await c.get('/Users');
    expect(r.json.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(r.json.totalResults).toBe(5);
    expect(r.json.startIndex).toBe(1);
    expect(r.json.itemsPerPage).toBe(5);
    expect(r.json.Resources).toHaveLength(5);
  });

  it('RFC 7644 §3.4.2.2: userName eq is case-insensitive (caseExact false); externalId eq is case-exact', async () => {
    const c = await population();
    const r = await c.get(`/Users?${q('userName eq "BOB"')}`);
    expect(r.json.totalResults).toBe(1);
    expect(r.json.Resources[0].userName).toBe('Bob');
    expect((await c.get(`/Users?${q('externalId eq "ext-carol"')}`)).json.totalResults).toBe(1);
    expect((await c.get(`/Users?${q('externalId eq "EXT-CAROL"')}`)).json.totalResults).toBe(0);
    expect((await c.get(`/Users?${q('userName eq "bob" and title eq "B"')}`)).json.totalResults).toBe(0);
    expect((await c.get(`/Users?${q('title eq "A"')}`)).json.totalResults).toBe(2);
    expect((await c.get(`/Groups?${q('displayName eq "sales"')}`)).json.totalResults).toBe(1);
  });

  it('RFC 7644 §3.4.2.2: a bad filter is 400 invalidFilter', async () => {
    const c = await population();
    expectScimError(await c.get(`/Users?${q('userName eq')}`), 400, 'invalidFilter');
    expectScimError(await c.get(`/Users?${q('nosuchattr eq "x"')}`), 400, 'invalidFilter');
  });

  it('RFC 7644 §3.4.2.3: sortBy/sortOrder', async () => {
    const c = await population();
    const asc = await c.get('/Users?sortBy=userName');
    expect(asc.json.Resources.map((u: any) => u.userName)).toEqual(['alice', 'Bob', 'carol', 'dave', 'erin']);
    const desc = await c.get('/Users?sortBy=userName&sortOrder=descending');
    expect(desc.json.Resources.map((u: any) => u.userName)).toEqual(['erin', 'dave', 'carol', 'Bob', 'alice']);
  });

  it('RFC 7644 §3.4.2.4: startIndex/count paging; count capped at maxResults; count=0 gives only the total', async () => {
    const c = await population();
    const p = await c.get('/Users?sortBy=userName&startIndex=2&count=2');
    expect(p.json.totalResults).toBe(5);
    expect(p.json.startIndex).toBe(2);
    expect(p.json.itemsPerPage).toBe(2);
    expect(p.json.Resources.map((u: any) => u.userName)).toEqual(['Bob', 'carol']);
    const zero = await c.get('/Users?count=0');
    expect(zero.json.totalResults).toBe(5);
    expect(zero.json.Resources).toEqual([]);
    const small = client({ limits: { maxResults: 2 } });
    for (const n of ['a', 'b', 'c']) await small.createUser(n);
    const capped = await small.get('/Users?count=50');
    expect(capped.json.Resources).toHaveLength(2);
    expect(capped.json.totalResults).toBe(3);
    const low = await small.get('/Users?startIndex=-4');
    expect(low.json.startIndex).toBe(1);
  });

  it('RFC 7644 §3.4.2.5: attributes and excludedAttributes (id always returned)', async () => {
    const c = await population();
    const a = await c.get('/Users?attributes=userName');
    for (const u of a.json.Resources) expect(Object.keys(u).sort()).toEqual(expect.arrayContaining(['id', 'userName']));
    expect(a.json.Resources[0].title).toBeUndefined();
    const e = await c.get('/Users?excludedAttributes=title');
    expect(e.json.Resources[0].title).toBeUndefined();
    expect(e.json.Resources[0].userName).toBeDefined();
  });

  it('RFC 7644 §3.4.3: POST /Users/.search and POST /.search across resource types', async () => {
    const c = await population();
    const s = await c.post('/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'title eq "A"', sortBy: 'userName', attributes: ['userName'] });
    expect(s.status).toBe(200);
    expect(s.json.Resources.map((u: any) => u.userName)).toEqual(['Bob', 'dave']);
    const all = await c.post('/.search', { schemas: [SEARCH_SCHEMA] });
    expect(all.json.totalResults).toBe(7);
    const names = await c.post('/.search', { schemas: [SEARCH_SCHEMA], filter: 'displayName eq "Sales"' });
    expect(names.json.totalResults).toBe(1);
    expect(names.json.Resources[0].meta.resourceType).toBe('Group');
    const users = await c.post('/.search', { schemas: [SEARCH_SCHEMA], filter: 'userName sw "a"' });
    expect(users.json.Resources.map((u: any) => u.userName)).toEqual(['alice']);
  });
});

describe('index use (store lookups instead of scans)', () => {
  it('detects top-level and and-nested equality on indexed attributes', () => {
    expect(indexableEquality(parseFilter('userName eq "x"'), 'User')).toEqual({ attr: 'userName', value: 'x' });
    expect(indexableEquality(parseFilter('USERNAME eq "x"'), 'User')).toEqual({ attr: 'userName', value: 'x' });
    expect(indexableEquality(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"'), 'User')).toEqual({ attr: 'userName', value: 'x' });
    expect(indexableEquality(parseFilter('active eq true and externalId eq "e"'), 'User')).toEqual({ attr: 'externalId', value: 'e' });
    expect(indexableEquality(parseFilter('displayName eq "g"'), 'Group')).toEqual({ attr: 'displayName', value: 'g' });
    expect(indexableEquality(parseFilter('userName eq "x" or title eq "y"'), 'User')).toBeUndefined();
    expect(indexableEquality(parseFilter('userName co "x"'), 'User')).toBeUndefined();
    expect(indexableEquality(parseFilter('displayName eq "g"'), 'User')).toBeUndefined();
  });

  it('a userName eq list does not call store.list', async () => {
    class CountingStore extends MemoryStore {
      lists = 0;
      override async list(kind: 'User' | 'Group') {
        this.lists++;
        return super.list(kind);
      }
    }
    const store = new CountingStore();
    const c = client({ store });
    await c.createUser('indexed');
    const before = store.lists;
    const r = await c.get(`/Users?${q('userName eq "INDEXED"')}`);
    expect(r.json.totalResults).toBe(1);
    expect(store.lists).toBe(before);
    await c.get(`/Users?${q('userName co "INDEXED"')}`);
    expect(store.lists).toBe(before + 1);
  });
});
