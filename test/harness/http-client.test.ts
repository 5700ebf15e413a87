import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient, parseRetryAfter, TransportError } from '../../src/harness/http-client.ts';
import type { TranscriptEntry } from '../../src/harness/check.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];

async function listen(handler: Handler): Promise<{ url: string; hits: { method?: string; url?: string; auth?: string }[] }> {
  const hits: { method?: string; url?: string; auth?: string }[] = [];
  const server = createServer((req, res) => {
    hits.push({ method: req.method, url: req.url, auth: req.headers.authorization });
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const TOKEN = 'tok-very-secret-123456';

describe('http client', () => {
  it('sends auth, parses JSON tolerantly, records a redacted transcript', async () => {
    const { url, hits } = await listen((req, res) => {
      res.setHeader('content-type', 'application/scim+json');
      res.end(req.url === '/scim/v2/Users' ? '{"totalResults":0}' : 'not json');
    });
    const transcript: TranscriptEntry[] = [];
    const http = createHttpClient({ baseUrl: `${url}/scim/v2`, auth: { kind: 'bearer', token: TOKEN } }, transcript);
    const a = await http.send({ method: 'GET', path: '/Users' });
    expect(a.json).toEqual({ totalResults: 0 });
    const b = await http.send({ method: 'GET', path: '/Other' });
    expect(b.json).toBeUndefined();
    expect(b.text).toBe('not json');
    expect(hits[0]?.auth).toBe(`Bearer ${TOKEN}`);
    expect(transcript).toHaveLength(2);
    expect(JSON.stringify(transcript)).not.toContain(TOKEN);
    expect(transcript[0]?.request.headers.authorization).toBe('Bearer [REDACTED]');
  });

  it('fails a request that does not answer within the timeout', async () => {
    await listen(() => {
      /* never answers */
    }).then(async ({ url }) => {
      const http = createHttpClient({ baseUrl: url, auth: { kind: 'none' }, timeoutMs: 150 });
      const err = await http.send({ method: 'GET', path: '/slow' }).catch((e) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).kind).toBe('timeout');
    });
  });

  it('does not follow a redirect to another origin and never sends credentials there', async () => {
    const other = await listen((_req, res) => res.end('{}'));
    const { url } = await listen((_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', `${other.url}/steal`);
      res.end();
    });
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'bearer', token: TOKEN } });
    const res = await http.send({ method: 'GET', path: '/Users' });
    expect(res.status).toBe(302);
    expect(other.hits).toHaveLength(0);
    // An absolute URL on another origin is fetched without the run's credentials.
    await http.send({ method: 'GET', path: `${other.url}/abs` });
    expect(other.hits).toHaveLength(1);
    expect(other.hits[0]?.auth).toBeUndefined();
  });

  it('follows a same-origin redirect of a GET', async () => {
    const { url, hits } = await listen((req, res) => {
      if (req.url === '/old') {
        res.statusCode = 301;
        res.setHeader('location', '/new');
        return res.end();
      }
      res.end('{"ok":true}');
    });
    const transcript: TranscriptEntry[] = [];
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'bearer', token: TOKEN } }, transcript);
    const res = await http.send({ method: 'GET', path: '/old' });
    expect(res.json).toEqual({ ok: true });
    expect(hits.map((h) => h.url)).toEqual(['/old', '/new']);
    expect(hits[1]?.auth).toBe(`Bearer ${TOKEN}`);
    expect(transcript).toHaveLength(2);
  });

  it('refuses a response larger than the size cap', async () => {
    const { url } = await listen((_req, res) => res.end('x'.repeat(4096)));
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'none' }, maxBodyBytes: 1024 });
    const err = await http.send({ method: 'GET', path: '/big' }).catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).kind).toBe('too-large');
  });

  it('retries 429 as Retry-After says, at most 3 times', async () => {
    let n = 0;
    const { url, hits } = await listen((_req, res) => {
      n++;
      if (n <= 2) {
        res.statusCode = 429;
        res.setHeader('retry-after', '7');
        return res.end();
      }
      res.end('{"done":true}');
    });
    const waits: number[] = [];
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'none' }, sleep: async (ms) => void waits.push(ms) });
    const res = await http.send({ method: 'GET', path: '/Users' });
    expect(res.status).toBe(200);
    expect(hits).toHaveLength(3);
    expect(waits).toEqual([7000, 7000]);

    const always = await listen((_req, res) => {
      res.statusCode = 429;
      res.setHeader('retry-after', '1');
      res.end();
    });
    const http2 = createHttpClient({ baseUrl: always.url, auth: { kind: 'none' }, sleep: async () => undefined });
    expect((await http2.send({ method: 'GET', path: '/x' })).status).toBe(429);
    expect(always.hits).toHaveLength(4);
  });

  it('does not wait longer than the bound: a long Retry-After returns the 429', async () => {
    const { url, hits } = await listen((_req, res) => {
      res.statusCode = 429;
      res.setHeader('retry-after', '3600');
      res.end();
    });
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'none' }, sleep: async () => expect.fail('must not sleep') });
    expect((await http.send({ method: 'GET', path: '/x' })).status).toBe(429);
    expect(hits).toHaveLength(1);
  });

  it('reports a refused connection as a network TransportError', async () => {
    const { url } = await listen((_req, res) => res.end());
    const s = servers.pop() as Server;
    await new Promise((r) => s.close(r));
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'none' } });
    const err = await http.send({ method: 'GET', path: '/x' }).catch((e) => e);
    expect((err as TransportError).kind).toBe('network');
  });

  it('refuses writes in read-only mode but allows POST /.search', async () => {
    const { url, hits } = await listen((_req, res) => res.end('{}'));
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'none' }, readOnly: true });
    const err = await http.send({ method: 'POST', path: '/Users', body: {} }).catch((e) => e);
    expect((err as TransportError).kind).toBe('read-only');
    await http.send({ method: 'POST', path: '/Users/.search', body: {} });
    expect(hits.map((h) => h.method)).toEqual(['POST']);
  });

  it('keeps a deliberately wrong literal Authorization readable', async () => {
    const { url } = await listen((_req, res) => res.end());
    const transcript: TranscriptEntry[] = [];
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'bearer', token: TOKEN } }, transcript);
    await http.send({ method: 'GET', path: '/x', auth: { authorization: 'Bearer wrong' } });
    await http.send({ method: 'GET', path: '/x', auth: { authorization: `Bearer ${TOKEN}` } });
    expect(transcript[0]?.request.headers.authorization).toBe('Bearer wrong');
    expect(transcript[1]?.request.headers.authorization).not.toContain(TOKEN);
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
