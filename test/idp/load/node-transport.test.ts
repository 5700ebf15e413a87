/** The load run's wire client: what it sends, what it reads back, keep-alive reuse, timeouts, refusals. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { IdpHttp } from '../../../src/idp/http.ts';
import { nodeTransport, type NodeTransport } from '../../../src/idp/load/node-transport.ts';

let server: Server | undefined;
let transport: NodeTransport | undefined;
afterEach(async () => {
  transport?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function listen(handler: (req: IncomingMessage, body: string) => [number, Record<string, string | string[]>, string] | undefined): Promise<{ base: string; connections: () => number }> {
  let connections = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const answer = handler(req, body);
      if (!answer) return; // never answers
      res.writeHead(answer[0], answer[1]);
      res.end(answer[2]);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`, connections: () => connections };
}

describe('node transport', () => {
  it('sends method, URL, headers and body as given, reads status, headers and the whole body, over one kept-alive socket', async () => {
    const seen: { method?: string; url?: string; auth?: string; type?: string; body: string }[] = [];
    const { base, connections } = await listen((req, body) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
      return [201, { 'Content-Type': 'application/scim+json', 'Set-Cookie': ['a=1', 'b=2'] }, JSON.stringify({ id: 'x', long: 'é'.repeat(50_000) })];
    });
    transport = nodeTransport({ maxSockets: 1 });
    const http = new IdpHttp({ baseUrl: base, authorization: 'Bearer t', transport: transport.send, timeoutMs: 5000, headers: { 'Content-Type': 'application/scim+json' }, retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1, honorRetryAfter: true } });
    for (let i = 0; i < 3; i++) {
      const res = await http.send({ method: 'POST', path: '/Users', query: { attributes: 'id' }, body: { userName: `ü${i}` } });
      expect(res.status).toBe(201);
      expect(res.json.long).toHaveLength(50_000);
      expect(res.headers['content-type']).toBe('application/scim+json');
      expect(res.headers['set-cookie']).toBe('a=1, b=2');
    }
    expect(seen[2]).toEqual({ method: 'POST', url: '/scim/v2/Users?attributes=id', auth: 'Bearer t', type: 'application/scim+json', body: '{"userName":"ü2"}' });
    // RFC 7230 §6.3: persistent connections; the three requests shared one socket.
    expect(connections()).toBe(1);
    // The transcript still records every attempt, redacted.
    expect(http.transcript).toHaveLength(3);
    expect(http.transcript[0]!.request.headers.Authorization).toBe('Bearer [REDACTED]');
  });

  it('an attempt without an answer in time rejects, and the retries then give TargetUnreachable', async () => {
    const { base } = await listen(() => undefined);
    transport = nodeTransport({ maxSockets: 2 });
    const http = new IdpHttp({ baseUrl: base, transport: transport.send, timeoutMs: 50, headers: {}, retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 1, honorRetryAfter: true } });
    await expect(http.send({ method: 'GET', path: '/Users' })).rejects.toMatchObject({ name: 'TargetUnreachable', detail: expect.stringMatching(/no complete answer within 50 ms/) });
    expect(http.transcript.map((e) => 'error' in e.response)).toEqual([true, true]);
  });

  it('a refused connection rejects (no answer, not a status)', async () => {
    const { base } = await listen(() => [204, {}, '']);
    const closed = base;
    server!.closeAllConnections();
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    transport = nodeTransport({ maxSockets: 1 });
    await expect(transport.send({ method: 'GET', url: `${closed}/Users`, headers: {}, timeoutMs: 5000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
