/**
 * Issue 11 "Honest benchmarks": `serve` answers from IncomingMessage/ServerResponse without WHATWG
 * Request/Response objects. The direct mount must answer every request exactly as the fetch mount (the
 * @hono/node-server adapter around `provider.fetch`) does: one table of requests, sent over loopback to a
 * provider behind each mount, compared answer by answer (ids, versions, timestamps and ports normalised).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider, type Provider } from '../../src/provider/create-provider.ts';
import { createScimServer } from '../../src/provider/http-server.ts';
import { MemoryStore } from '../../src/provider/store.ts';

const TOKEN = 'mount-token';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIMIT = 4096;

interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string | string[]>;
  /** Written in these pieces (chunked when there is more than one and no Content-Length header). */
  body?: (string | Buffer)[];
}
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(port: number, s: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: s.method, path: s.path, headers: s.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    // The server may close a connection it refused a large body on, after answering.
    req.on('error', reject);
    for (const piece of s.body ?? []) req.write(piece);
    req.end();
  });
}

const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'content-type': 'application/scim+json' };
const user = (name: string) => JSON.stringify({ schemas: [USER], userName: name, displayName: `The ${name}` });

/** Every row goes to both mounts, in order; the state they build up is the same on each side. */
const requests: [string, Sent][] = [
  ['create', { method: 'POST', path: '/scim/v2/Users', headers: json, body: [user('ada')] }],
  ['create, answered with ?attributes', { method: 'POST', path: '/scim/v2/Users?attributes=userName', headers: json, body: [user('bob')] }],
  ['read by id', { method: 'GET', path: '/scim/v2/Users/1', headers: auth }],
  ['read with a projection', { method: 'GET', path: '/scim/v2/Users/1?excludedAttributes=emails,meta', headers: auth }],
  ['read an unknown id', { method: 'GET', path: '/scim/v2/Users/999', headers: auth }],
  ['filter', { method: 'GET', path: `/scim/v2/Users?filter=${encodeURIComponent('userName eq "ADA"')}`, headers: auth }],
  ['bad filter', { method: 'GET', path: `/scim/v2/Users?filter=${encodeURIComponent('userName zz "x"')}`, headers: auth }],
  ['no credentials', { method: 'GET', path: '/scim/v2/Users/1' }],
  ['a repeated Authorization header (joined, so no longer the token)', { method: 'GET', path: '/scim/v2/Users/1', headers: { authorization: [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`] } }],
  ['Accept: application/json (json-when-accepted)', { method: 'GET', path: '/scim/v2/Users/1', headers: { ...auth, accept: 'application/json' } }],
  ['HEAD', { method: 'HEAD', path: '/scim/v2/Users/1', headers: auth }],
  ['OPTIONS', { method: 'OPTIONS', path: '/scim/v2/Users', headers: auth }],
  ['a malformed path segment', { method: 'GET', path: '/scim/v2/Users/%ZZ', headers: auth }],
  ['outside the base path', { method: 'GET', path: '/elsewhere', headers: auth }],
  ['dot segments in the target', { method: 'GET', path: '/scim/v2/Groups/../Users/1', headers: auth }],
  ['discovery', { method: 'GET', path: '/scim/v2/ServiceProviderConfig', headers: auth }],
  ['text/plain body', { method: 'POST', path: '/scim/v2/Users', headers: { ...auth, 'content-type': 'text/plain' }, body: [user('c')] }],
  ['latin1 charset', { method: 'POST', path: '/scim/v2/Users', headers: { ...auth, 'content-type': 'application/scim+json; charset=iso-8859-1' }, body: [user('c')] }],
  ['declared length over the limit', { method: 'POST', path: '/scim/v2/Users', headers: { ...json, 'content-length': String(LIMIT + 1) }, body: ['x'.repeat(LIMIT + 1)] }],
  ['chunked body over the limit', { method: 'POST', path: '/scim/v2/Users', headers: json, body: Array.from({ length: 8 }, () => 'x'.repeat(1024)) }],
  ['chunked body within the limit', { method: 'POST', path: '/scim/v2/Users', headers: json, body: [user('chunky').slice(0, 10), user('chunky').slice(10)] }],
  ['invalid UTF-8', { method: 'POST', path: '/scim/v2/Users', headers: json, body: [Buffer.from([0x7b, 0xff, 0x7d])] }],
  ['not JSON', { method: 'POST', path: '/scim/v2/Users', headers: json, body: ['{"schemas":'] }],
  ['empty body', { method: 'POST', path: '/scim/v2/Users', headers: json }],
  ['PATCH without a Content-Type', { method: 'PATCH', path: '/scim/v2/Users/1', headers: auth, body: [JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Ada L.' }] })] }],
  ['PUT', { method: 'PUT', path: '/scim/v2/Users/2', headers: json, body: [user('bob')] }],
  ['a duplicate', { method: 'POST', path: '/scim/v2/Users', headers: json, body: [user('ada')] }],
  ['bulk', { method: 'POST', path: '/scim/v2/Bulk', headers: json, body: [JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'POST', path: '/Users', bulkId: 'b1', data: { schemas: [USER], userName: 'bulky' } }] })] }],
  ['delete', { method: 'DELETE', path: '/scim/v2/Users/2', headers: auth }],
  ['read after delete', { method: 'GET', path: '/scim/v2/Users/2', headers: auth }],
];

/** What must match: the status, the headers a client reads, and the body with volatile values replaced. */
function comparable(a: Answer, port: number): unknown {
  const norm = (s: string | undefined) =>
    s
      ?.replaceAll(`127.0.0.1:${port}`, 'HOST')
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME')
      .replace(/(W\/)?\\?"[0-9a-f]{16}\\?"/g, 'VERSION');
  return {
    status: a.status,
    contentType: a.headers['content-type'],
    contentLength: a.headers['content-length'] !== undefined,
    etag: norm(a.headers.etag),
    location: norm(a.headers.location),
    allow: a.headers.allow,
    challenge: a.headers['www-authenticate'],
    body: norm(a.body),
  };
}

describe('the direct node mount answers as the fetch mount does', () => {
  const servers: Server[] = [];
  const ports: number[] = [];
  beforeAll(async () => {
    const make = () => createProvider({ auth: { tokens: [{ token: TOKEN }] }, variants: ['integer-ids', 'json-when-accepted'], limits: { maxBodyBytes: LIMIT } });
    const p1 = make();
    const p2 = make();
    servers.push(createScimServer(p1), createScimServer((req) => p2.fetch(req)));
    for (const s of servers) {
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      ports.push((s.address() as AddressInfo).port);
    }
  });
  afterAll(() => {
    for (const s of servers) {
      s.close();
      s.closeAllConnections();
    }
  });

  it('request by request', async () => {
    for (const [name, req] of requests) {
      const direct = await send(ports[0]!, req);
      const viaFetch = await send(ports[1]!, req);
      expect([name, comparable(direct, ports[0]!)]).toEqual([name, comparable(viaFetch, ports[1]!)]);
    }
  });
});

describe('the direct mount on its own', () => {
  let server: Server;
  let port: number;
  const seen: { err: unknown; method: string; url: string }[] = [];
  let provider: Provider;
  beforeAll(async () => {
    class BrokenStore extends MemoryStore {
      override async get(kind: 'User' | 'Group', id: string) {
        if (id === 'broken') throw new Error('disk on fire');
        return super.get(kind, id);
      }
    }
    provider = createProvider({ auth: { tokens: [{ token: TOKEN }] }, store: new BrokenStore(), limits: { maxBodyBytes: LIMIT }, onInternalError: (err, req) => seen.push({ err, method: req.method, url: req.url }) });
    server = createScimServer(provider);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
    server.closeAllConnections();
  });

  it('a bug is a generic 500 and onInternalError is told the method and URL', async () => {
    const r = await send(port, { method: 'GET', path: '/scim/v2/Users/broken', headers: auth });
    expect(r.status).toBe(500);
    expect(r.body).not.toContain('disk on fire');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', url: `http://127.0.0.1:${port}/scim/v2/Users/broken` });
  });

  it('a keep-alive connection still serves the next request after a 413 it did not read to the end', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const one = (body: string[]) =>
        new Promise<number>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/scim/v2/Users', headers: json, agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          for (const b of body) req.write(b);
          req.end();
        });
      expect(await one(Array.from({ length: 8 }, () => 'x'.repeat(1024)))).toBe(413);
      expect(await one([user('after-413')])).toBe(201);
    } finally {
      agent.destroy();
    }
  });
});
