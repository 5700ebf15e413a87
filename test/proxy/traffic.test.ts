/**
 * Issue 14: `scimcheck proxy` with a hand-written client. Broken requests draw client-side findings naming their
 * clause; a target's ignored member removal draws the server's read-back finding; URLs on the target's origin
 * come back on the proxy's; credentials never reach a transcript; hop-by-hop headers stop at the proxy.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createForwarder } from '../../src/proxy/forward.ts';
import { listen, type Listening } from '../../src/proxy/listen.ts';
import { createProxySession, type SessionEntry } from '../../src/proxy/session.ts';
import { auth, rig, TOKEN, type Rig } from './support.ts';

const SCIM = 'application/scim+json';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function open(opts: Parameters<typeof rig>[0] = {}): Promise<Rig> {
  const r = await rig(opts);
  closers.push(() => r.close());
  return r;
}

function send(r: Rig, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${r.base}${path}`, {
    method,
    headers: { ...auth, accept: SCIM, ...(body !== undefined ? { 'content-type': SCIM } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
}

const findingIds = (r: Rig, side: 'client' | 'server') => r.entries.flatMap((e) => e.findings.filter((f) => f.side === side).map((f) => f.id));

describe('a client sending broken requests draws client-side findings', () => {
  /** A broken request, the rule it breaks, its clause. */
  const CASES: { what: string; method: string; path: (id: string) => string; body: unknown; id: string; rfc: string }[] = [
    { what: 'a PATCH op named "merge"', method: 'PATCH', path: (id) => `/Users/${id}`, body: { schemas: [PATCH], Operations: [{ op: 'merge', path: 'displayName', value: 'x' }] }, id: 'client.patch.op-name', rfc: 'RFC 7644 §3.5.2' },
    { what: 'a POST without schemas', method: 'POST', path: () => '/Users', body: { userName: 'no-schemas@example.test' }, id: 'client.schemas.required', rfc: 'RFC 7643 §3' },
    { what: 'a PATCH on readOnly meta.created', method: 'PATCH', path: (id) => `/Users/${id}`, body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }] }, id: 'client.patch.mutability', rfc: 'RFC 7644 §3.5.2' },
  ];
  it.each(CASES)('$what -> $id', async (c) => {
    const r = await open();
    const created = await (await send(r, 'POST', '/Users', { schemas: [USER], userName: `ok-${c.id}@example.test` })).json();
    await send(r, c.method, c.path(created.id), c.body);
    const f = r.entries.flatMap((e) => e.findings).find((x) => x.id.startsWith(c.id));
    expect(f, JSON.stringify(r.entries.map((e) => e.findings.map((x) => x.id)))).toMatchObject({ side: 'client', rfc: c.rfc });
    expect(r.session.results().find((x) => x.id === f!.id)).toMatchObject({ suite: 'proxy', side: 'client', area: 'client' });
  });

  it('an invalid filter -> a client finding on the filter syntax (RFC 7644 §3.4.2.2)', async () => {
    const r = await open();
    await send(r, 'GET', `/Users?filter=${encodeURIComponent('userName eq')}`);
    const f = r.entries.flatMap((e) => e.findings).find((x) => x.side === 'client');
    expect(f).toMatchObject({ side: 'client', rfc: 'RFC 7644 §3.4.2.2' });
  });

  it('a well-formed client draws no client finding', async () => {
    const r = await open();
    const created = await (await send(r, 'POST', '/Users', { schemas: [USER], userName: 'fine@example.test', displayName: 'Fine' })).json();
    await send(r, 'PATCH', `/Users/${created.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Finer' }] });
    await send(r, 'GET', `/Users?filter=${encodeURIComponent('userName eq "fine@example.test"')}`);
    await send(r, 'DELETE', `/Users/${created.id}`);
    expect(findingIds(r, 'client')).toEqual([]);
    expect(findingIds(r, 'server')).toEqual([]);
  });
});

describe('server-side read-back', () => {
  it('member-removal-ignored: a PATCH remove answered 2xx, a later GET still lists the member', async () => {
    const r = await open({ faults: ['member-removal-ignored'] });
    const u = await (await send(r, 'POST', '/Users', { schemas: [USER], userName: 'member@example.test' })).json();
    const g = await (await send(r, 'POST', '/Groups', { schemas: [GROUP], displayName: 'team', members: [{ value: u.id }] })).json();
    const removed = await send(r, 'PATCH', `/Groups/${g.id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${u.id}"]` }] });
    expect(removed.status).toBeLessThan(300);
    await send(r, 'GET', `/Groups/${g.id}`);
    const hit = r.session.results().find((x) => x.id === 'server.write.read-back');
    expect(hit).toMatchObject({ status: 'failed', side: 'server', rfc: 'RFC7644 §3.5.1' });
    expect(hit!.message).toContain(`still with member ${u.id}`);
  });

  it('without the fault the same exchanges draw nothing', async () => {
    const r = await open();
    const u = await (await send(r, 'POST', '/Users', { schemas: [USER], userName: 'member@example.test' })).json();
    const g = await (await send(r, 'POST', '/Groups', { schemas: [GROUP], displayName: 'team', members: [{ value: u.id }] })).json();
    await send(r, 'PATCH', `/Groups/${g.id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${u.id}"]` }] });
    await send(r, 'GET', `/Groups/${g.id}`);
    expect(r.session.results().filter((x) => x.status !== 'passed')).toEqual([]);
  });

  it('filter-ignored: a match-before-create lookup answered with every user', async () => {
    const r = await open({ faults: ['filter-ignored'] });
    await send(r, 'POST', '/Users', { schemas: [USER], userName: 'first@example.test' });
    await send(r, 'POST', '/Users', { schemas: [USER], userName: 'second@example.test' });
    await send(r, 'GET', `/Users?filter=${encodeURIComponent('userName eq "second@example.test"')}`);
    expect(r.session.results().find((x) => x.id === 'server.list.filter-respected')).toMatchObject({ status: 'failed', rfc: 'RFC7644 §3.4.2.2' });
  });

  it('bulk-delete-no-location: a BulkResponse DELETE without its location', async () => {
    const r = await open({ faults: ['bulk-delete-no-location'] });
    const u = await (await send(r, 'POST', '/Users', { schemas: [USER], userName: 'bulk@example.test' })).json();
    const res = await send(r, 'POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'DELETE', path: `/Users/${u.id}` }] });
    expect(res.status).toBe(200);
    expect(r.session.results().find((x) => x.id === 'server.bulk.location')).toMatchObject({ status: 'failed', rfc: 'RFC7644 §3.7.3' });
  });

  it('delete-not-deleting: a GET after a 204 DELETE that still answers 200', async () => {
    const r = await open({ faults: ['delete-not-deleting'] });
    const u = await (await send(r, 'POST', '/Users', { schemas: [USER], userName: 'gone@example.test' })).json();
    expect((await send(r, 'DELETE', `/Users/${u.id}`)).status).toBe(204);
    expect((await send(r, 'GET', `/Users/${u.id}`)).status).toBe(200);
    expect(r.session.results().find((x) => x.id === 'server.delete.gone-after')).toMatchObject({ status: 'failed', rfc: 'RFC7644 §3.6' });
  });
});

describe('the answer the client gets', () => {
  it('Location and meta.location point at the proxy, the graded answer at the target', async () => {
    const r = await open();
    const res = await send(r, 'POST', '/Users', { schemas: [USER], userName: 'where@example.test' });
    const body = await res.json();
    expect(res.headers.get('location')).toBe(`${r.base}/Users/${body.id}`);
    expect(body.meta.location).toBe(`${r.base}/Users/${body.id}`);
    const graded = r.entries.at(-1)!.exchange.answer!;
    expect(graded.headers.location).toBe(`${r.targetBase}/Users/${body.id}`);
    // A list's resources too: the client follows meta.location from a search.
    const list = await (await send(r, 'GET', '/Users')).json();
    expect(list.Resources[0].meta.location.startsWith(r.base)).toBe(true);
  });

  it('credentials never reach a transcript, though the target got them', async () => {
    const r = await open({ faults: ['location-missing'] });
    await send(r, 'POST', '/Users', { schemas: [USER], userName: 'secret@example.test', password: 'Hunter2-pass!' });
    const text = JSON.stringify(r.session.results());
    expect(text).toContain('server.create.location-equals-meta');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('Hunter2-pass!');
  });

  it('hop-by-hop headers stop at the proxy; Authorization and the body pass unchanged', async () => {
    const seen: Request[] = [];
    const bodies: string[] = [];
    const target: Listening = await listen(async (req) => {
      seen.push(req);
      bodies.push(await req.text());
      return new Response(null, { status: 204 });
    }, 0, '127.0.0.1');
    closers.push(() => target.close());
    const session = createProxySession();
    const entries: SessionEntry[] = [];
    const proxy = await listen(createForwarder({ target: `${target.origin}/scim/v2`, onExchange: (ex) => entries.push(session.record(ex)) }), 0, '127.0.0.1');
    closers.push(() => proxy.close());
    // node:http, not fetch: fetch refuses to send Connection and Keep-Alive itself.
    const status = await new Promise<number>((resolve, reject) => {
      const body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}';
      const req = request(`${proxy.origin}/scim/v2/Users/abc?x=1`, {
        method: 'PUT',
        headers: { authorization: 'Bearer pass-through-7', connection: 'keep-alive, x-hop', 'x-hop': 'drop me', 'keep-alive': 'timeout=5', 'x-end': 'keep me', 'content-type': SCIM, 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(204);
    const got = seen[0]!;
    expect(new URL(got.url).pathname + new URL(got.url).search).toBe('/scim/v2/Users/abc?x=1');
    expect(got.headers.get('authorization')).toBe('Bearer pass-through-7');
    expect(got.headers.get('x-end')).toBe('keep me');
    expect(got.headers.get('x-hop')).toBeNull();
    expect(got.headers.get('keep-alive')).toBeNull();
    expect(got.headers.get('via')).toBe('1.1 scimcheck-proxy');
    expect(bodies[0]).toBe('{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}');
    expect(entries[0]!.exchange.request.path).toBe('/Users/abc');
  });

  it('an unreachable target answers 502 as a SCIM error from the proxy, never graded as the target', async () => {
    const gone: Listening = await listen(async () => new Response(null), 0, '127.0.0.1');
    const origin = gone.origin;
    await gone.close();
    const session = createProxySession();
    const proxy = await listen(createForwarder({ target: `${origin}/scim/v2`, onExchange: (ex) => session.record(ex) }), 0, '127.0.0.1');
    closers.push(() => proxy.close());
    const res = await fetch(`${proxy.origin}/scim/v2/Users`, { headers: { accept: SCIM } });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '502' });
    expect(session.stats()).toMatchObject({ exchanges: 1, answered: 0, unanswered: 1 });
    expect(session.results().filter((x) => x.side === 'server')).toEqual([]);
  });
});
