/**
 * PingFederate SCIM Provisioner wire shapes, each pinned to the Ping doc that says so (provisioner overview's
 * specification table, settings reference, "User and group management", changelog) or to the named assumption.
 */
import { describe, expect, it } from 'vitest';
import { SyncEngine } from '../../src/idp/engine.ts';
import { IdpHttp } from '../../src/idp/http.ts';
import { makePingFederate, pingfederate } from '../../src/idp/profiles/pingfederate.ts';
import { BASE, group, last, person, setup } from './harness.ts';
import { fakeTarget } from './fake-target.ts';

const line = (r: { method: string; path: string; query: URLSearchParams }) => `${r.method} ${r.path}${r.query.size ? `?${r.query}` : ''}`;

/** The fake target behind a server that pages GET /Groups (RFC 7644 §3.4.2.4) and caps a page at `cap`. */
function pagingSetup(cap: number) {
  const target = fakeTarget();
  const inner = target.fetch;
  const paged = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const url = new URL(req.url);
    if (req.method !== 'GET' || !url.pathname.endsWith('/Groups') || url.searchParams.has('filter')) return inner(req);
    await inner(req); // recorded like any other request
    const all = [...target.groups.values()];
    const start = Number(url.searchParams.get('startIndex') ?? 1);
    const count = Math.min(Number(url.searchParams.get('count') ?? cap), cap);
    const page = all.slice(start - 1, start - 1 + count);
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: all.length, startIndex: start, itemsPerPage: page.length, Resources: page };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/scim+json' } });
  }) as typeof fetch;
  const http = new IdpHttp({ baseUrl: BASE, authorization: 'Bearer t', fetch: paged, timeoutMs: 5000, headers: { ...pingfederate.headers }, retry: pingfederate.retry, sleep: async () => {} });
  return { target, engine: new SyncEngine({ profile: makePingFederate({ groupsPerPage: 2 }), http, baseUrl: BASE, deprovision: 'delete' }) };
}

describe('pingfederate wire shapes', () => {
  it('matches on userName by default (settings reference: userName eq <value>) and creates with POST', async () => {
    const { target, engine } = setup(pingfederate);
    expect((await engine.assign(person('alice'))).outcome).toBe('created');
    expect(target.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(target.requests[0].query.get('filter')).toBe('userName eq "alice@example.test"');
    expect(target.requests[1].body).toMatchObject({ userName: 'alice@example.test', active: true, emails: [{ value: 'alice@example.test', type: 'work', primary: true }] });
  });

  it('the workEmail identifier filters `emails eq <value>` (settings reference)', async () => {
    const { target, engine } = setup(pingfederate);
    await engine.assign(person('alice'), 'workEmail');
    expect(target.requests[0].query.get('filter')).toBe('emails eq "alice@example.test"');
  });

  it('a Filter Expression overrides the identifier\'s filter, %s filled with the escaped value (settings reference)', async () => {
    const { target, engine } = setup(makePingFederate({ filterExpression: 'emails co "%s"' }));
    await engine.assign(person('alice', { email: 'al"ice@example.test' }), 'workEmail');
    expect(target.requests[0].query.get('filter')).toBe('emails co "al\\"ice@example.test"');
    expect(() => makePingFederate({ filterExpression: 'userName eq "x"' })).toThrow(/filterExpression must contain %s/);
  });

  it('updates users with PUT, never PATCH (overview: PATCH for users "No"), without a GET first', async () => {
    const { target, engine } = setup(pingfederate);
    await engine.assign(person('alice'));
    const id = engine.userLinks.get('alice')!;
    target.requests.length = 0;
    expect((await engine.update('alice', { title: 'Lead' })).outcome).toBe('updated');
    expect(target.requests.map(line)).toEqual([`PUT /Users/${id}`]);
    expect(target.requests[0].body).toMatchObject({ id, userName: 'alice@example.test', title: 'Lead', active: true });
  });

  it('disables and re-enables with PUT active (Remove User Action: Disable, the default)', async () => {
    const { target, engine } = setup(pingfederate, 'delete');
    await engine.assign(person('alice'));
    const id = engine.userLinks.get('alice')!;
    target.requests.length = 0;
    expect((await engine.setActive('alice', false)).outcome).toBe('deactivated');
    expect((await engine.setActive('alice', true)).outcome).toBe('reactivated');
    // Deleting the person in the datastore disables too, even on a target whose policy is delete.
    expect((await engine.remove('alice')).outcome).toBe('deactivated');
    expect(target.requests.map(line)).toEqual([`PUT /Users/${id}`, `PUT /Users/${id}`, `PUT /Users/${id}`]);
    expect(target.requests.map((r) => r.body.active)).toEqual([false, true, false]);
    expect(target.requests.some((r) => r.method === 'PATCH' || r.method === 'DELETE')).toBe(false);
  });

  it('Remove User Action: Delete sends DELETE (only when the target deletes)', async () => {
    const d = setup(makePingFederate({ removeUserAction: 'delete' }), 'delete');
    await d.engine.assign(person('bob'));
    expect((await d.engine.remove('bob')).outcome).toBe('deleted');
    expect(last(d.target.requests).method).toBe('DELETE');
    const keep = setup(makePingFederate({ removeUserAction: 'delete' }), 'disable');
    await keep.engine.assign(person('bob'));
    expect((await keep.engine.remove('bob')).outcome).toBe('deactivated');
    expect(last(keep.target.requests)).toMatchObject({ method: 'PUT', body: { active: false } });
  });

  it('finds groups by listing them all (overview: no group filter), then creates and PATCHes members', async () => {
    const { target, engine } = setup(pingfederate);
    await engine.assign(person('alice'));
    const a = engine.userLinks.get('alice')!;
    target.requests.length = 0;
    expect((await engine.pushGroup(group('eng', ['alice']))).outcome).toBe('created');
    expect(target.requests.map(line)).toEqual(['GET /Groups?startIndex=1&count=100', 'POST /Groups', `PATCH /Groups/${engine.groupLinks.get('eng')}`]);
    expect(target.requests.some((r) => r.query.has('filter'))).toBe(false);
    expect(target.requests[1].body).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'group eng' });
    expect(last(target.requests).body.Operations).toEqual([{ op: 'add', path: 'members', value: [{ value: a }] }]);
  });

  it('group updates are PATCH (changelog 1.4): rename, remove with a members[value eq] path', async () => {
    const { target, engine } = setup(pingfederate);
    await engine.assign(person('alice'));
    const a = engine.userLinks.get('alice')!;
    await engine.pushGroup(group('eng', ['alice']));
    await engine.renameGroup('eng', 'group engineering');
    expect(last(target.requests)).toMatchObject({ method: 'PATCH', body: { Operations: [{ op: 'replace', path: 'displayName', value: 'group engineering' }] } });
    await engine.removeMembers('eng', ['alice']);
    expect(last(target.requests)).toMatchObject({ method: 'PATCH', body: { Operations: [{ op: 'remove', path: `members[value eq "${a}"]` }] } });
  });

  it('pages through every group (Results Per Page) and links the one of the same name on a later page', async () => {
    const { target, engine } = pagingSetup(2);
    for (const [i, name] of ['a', 'b', 'c', 'd', 'group eng'].entries()) target.groups.set(`g${i}`, { id: `g${i}`, displayName: name });
    expect((await engine.pushGroup(group('eng', []))).outcome).toBe('linked');
    expect(engine.groupLinks.get('eng')).toBe('g4');
    expect(target.requests.map(line)).toEqual(['GET /Groups?startIndex=1&count=2', 'GET /Groups?startIndex=3&count=2', 'GET /Groups?startIndex=5&count=2']);
  });

  it('a server that returns fewer than asked is paged by what it returned, and the listing ends at totalResults', async () => {
    const { target, engine } = pagingSetup(1);
    for (const [i, name] of ['a', 'b', 'c'].entries()) target.groups.set(`g${i}`, { id: `g${i}`, displayName: name });
    expect((await engine.pushGroup(group('eng', []))).outcome).toBe('created');
    expect(target.requests.map(line)).toEqual(['GET /Groups?startIndex=1&count=2', 'GET /Groups?startIndex=2&count=2', 'GET /Groups?startIndex=3&count=2', 'POST /Groups']);
  });

  it('a listing the target refuses fails the push with the request named (no create behind its back)', async () => {
    const { target, engine } = setup(pingfederate);
    target.failNext('GET', '/Groups', 403);
    const r = await engine.pushGroup(group('eng', []));
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/GET \/Groups → 403 \(injected\): listing groups must answer 200 with a ListResponse/);
    expect(target.requests.some((x) => x.method === 'POST')).toBe(false);
  });

  it('refuses a page size that is not a positive whole number', () => {
    expect(() => makePingFederate({ groupsPerPage: 0 })).toThrow(/groupsPerPage must be a positive whole number/);
  });

  it('every habit names its source or says assumption', () => {
    for (const [habit, src] of Object.entries(pingfederate.sources)) expect(src, habit).toMatch(/PingFederate|SCIM provisioner settings reference|SCIM Provisioner overview|User and group management|assumption/);
    expect(pingfederate.sources.connectionTest).toMatch(/^assumption/);
    expect(pingfederate.deletesUsers).toBe(false);
    expect(makePingFederate({ removeUserAction: 'delete' }).deletesUsers).toBe(true);
  });
});
