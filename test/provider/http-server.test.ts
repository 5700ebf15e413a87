/**
 * Issue 11 #10: refusals made before a request reaches the fetch handler (Node's HTTP parser, a missing or
 * malformed Host) still answer a SCIM error body (RFC 7644 §3.12) where the connection allows. Raw sockets
 * on a loopback port, because a well-behaved HTTP client cannot send these requests.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider } from '../../src/provider/create-provider.ts';
import { createScimServer } from '../../src/provider/http-server.ts';

const TOKEN = 'http-edge-token-1';
let server: Server;
let port: number;

/** Sends raw bytes, reads until the server closes (or a complete Content-Length response arrived). */
function raw(text: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let out = '';
    const done = () => {
      s.destroy();
      const [head = '', body = ''] = out.split('\r\n\r\n', 2);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body });
    };
    s.on('data', (d) => {
      out += d.toString('latin1');
      const m = /content-length: (\d+)/i.exec(out);
      const at = out.indexOf('\r\n\r\n');
      if (m && at >= 0 && out.length - at - 4 >= Number(m[1])) done();
    });
    s.on('close', done);
    s.on('error', reject);
  });
}

const auth = `Authorization: Bearer ${TOKEN}\r\n`;
const cases: { name: string; request: string; status: number }[] = [
  { name: 'a URL over 16 KB', request: `GET /scim/v2/Users?filter=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n${auth}\r\n`, status: 414 },
  { name: 'headers over 16 KB', request: `GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\n${auth}X-Big: ${'b'.repeat(17_000)}\r\n\r\n`, status: 431 },
  { name: 'an HTTP/1.1 request without Host', request: `GET /scim/v2/Users HTTP/1.1\r\n${auth}\r\n`, status: 400 },
  { name: 'a Host that is not a host', request: `GET /scim/v2/Users HTTP/1.1\r\nHost: a b/c\r\n${auth}Connection: close\r\n\r\n`, status: 400 },
  { name: 'an unbalanced IPv6 Host', request: `GET /scim/v2/Users HTTP/1.1\r\nHost: [::1\r\n${auth}Connection: close\r\n\r\n`, status: 400 },
  { name: 'a method the parser does not know', request: `FOO /scim/v2/Users HTTP/1.1\r\nHost: x\r\n${auth}\r\n`, status: 501 },
  { name: 'a request line that is not HTTP', request: `{"hello": "there"}\r\n\r\n`, status: 400 },
  { name: 'a header line without a colon', request: `GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n`, status: 400 },
];

// Both mounts: the provider answered directly from node:http (what `serve` uses) and through the fetch adapter (--ui).
describe.each([
  ['direct mount', (p: ReturnType<typeof createProvider>) => createScimServer(p, { defaultHost: '127.0.0.1' })],
  ['fetch mount', (p: ReturnType<typeof createProvider>) => createScimServer((req) => p.fetch(req), { defaultHost: '127.0.0.1' })],
])('HTTP-level refusals answer a SCIM error body (issue 11 #10), %s', (_name, mount) => {
  beforeAll(async () => {
    server = mount(createProvider({ auth: { tokens: [{ token: TOKEN }] } }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
    server.closeAllConnections();
  });

  for (const c of cases) {
    it(`${c.name}: ${c.status} with an Error body and the connection closed`, async () => {
      const res = await raw(c.request);
      expect(res.status).toBe(c.status);
      expect(res.headers).toMatch(/content-type: application\/scim\+json/i);
      expect(JSON.parse(res.body)).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(c.status), detail: expect.any(String) });
    });
  }

  it('an ordinary request still reaches the provider, and HTTP/1.0 without Host is served', async () => {
    expect((await raw(`GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`)).status).toBe(200);
    expect((await raw(`GET /scim/v2/Users HTTP/1.0\r\n${auth}\r\n`)).status).toBe(200);
  });
});
