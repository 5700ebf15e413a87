/**
 * Okta App Integration Wizard apps (a customer's own app), pinned to their sources: Okta-ref = Okta developer docs
 * "SCIM 2.0 protocol reference" ("For any custom app integrations created using the AIW, all SCIM operations that
 * update a User object ... are always sent through a PUT"; group name and membership updates "through a PUT
 * request"); polis = ory/polis#3136 (captured AIW traffic: POST and PUT carry the members). Plus Okta's import
 * paging (Okta-ref, "Retrieve Users" / "Retrieve Groups"), which both Okta kinds share.
 */
import { describe, expect, it } from 'vitest';
import { SyncEngine } from '../../src/idp/engine.ts';
import { IdpHttp } from '../../src/idp/http.ts';
import { okta, oktaAiw } from '../../src/idp/profiles/okta.ts';
import { getProfile } from '../../src/idp/profiles/index.ts';
import { BASE, group, last, person, setup } from './harness.ts';

const calls = (t: { requests: { method: string; path: string }[] }) => t.requests.map((r) => `${r.method} ${r.path}`);

describe('okta-aiw wire shapes', () => {
  it('is registered as --profile okta-aiw and shares the OIN headers, lookup and create', async () => {
    expect(getProfile('okta-aiw')).toBe(oktaAiw);
    const { target, engine } = setup(oktaAiw);
    await engine.assign(person('alice'));
    const [get, post] = target.requests;
    expect(get.headers.get('user-agent')).toBe('Okta SCIM Client 1.0.0');
    expect(Object.fromEntries(get.query)).toEqual({ filter: 'userName eq "alice@example.test"', startIndex: '1', count: '100' });
    expect(post.body).toMatchObject({ externalId: 'idp-alice', groups: [], active: true });
  });

  it('deactivates and reactivates with GET + PUT of the user as read (meta included), never PATCH or DELETE', async () => {
    const { target, engine } = setup(oktaAiw, 'delete');
    await engine.assign(person('alice'));
    const id = engine.userLinks.get('alice')!;
    const meta = { resourceType: 'User', version: 'W/"1"' };
    target.users.get(id).meta = meta;
    target.requests.length = 0;
    expect((await engine.remove('alice')).outcome).toBe('deactivated');
    expect(calls(target)).toEqual([`GET /Users/${id}`, `PUT /Users/${id}`]);
    expect(target.requests[1].body).toMatchObject({ id, userName: 'alice@example.test', active: false, meta });
    target.requests.length = 0;
    expect((await engine.setActive('alice', true)).outcome).toBe('reactivated');
    expect(calls(target)).toEqual([`GET /Users/${id}`, `PUT /Users/${id}`]);
    expect(last(target.requests).body).toMatchObject({ id, active: true });
  });

  it('reactivates an inactive match: link, profile GET + PUT, then GET + PUT active:true', async () => {
    const { target, engine } = setup(oktaAiw);
    target.users.set('pre', { id: 'pre', userName: 'alice@example.test', active: false, meta: { resourceType: 'User' } });
    expect((await engine.assign(person('alice'))).outcome).toBe('linked');
    expect(calls(target)).toEqual(['GET /Users', 'GET /Users/pre', 'PUT /Users/pre', 'GET /Users/pre', 'PUT /Users/pre']);
    expect(target.requests[2].body).toMatchObject({ userName: 'alice@example.test', active: false, meta: { resourceType: 'User' } });
    expect(target.requests[4].body).toMatchObject({ id: 'pre', active: true, name: { givenName: 'Alice' } });
  });

  it('creates a group with its members filled in (polis), login as display (Okta-ref)', async () => {
    const { target, engine } = setup(oktaAiw);
    await engine.assign(person('alice'));
    await engine.assign(person('bob'));
    const [a, b] = ['alice', 'bob'].map((k) => engine.userLinks.get(k)!);
    target.requests.length = 0;
    expect((await engine.pushGroup(group('eng', ['alice', 'bob']))).outcome).toBe('created');
    expect(calls(target)).toEqual(['GET /Groups', 'POST /Groups']);
    expect(target.requests[1].body).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'group eng',
      members: [{ value: a, display: 'alice@example.test' }, { value: b, display: 'bob@example.test' }],
    });
  });

  it('changes membership, renames and pushes now with GET + PUT of the whole group (Okta-ref AIW example)', async () => {
    const { target, engine } = setup(oktaAiw);
    for (const k of ['alice', 'bob', 'carol']) await engine.assign(person(k));
    const [a, b, c] = ['alice', 'bob', 'carol'].map((k) => engine.userLinks.get(k)!);
    await engine.pushGroup(group('eng', ['alice', 'bob']));
    const gid = engine.groupLinks.get('eng')!;
    const whole = (name: string, members: [string, string][]) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: name,
      members: members.map(([value, display]) => ({ value, display })),
    });
    for (const [act, name, members] of [
      [() => engine.changeMembers('eng', ['carol'], ['alice']), 'group eng', [[b, 'bob@example.test'], [c, 'carol@example.test']]],
      [() => engine.removeMembers('eng', ['bob']), 'group eng', [[c, 'carol@example.test']]],
      [() => engine.addMembers('eng', ['alice']), 'group eng', [[c, 'carol@example.test'], [a, 'alice@example.test']]],
      [() => engine.renameGroup('eng', 'platform'), 'platform', [[c, 'carol@example.test'], [a, 'alice@example.test']]],
      [() => engine.pushNow('eng'), 'platform', [[c, 'carol@example.test'], [a, 'alice@example.test']]],
    ] as [() => Promise<{ outcome: string }>, string, [string, string][]][]) {
      target.requests.length = 0;
      expect((await act()).outcome).toBe('updated');
      expect(calls(target)).toEqual([`GET /Groups/${gid}`, `PUT /Groups/${gid}`]);
      expect(target.requests[1].body).toEqual(whole(name, members));
    }
  });
});

/** A paging target: `total` users and groups, pages cut by startIndex/count, at most `cap` per page. */
function pagingTarget(total: number, cap = Infinity) {
  const seen: string[] = [];
  const serve = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    void init;
    seen.push(`${url.pathname.replace('/scim/v2', '')}?${url.searchParams}`);
    const start = Number(url.searchParams.get('startIndex') ?? 1);
    const count = Math.min(Number(url.searchParams.get('count') ?? total), cap);
    const kind = url.pathname.endsWith('/Users') ? 'u' : 'g';
    const all = Array.from({ length: total }, (_, i) => ({ id: `${kind}${i + 1}` }));
    const Resources = all.slice(start - 1, start - 1 + count);
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: total, startIndex: start, itemsPerPage: Resources.length, Resources };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/scim+json' } });
  }) as typeof fetch;
  return { fetch: serve, seen };
}

function importEngine(profile: typeof okta, t: ReturnType<typeof pagingTarget>) {
  const http = new IdpHttp({ baseUrl: BASE, fetch: t.fetch, timeoutMs: 5000, headers: { ...profile.headers }, retry: profile.retry, sleep: async () => {} });
  return new SyncEngine({ profile, http, baseUrl: BASE, deprovision: 'delete' });
}

describe('Okta import paging (Okta-ref, Retrieve Users / Retrieve Groups)', () => {
  it('asks count=100 and steps startIndex by 100 while totalResults is higher, for Users then Groups', async () => {
    for (const profile of [okta, oktaAiw]) {
      const t = pagingTarget(250);
      const { result, imported } = await importEngine(profile, t).importAll();
      expect(result.outcome).toBe('ok');
      expect(t.seen).toEqual([
        '/Users?startIndex=1&count=100',
        '/Users?startIndex=101&count=100',
        '/Users?startIndex=201&count=100',
        '/Groups?startIndex=1&count=100',
        '/Groups?startIndex=101&count=100',
        '/Groups?startIndex=201&count=100',
      ]);
      expect(imported!.Users).toHaveLength(250);
      expect(new Set(imported!.Groups).size).toBe(250);
      expect(imported!.shortPages).toEqual([]);
    }
  });

  it('steps by 100 even when a page holds fewer, and records the short page (what Okta would skip)', async () => {
    const t = pagingTarget(120, 10);
    const { imported } = await importEngine(okta, t).importAll();
    expect(t.seen.slice(0, 2)).toEqual(['/Users?startIndex=1&count=100', '/Users?startIndex=101&count=100']);
    expect(imported!.Users).toHaveLength(20);
    expect(imported!.shortPages[0]).toBe('GET /Users?startIndex=1&count=100 returned 10 of totalResults 120');
  });

  it('a profile without an import habit steps by what each page returned (profile-neutral)', async () => {
    const t = pagingTarget(25, 10);
    const { imported } = await importEngine(getProfile('entra')!, t).importAll();
    expect(t.seen.slice(0, 3)).toEqual(['/Users?startIndex=1&count=100', '/Users?startIndex=11&count=100', '/Users?startIndex=21&count=100']);
    expect(imported!.Users).toHaveLength(25);
    expect(imported!.shortPages).toEqual([]);
  });
});
