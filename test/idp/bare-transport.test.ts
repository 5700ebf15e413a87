/**
 * An IdP that sends no User-Agent (Entra) reaches the target without one: Node's fetch would add `user-agent: node`,
 * so IdpHttp sends such a profile's requests through node:http (src/idp/bare-transport.ts). Loopback only.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdpHttp } from '../../src/idp/http.ts';
import { entra } from '../../src/idp/profiles/entra.ts';
import { okta } from '../../src/idp/profiles/okta.ts';

let server: Server;
let base = '';
const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === '/scim/v2/moved') return void res.writeHead(302, { location: '/scim/v2/Users' }).end();
      if (req.url === '/scim/v2/away') return void res.writeHead(302, { location: 'http://192.0.2.1/elsewhere' }).end();
      if (req.url === '/scim/v2/slow') return void setTimeout(() => res.end('{}'), 2000);
      if (req.url === '/scim/v2/big') return void res.end('x'.repeat(4096));
      res.writeHead(200, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ totalResults: 0, Resources: [] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (headers: Record<string, string>, extra: Partial<ConstructorParameters<typeof IdpHttp>[0]> = {}) =>
  new IdpHttp({ baseUrl: base, authorization: 'Bearer t', timeoutMs: 1000, headers, retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1, honorRetryAfter: false }, ...extra });

describe('what reaches the target', () => {
  it('Entra: no User-Agent header at all, the other headers and the body as sent', async () => {
    seen.length = 0;
    const res = await client({ ...entra.headers }).send({ method: 'POST', path: '/Users', body: { userName: 'a' } });
    expect(res.status).toBe(200);
    expect(seen[0].headers['user-agent']).toBeUndefined();
    expect(seen[0].headers['content-type']).toBe('application/json');
    expect(seen[0].headers.authorization).toBe('Bearer t');
    expect(JSON.parse(seen[0].body)).toEqual({ userName: 'a' });
  });

  it("a profile with a User-Agent keeps fetch and sends its own", async () => {
    seen.length = 0;
    await client({ ...okta.headers }).send({ method: 'GET', path: '/Users' });
    expect(seen[0].headers['user-agent']).toBe(okta.headers['User-Agent']);
  });

  it('follows a same-origin GET redirect, returns a cross-origin one as the answer', async () => {
    seen.length = 0;
    expect((await client({ ...entra.headers }).send({ method: 'GET', path: '/moved' })).json).toEqual({ totalResults: 0, Resources: [] });
    expect(seen.map((s) => s.url)).toEqual(['/scim/v2/moved', '/scim/v2/Users']);
    expect((await client({ ...entra.headers }).send({ method: 'GET', path: '/away' })).status).toBe(302);
  });

  it('bounds the answer and the wait', async () => {
    await expect(client({ ...entra.headers }, { maxBodyBytes: 1024 }).send({ method: 'GET', path: '/big' })).rejects.toThrow(/exceeds 1024 bytes/);
    await expect(client({ ...entra.headers }, { timeoutMs: 100 }).send({ method: 'GET', path: '/slow' })).rejects.toMatchObject({ name: 'TargetUnreachable' });
  });
});
