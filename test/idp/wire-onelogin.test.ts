/**
 * OneLogin's wire shapes, each pinned to where it is documented (OneLogin developer docs "Implement SCIM API",
 * KB0013904 / the connector's Configuration tab) or to the assumption the profile names.
 */
import { describe, expect, it } from 'vitest';
import { checkCustomHeaders } from '../../src/idp/profiles/custom-headers.ts';
import { makeOneLogin, onelogin } from '../../src/idp/profiles/onelogin.ts';
import { group, last, person, setup } from './harness.ts';

const ops = (r: { body: any }) => r.body.Operations;
const line = (r: { method: string; path: string; query: URLSearchParams }) => `${r.method} ${r.path}${r.query.size ? `?${r.query}` : ''}`;

describe('onelogin wire shapes', () => {
  describe('test connection (Implement SCIM API, Example API Flow step 1)', () => {
    it('filters a userName that does not exist; an empty list confirms the endpoint', async () => {
      const { target, engine } = setup(onelogin);
      expect((await engine.testConnection()).outcome).toBe('ok');
      expect(target.requests).toHaveLength(1);
      expect(target.requests[0].query.get('filter')).toMatch(/^userName eq "onelogin-connection-test-/);
    });

    it('a 404 Not Found confirms it too', async () => {
      const { target, engine } = setup(onelogin);
      target.failNext('GET', '/Users', 404);
      expect((await engine.testConnection()).outcome).toBe('ok');
    });

    it('another status does not, nor a list with users in it (what a server ignoring the filter answers)', async () => {
      const failing = setup(onelogin);
      failing.target.failNext('GET', '/Users', 400);
      const r = await failing.engine.testConnection();
      expect(r.outcome).toBe('failed');
      expect(r.reason).toMatch(/GET \/Users → 400/);
      // The same probe without its filter stands in for a server that ignores it: the list is not empty.
      const unfiltered = setup({ ...onelogin, connectionTest: (id) => onelogin.connectionTest(id).map((p) => ({ ...p, req: { ...p.req, query: {} } })) });
      await unfiltered.engine.assign(person('alice'));
      const u = await unfiltered.engine.testConnection();
      expect(u.outcome).toBe('failed');
      expect(u.reason).toMatch(/expected an empty list/);
    });
  });

  it('creates from its template and updates with a PUT, no GET first (Implement SCIM API: Update User; PUT assumption)', async () => {
    const { target, engine } = setup(onelogin);
    await engine.assign(person('alice'));
    expect(target.requests[1].body.emails).toEqual([{ value: 'alice@example.test', type: 'work', primary: true }]);
    const id = engine.userLinks.get('alice')!;
    target.requests.length = 0;
    await engine.update('alice', { title: 'Lead' });
    expect(target.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /Users/${id}`]);
    expect(target.requests[0].body).toMatchObject({ userName: 'alice@example.test', title: 'Lead', active: true });
  });

  it('a template may send emails as a single object (KB0013904: the admin writes the template)', async () => {
    const { target, engine } = setup(makeOneLogin({ emailsAsObject: true }));
    await engine.assign(person('alice'));
    expect(target.requests[1].body.emails).toEqual({ value: 'alice@example.test', type: 'work', primary: true });
  });

  it('lists the groups (Get Groups, paged) before creating one, and links a listed group of the same name', async () => {
    const { target, engine } = setup(onelogin);
    await engine.assign(person('alice'));
    target.requests.length = 0;
    expect((await engine.pushGroup(group('eng', ['alice']))).outcome).toBe('created');
    expect(target.requests.map(line)).toEqual(['GET /Groups?startIndex=1&count=100', 'POST /Groups', 'PATCH /Groups/g2']);
    expect(target.requests[1].body).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'group eng', members: [] });
    // A second IdP push of a group that exists on the target under that name links it instead of creating it.
    const again = setup(onelogin);
    again.target.groups.set('g7', { id: 'g7', displayName: 'group ops' });
    expect((await again.engine.pushGroup(group('ops', []))).outcome).toBe('linked');
    expect(again.target.requests.map(line)).toEqual(['GET /Groups?startIndex=1&count=100']);
    expect(again.engine.groupLinks.get('ops')).toBe('g7');
  });

  it('deactivates by leaving each group (assumption), then PUT active:false; DELETE when set to delete', async () => {
    const { target, engine } = setup(onelogin, 'disable');
    await engine.assign(person('alice'));
    const a = engine.userLinks.get('alice')!;
    await engine.pushGroup(group('eng', ['alice']));
    await engine.pushGroup(group('ops', ['alice']));
    expect(ops(last(target.requests))).toEqual([{ op: 'add', path: 'members', value: [{ value: a }] }]);
    target.requests.length = 0;
    expect((await engine.remove('alice')).outcome).toBe('deactivated');
    expect(target.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'PUT']);
    expect(ops(target.requests[0])).toEqual([{ op: 'remove', path: 'members', value: [{ value: a }] }]);
    expect(target.requests[2].body.active).toBe(false);
    const d = setup(onelogin, 'delete');
    await d.engine.assign(person('bob'));
    await d.engine.remove('bob');
    expect(last(d.target.requests).method).toBe('DELETE');
  });

  it('renames a group with replace displayName (assumption)', async () => {
    const { target, engine } = setup(onelogin);
    await engine.pushGroup(group('eng', []));
    await engine.renameGroup('eng', 'group engineering');
    expect(ops(last(target.requests))).toEqual([{ op: 'replace', path: 'displayName', value: 'group engineering' }]);
  });

  it('re-creates at once when an update meets 404 (assumption)', async () => {
    const { target, engine } = setup(onelogin);
    await engine.assign(person('alice'));
    target.users.clear();
    target.requests.length = 0;
    expect((await engine.update('alice', { title: 'X' })).outcome).toBe('recreated');
    expect(target.requests.map((r) => r.method)).toEqual(['PUT', 'GET', 'POST']);
  });

  describe('custom headers (the connector\'s "Custom Headers" field)', () => {
    it('are sent on every request, next to the profile\'s own', async () => {
      const { target, engine } = setup(makeOneLogin({ customHeaders: { 'X-Tenant': 'acme', 'X-Api-Version': '2' } }));
      await engine.testConnection();
      await engine.assign(person('alice'));
      await engine.pushGroup(group('eng', ['alice']));
      expect(target.requests.length).toBeGreaterThan(3);
      for (const r of target.requests) {
        expect(r.headers.get('x-tenant')).toBe('acme');
        expect(r.headers.get('x-api-version')).toBe('2');
        expect(r.headers.get('authorization')).toBe('Bearer secret-token');
      }
    });

    it('one named like a profile header replaces it (never sent twice)', async () => {
      const p = makeOneLogin({ customHeaders: { accept: 'application/json' } });
      expect(p.headers).toEqual({ 'User-Agent': 'OneLogin SCIM Provisioner (scimcheck mock)', Accept: 'application/json', 'Content-Type': 'application/scim+json' });
      const { target, engine } = setup(p);
      await engine.testConnection();
      expect(target.requests[0].headers.get('accept')).toBe('application/json');
    });

    it.each([
      [{ Authorization: 'Bearer x' }, /set by scimcheck itself/],
      [{ 'X Bad': 'v' }, /not a valid HTTP header name/],
      [{ 'X-Ok': 'a\r\nX-Injected: b' }, /line break/],
    ])('refuses %j', (headers, msg) => {
      expect(() => checkCustomHeaders(headers)).toThrow(msg);
      expect(() => makeOneLogin({ customHeaders: headers })).toThrow(msg);
    });

    it('the default profile sends none', () => {
      expect(Object.keys(onelogin.headers).sort()).toEqual(['Accept', 'Content-Type', 'User-Agent']);
    });
  });

  it('every habit names its source or says assumption', () => {
    for (const [habit, src] of Object.entries(onelogin.sources)) expect(src, habit).toMatch(/OneLogin|assumption/);
    for (const habit of ['conflict', 'notFound', 'batching']) expect(onelogin.sources[habit]).toMatch(/^assumption/);
    expect(onelogin.sources.deactivate).toMatch(/assumption: leaving each group/);
    expect(onelogin.sources.groups).toMatch(/rename as replace displayName/);
  });
});
