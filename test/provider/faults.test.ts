/**
 * Every fault is proven twice: its probe sees the misbehaviour with the fault on, and does not see it
 * on the strict provider. A probe returns true when the bug shows.
 */
import { describe, expect, it } from 'vitest';
import { FAULTS, type FaultName } from '../../src/provider/faults.ts';
import { dropGroupingParentheses } from '../../src/provider/fault-filters.ts';
import { BULK_SCHEMA, GROUP_SCHEMA, SEARCH_SCHEMA, TOKEN, USER_SCHEMA, client, patchOp, type Client } from './helpers.ts';

const q = (f: string) => `filter=${encodeURIComponent(f)}`;

const probes: Record<FaultName, (c: Client) => Promise<boolean>> = {
  'create-returns-200': async (c) => (await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'u' })).status === 200,
  'filter-ignored': async (c) => {
    await c.createUser('a');
    await c.createUser('b');
    return (await c.get(`/Users?${q('userName eq "a"')}`)).json.totalResults === 2;
  },
  'username-case-sensitive': async (c) => {
    await c.createUser('Alice');
    const dup = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'alice' });
    const found = (await c.get(`/Users?${q('userName eq "ALICE"')}`)).json.totalResults;
    return dup.status === 201 && found === 0;
  },
  'filter-case-sensitive': async (c) => {
    await c.createUser('carol', { title: 'Chief' });
    return (await c.get(`/Users?${q('title eq "chief"')}`)).json.totalResults === 0;
  },
  'patch-ignored': async (c) => {
    const u = await c.createUser('p');
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'X' }));
    return r.status === 200 && r.json.title === undefined;
  },
  'member-removal-ignored': async (c) => {
    const u = await c.createUser('m');
    const g = await c.createGroup('g', [u.id]);
    // Like the real bug: the removal is accepted (200, as if done) and the member stays, by filter and by value array.
    const byFilter = await c.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${u.id}"]` }));
    const byValue = await c.patch(`/Groups/${g.id}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: u.id }] }));
    return byFilter.status === 200 && byValue.status === 200 && (await c.get(`/Groups/${g.id}`)).json.members?.length === 1;
  },
  'delete-not-deleting': async (c) => {
    const u = await c.createUser('d');
    const d = await c.del(`/Users/${u.id}`);
    return d.status === 204 && (await c.get(`/Users/${u.id}`)).status === 200;
  },
  'errors-plain-text': async (c) => (await c.get('/Users/nope')).headers.get('content-type')!.startsWith('text/plain'),
  'password-echoed': async (c) => (await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'pw', password: 'hunter2' })).text.includes('hunter2'),
  'total-results-wrong': async (c) => {
    for (const n of ['a', 'b', 'c']) await c.createUser(n);
    return (await c.get('/Users?count=1')).json.totalResults === 1;
  },
  'start-index-ignored': async (c) => {
    for (const n of ['a', 'b', 'c']) await c.createUser(n);
    const first = (await c.get('/Users?sortBy=userName&count=1')).json.Resources[0].id;
    return (await c.get('/Users?sortBy=userName&count=1&startIndex=2')).json.Resources[0].id === first;
  },
  'conflict-as-500': async (c) => {
    await c.createUser('dup');
    return (await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'dup' })).status === 500;
  },
  'auth-not-enforced': async (c) => (await c.req('GET', '/Users', undefined, { authorization: '' })).status === 200,
  'if-match-ignored': async (c) => {
    const u = await c.createUser('im');
    return (await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'X' }), { 'if-match': 'W/"stale"' })).status === 200;
  },
  'location-missing': async (c) => (await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'l' })).headers.get('location') === null,
  'content-type-json': async (c) => (await c.get('/Users')).headers.get('content-type')!.startsWith('application/json'),
  'put-merges': async (c) => {
    const u = await c.createUser('pm', { title: 'Keep?' });
    return (await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'pm' })).json.title === 'Keep?';
  },
  'put-ignores-active': async (c) => {
    const u = await c.createUser('pa', { active: true });
    return (await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'pa', active: false })).json.active === true;
  },
  'patch-not-atomic': async (c) => {
    const u = await c.createUser('na');
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'Half' }, { op: 'remove', path: 'userName' }));
    return r.status === 400 && (await c.get(`/Users/${u.id}`)).json.title === 'Half';
  },
  'excluded-attributes-ignored': async (c) => {
    const u = await c.createUser('ex', { title: 'T' });
    return (await c.get(`/Users/${u.id}?excludedAttributes=title`)).json.title === 'T';
  },
  'sort-ignored': async (c) => {
    for (const n of ['b', 'c', 'a']) await c.createUser(n);
    return (await c.get('/Users?sortBy=userName')).json.Resources[0].userName !== 'a';
  },
  'groups-writable': async (c) => {
    const u = await c.createUser('gw');
    const g = await c.createGroup('gg');
    return (await c.patch(`/Users/${u.id}`, patchOp({ op: 'add', path: 'groups', value: [{ value: g.id }] }))).status === 200;
  },
  'count-ignored': async (c) => {
    for (const n of ['a', 'b', 'c']) await c.createUser(n);
    return (await c.get('/Users?count=1')).json.Resources.length === 3;
  },
  'deleted-user-stays-member': async (c) => {
    const u = await c.createUser('gone');
    const g = await c.createGroup('stay', [u.id]);
    await c.del(`/Users/${u.id}`);
    return (await c.get(`/Groups/${g.id}`)).json.members?.some((m: any) => m.value === u.id) === true;
  },
  'version-unchanged': async (c) => {
    const u = await c.createUser('v');
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'X' }));
    return r.headers.get('etag') === u.meta.version;
  },
  'id-from-body': async (c) => (await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'i', id: 'my-own-id' })).json.id === 'my-own-id',
  'empty-patch-body': async (c) => {
    const u = await c.createUser('e');
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'X' }));
    return r.status === 200 && r.text === '';
  },
  'schemas-dropped-by-projection': async (c) => {
    const u = await c.createUser('sp');
    const projected = (await c.get(`/Users/${u.id}?attributes=userName`)).json;
    const searched = (await c.post('/Users/.search', { schemas: [SEARCH_SCHEMA] })).json;
    return projected.schemas === undefined && searched.Resources[0].schemas === undefined;
  },
  'non-canonical-type-refused': async (c) =>
    (await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'nc', roles: [{ value: 'admin', type: 'custom' }] })).status === 400,
  'filter-values-as-regex': async (c) => {
    await c.createUser('a.b');
    return (await c.get(`/Users?${q('userName eq ".*"')}`)).json.totalResults === 1;
  },
  'bare-lookup-case-sensitive': async (c) => {
    await c.createUser('Bare');
    const bare = (await c.get(`/Users?${q('userName eq "bARE"')}`)).json.totalResults;
    const wrapped = (await c.get(`/Users?${q('userName eq "bARE" and userName pr')}`)).json.totalResults;
    return bare === 0 && wrapped === 1;
  },
  'case-insensitive-eq-only': async (c) => {
    await c.createUser('ci', { displayName: 'Mixed Case' });
    const eq = (await c.get(`/Users?${q('displayName eq "mixed case"')}`)).json.totalResults;
    const sw = (await c.get(`/Users?${q('displayName sw "mixed"')}`)).json.totalResults;
    return eq === 1 && sw === 0;
  },
  'ordering-inclusive': async (c) => {
    await c.createUser('m');
    return (await c.get(`/Users?${q('userName gt "m"')}`)).json.totalResults === 1;
  },
  'ordering-exclusive': async (c) => {
    await c.createUser('m');
    return (await c.get(`/Users?${q('userName ge "m"')}`)).json.totalResults === 0;
  },
  'ne-as-eq': async (c) => {
    await c.createUser('n');
    return (await c.get(`/Users?${q('userName ne "n"')}`)).json.totalResults === 1;
  },
  'pr-inverted': async (c) => {
    await c.createUser('p', { displayName: 'Shown' });
    await c.createUser('p2');
    const shown = (await c.get(`/Users?${q('displayName pr')}`)).json;
    return shown.totalResults === 1 && shown.Resources[0].userName === 'p2';
  },
  'and-as-or': async (c) => {
    await c.createUser('a1');
    await c.createUser('a2');
    return (await c.get(`/Users?${q('userName eq "a1" and userName eq "a2"')}`)).json.totalResults === 2;
  },
  'or-as-and': async (c) => {
    await c.createUser('o1');
    await c.createUser('o2');
    return (await c.get(`/Users?${q('userName eq "o1" or userName eq "o2"')}`)).json.totalResults === 0;
  },
  'not-ignored': async (c) => {
    await c.createUser('t1');
    await c.createUser('t2');
    const r = (await c.get(`/Users?${q('not (userName eq "t1")')}`)).json;
    return r.totalResults === 1 && r.Resources[0].userName === 't1';
  },
  'parentheses-ignored': async (c) => {
    await c.createUser('g1');
    await c.createUser('g2');
    const r = (await c.get(`/Users?${q('(userName eq "g1" or userName eq "g2") and userName eq "g2"')}`)).json;
    const negated = (await c.get(`/Users?${q('not (userName eq "g1")')}`)).json;
    return r.totalResults === 2 && negated.totalResults === 1;
  },
  'value-path-ignored': async (c) => {
    await c.createUser('v1', { emails: [{ value: 'v1@example.com', type: 'work' }] });
    await c.createUser('v2', { emails: [{ value: 'v2@example.com', type: 'work' }] });
    return (await c.get(`/Users?${q('emails[value eq "v1@example.com"]')}`)).json.totalResults === 2;
  },
  'search-creates': async (c) => {
    await c.post('/Users/.search', { schemas: [SEARCH_SCHEMA] });
    return (await c.get('/Users')).json.totalResults === 1;
  },
  'bulk-status-number': async (c) => {
    const r = await c.post('/Bulk', { schemas: [BULK_SCHEMA], Operations: [{ method: 'POST', path: '/Users', bulkId: 'b', data: { schemas: [USER_SCHEMA], userName: 'bs' } }] });
    return r.json.Operations[0].status === 201;
  },
  'bulk-delete-no-location': async (c) => {
    const u = await c.createUser('bd');
    const r = await c.post('/Bulk', { schemas: [BULK_SCHEMA], Operations: [{ method: 'DELETE', path: `/Users/${u.id}` }] });
    return r.json.Operations[0].status === '204' && r.json.Operations[0].location === undefined;
  },
  'location-undefined': async (c) => {
    const r = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'lu' });
    return r.status === 201 && r.json.id === undefined && r.headers.get('location')!.endsWith('/undefined');
  },
  'untyped-duplicates-500': async (c) =>
    (await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'ud', emails: [{ value: 'a@example.com' }, { value: 'b@example.com' }] })).status === 500,
  'delete-unknown-500': async (c) => {
    const direct = await c.del('/Groups/no-such-group');
    const bulk = await c.post('/Bulk', { schemas: [BULK_SCHEMA], Operations: [{ method: 'DELETE', path: '/Users/no-such-user' }] });
    return direct.status === 500 && bulk.json.Operations[0].status === '500';
  },
  'username-not-required': async (c) => {
    // Missing, empty and null are all "no userName" (RFC 7643 §2.5); each must be refused, and each is stored here.
    const bodies = [{ schemas: [USER_SCHEMA] }, { schemas: [USER_SCHEMA], userName: '' }, { schemas: [USER_SCHEMA], userName: null }];
    const statuses = [];
    for (const b of bodies) statuses.push((await c.post('/Users', b)).status);
    return statuses.every((s) => s === 201) && (await c.get('/Users')).json.totalResults === 3;
  },
  'paging-out-of-range-refused': async (c) => {
    await c.createUser('a');
    const negative = await c.get('/Users?count=-1');
    const zero = await c.get('/Users?startIndex=0');
    const search = await c.post('/Users/.search', { schemas: [SEARCH_SCHEMA], startIndex: -4 });
    return negative.status === 400 && zero.status === 400 && search.status === 400;
  },
  'delete-returns-200': async (c) => {
    const u = await c.createUser('d200');
    const g = await c.createGroup('g200', []);
    const statuses = [(await c.del(`/Users/${u.id}`)).status, (await c.del(`/Groups/${g.id}`)).status];
    // Still deleted: only the status is wrong.
    return statuses.every((s) => s === 200) && (await c.get(`/Users/${u.id}`)).status === 404;
  },
  'etag-header-missing': async (c) => {
    const created = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'e' });
    const got = await c.get(`/Users/${created.json.id}`);
    const put = await c.put(`/Users/${created.json.id}`, { schemas: [USER_SCHEMA], userName: 'e' });
    return [created, got, put].every((r) => r.headers.get('etag') === null) && typeof got.json.meta.version === 'string';
  },
  'meta-from-body': async (c) => {
    const meta = { created: '2001-01-01T00:00:00Z', lastModified: '2001-01-01T00:00:00Z', resourceType: 'Group' };
    const created = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'mb', meta });
    const got = (await c.get(`/Users/${created.json.id}`)).json;
    return got.meta.created === meta.created && got.meta.resourceType === 'Group';
  },
  'last-modified-frozen': async (c) => {
    const u = await c.createUser('lm');
    // Past the creation millisecond, so a strict provider's lastModified must differ (no timing is asserted).
    await new Promise((r) => setTimeout(r, 5));
    const put = await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'lm', title: 'X' });
    const patched = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'Y' }));
    return [put, patched].every((r) => r.json.meta.lastModified === r.json.meta.created);
  },
  'items-per-page-total': async (c) => {
    for (const n of ['a', 'b', 'c']) await c.createUser(n);
    const page = (await c.get('/Users?count=1')).json;
    return page.Resources.length === 1 && page.itemsPerPage === 3;
  },
  'www-authenticate-missing': async (c) => {
    const r = await c.req('GET', '/Users', undefined, { authorization: '' });
    return r.status === 401 && r.headers.get('www-authenticate') === null;
  },
  'own-name-recase-conflict': async (c) => {
    const u = await c.createUser('Recase');
    const put = await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'rECASE' });
    const same = await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'Recase' });
    // Only the recased own name clashes: the unchanged one still passes.
    return put.status === 409 && same.status === 200;
  },
  'no-match-404': async (c) => {
    await c.createUser('a');
    const none = await c.get(`/Users?${q('userName eq "nobody"')}`);
    return none.status === 404 && (await c.get(`/Users?${q('userName eq "a"')}`)).status === 200;
  },
  'created-reset-on-put': async (c) => {
    const u = await c.createUser('cr');
    const put = await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'cr' });
    return put.json.meta.created !== u.meta.created;
  },
  'bulk-fail-on-errors-ignored': async (c) => {
    const r = await c.post('/Bulk', {
      schemas: [BULK_SCHEMA],
      failOnErrors: 1,
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [USER_SCHEMA] } },
        { method: 'POST', path: '/Users', bulkId: 'after', data: { schemas: [USER_SCHEMA], userName: 'after' } },
      ],
    });
    return r.json.Operations.length === 2 && r.json.Operations[1].status === '201';
  },
  'attributes-ignored': async (c) => {
    const u = await c.createUser('at', { title: 'T' });
    const one = (await c.get(`/Users/${u.id}?attributes=userName`)).json;
    const listed = (await c.get('/Users?attributes=userName')).json.Resources[0];
    return one.title === 'T' && listed.title === 'T';
  },
  'bulk-stops-at-first-error': async (c) => {
    const r = await c.post('/Bulk', {
      schemas: [BULK_SCHEMA],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [USER_SCHEMA] } },
        { method: 'POST', path: '/Users', bulkId: 'after', data: { schemas: [USER_SCHEMA], userName: 'after' } },
      ],
    });
    return r.json.Operations.length === 1 && (await c.get(`/Users?${q('userName eq "after"')}`)).json.totalResults === 0;
  },
  'if-match-unquoted': async (c) => {
    const u = await c.createUser('iq');
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'X' }), { 'if-match': u.meta.version });
    return r.status === 412;
  },
  'bulk-max-operations-unenforced': async (c) => {
    const Operations = Array.from({ length: 1001 }, () => ({ method: 'DELETE', path: '/Users/no-such-user' }));
    const r = await c.post('/Bulk', { schemas: [BULK_SCHEMA], Operations });
    return r.status === 200 && r.json.Operations.length === 1001;
  },
  'put-appends-multivalued': async (c) => {
    const u = await c.createUser('pa', { emails: [{ value: 'old@example.com', type: 'work', primary: true }] });
    const put = await c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'pa', emails: [{ value: 'new@example.com', type: 'work', primary: true }] });
    return put.status === 200 && put.json.emails.map((e: { value: string }) => e.value).join() === 'old@example.com,new@example.com';
  },
  'rejected-create-stored': async (c) => {
    const refused = await c.post('/Users', { schemas: [USER_SCHEMA], externalId: 'left-behind' });
    return refused.status === 400 && (await c.get(`/Users?${q('externalId eq "left-behind"')}`)).json.totalResults === 1;
  },
  'active-as-string': async (c) => {
    const u = await c.createUser('as', { active: true });
    return (await c.get(`/Users/${u.id}`)).json.active === 'true';
  },
  'excluded-id-dropped': async (c) => {
    const u = await c.createUser('xi');
    const got = (await c.get(`/Users/${u.id}?excludedAttributes=id`)).json;
    return got.id === undefined && got.userName === 'xi';
  },
  'password-in-error-detail': async (c) => {
    const r = await c.post('/Users', { schemas: [USER_SCHEMA], password: 'hunter2-secret' });
    return r.status === 400 && r.text.includes('hunter2-secret');
  },
  'if-none-match-always-304': async (c) => {
    const u = await c.createUser('inm');
    return (await c.get(`/Users/${u.id}`, { 'if-none-match': '"some-other-version"' })).status === 304;
  },
  'location-is-collection': async (c) => {
    const r = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'lc' });
    return r.headers.get('location')!.endsWith('/Users') && r.json.meta.location.endsWith(`/Users/${r.json.id}`);
  },
  'schemas-core-only': async (c) => {
    const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const r = await c.post('/Users', { schemas: [USER_SCHEMA, ENTERPRISE], userName: 'sc', [ENTERPRISE]: { department: 'D' } });
    const got = (await c.get(`/Users/${r.json.id}`)).json;
    return got[ENTERPRISE]?.department === 'D' && !got.schemas.includes(ENTERPRISE);
  },
  'resource-type-lowercase': async (c) => {
    const u = await c.createUser('rt');
    return (await c.get(`/Users/${u.id}`)).json.meta.resourceType === 'user';
  },
  'timestamps-as-epoch': async (c) => {
    const u = await c.createUser('te');
    const meta = (await c.get(`/Users/${u.id}`)).json.meta;
    return typeof meta.created === 'number' && typeof meta.lastModified === 'number';
  },
  'external-id-assigned': async (c) => {
    const r = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'ex', externalId: 'client-issued' });
    return (await c.get(`/Users/${r.json.id}`)).json.externalId === r.json.id;
  },
  'invalid-filter-ignored': async (c) => {
    await c.createUser('a');
    await c.createUser('b');
    const answers = [
      await c.get(`/Users?${q('userName scimcheckop "a"')}`),
      await c.get(`/Users?${q('noSuchAttribute eq "a"')}`),
      await c.get(`/Users?${q('userName eq "unterminated')}`),
      await c.post('/Users/.search', { schemas: [SEARCH_SCHEMA], filter: '(userName eq "a"' }),
    ];
    return answers.every((r) => r.status === 200 && r.json.totalResults === 2);
  },
};

describe('faults (each a real-world SCIM server bug, for proving the harness)', () => {
  it('every documented fault has a probe', () => {
    expect(Object.keys(probes).sort()).toEqual(Object.keys(FAULTS).sort());
  });

  for (const name of Object.keys(FAULTS) as FaultName[]) {
    it(`${name}: ${FAULTS[name]}`, async () => {
      expect(await probes[name](client({ faults: [name] }))).toBe(true);
      expect(await probes[name](client())).toBe(false);
    });
  }

  it('faults are per provider: a faulty and a strict provider live in one process', async () => {
    const faulty = client({ faults: ['create-returns-200'] });
    const strict = client();
    expect((await faulty.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'x' })).status).toBe(200);
    expect((await strict.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'x' })).status).toBe(201);
    expect(TOKEN).toBeTruthy();
  });
});

describe('dropGroupingParentheses (fault parentheses-ignored)', () => {
  it.each([
    ['(userName eq "a" or userName eq "b") and title pr', 'userName eq "a" or userName eq "b" and title pr'],
    ['not (userName eq "a")', 'not (userName eq "a")'],
    ['userName eq "a (b)" and (title pr)', 'userName eq "a (b)" and title pr'],
    ['userName eq "q\\"(" and ((title pr))', 'userName eq "q\\"(" and title pr'],
    ['(not (title pr) or userName pr)', 'not (title pr) or userName pr'],
    ['emails[type eq "work" and (value co "x")]', 'emails[type eq "work" and value co "x"]'],
  ])('%s -> %s', (input, expected) => {
    expect(dropGroupingParentheses(input)).toBe(expected);
  });
});
