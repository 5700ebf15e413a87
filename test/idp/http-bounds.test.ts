/**
 * Issue 11 #12-#14 for the IdP's client (scenarios and load): an answer bigger than the cap fails as the target's,
 * a slow-drip body ends at the timeout, and redirects follow the harness's rule — never to another origin, and a
 * body is never re-sent on a redirect. Real loopback servers on port 0, over fetch and over node:http alike.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchTransport, IdpHttp, ResponseTooLarge, TargetUnreachable, type Transport } from '../../src/idp/http.ts';
import { nodeTransport } from '../../src/idp/load/node-transport.ts';
import { getProfile } from '../../src/idp/profiles/index.ts';
import { toCheckResult } from '../../src/idp/scenario-suite.ts';
import { loadScenarios } from '../../src/idp/scenario/load.ts';
import { runScenario } from '../../src/idp/scenario/runner.ts';
import { createProvider } from '../../src/provider/index.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../../src/scim/bounded-body.ts';

const servers: Server[] = [];
const closers: (() => void)[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push(`${req.method} ${req.url} ${body}`);
      handler(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`, hits };
}

afterEach(async () => {
  for (const c of closers.splice(0)) c();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Streams 64 KiB chunks until the client goes away: "1 GB", as far as any reader without a cap is concerned. */
function endless(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/scim+json' });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

/** Headers at once, then one byte every 100 ms, never ending on its own. */
function slowDrip(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/scim+json' });
  const t = setInterval(() => res.write(' '), 100);
  res.on('close', () => clearInterval(t));
}

function nodeWire(): Transport {
  const t = nodeTransport({ maxSockets: 2 });
  closers.push(() => t.close());
  return t.send;
}

const transports: [string, () => Transport | undefined][] = [
  ['fetch', () => undefined],
  ['node:http (load generator)', nodeWire],
];

function client(baseUrl: string, transport: Transport | undefined, extra: { maxBodyBytes?: number; timeoutMs?: number } = {}): IdpHttp {
  return new IdpHttp({
    baseUrl,
    authorization: 'Bearer s3cret',
    ...(transport ? { transport } : { fetch: globalThis.fetch }),
    timeoutMs: extra.timeoutMs ?? 5000,
    ...(extra.maxBodyBytes ? { maxBodyBytes: extra.maxBodyBytes } : {}),
    headers: { 'Content-Type': 'application/scim+json' },
    retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 1, honorRetryAfter: true },
  });
}

describe.each(transports)('IdP client over %s', (_name, makeTransport) => {
  it('fails an endless answer as too large, once, naming the cap (no retry, not "unreachable")', async () => {
    const target = await serve(endless);
    const http = client(target.url, makeTransport(), { maxBodyBytes: 1024 * 1024 });
    const err = await http.send({ method: 'GET', path: '/Users' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLarge);
    expect((err as Error).message).toBe("GET /scim/v2/Users: the target's answer exceeds 1048576 bytes (the IdP reads at most that much)");
    expect(target.hits).toHaveLength(1);
  });

  it('reads an answer within the cap', async () => {
    const target = await serve((_q, res) => res.end(JSON.stringify({ totalResults: 0, Resources: [] })));
    const res = await client(target.url, makeTransport(), { maxBodyBytes: 1024 }).send({ method: 'GET', path: '/Users' });
    expect(res.json).toEqual({ totalResults: 0, Resources: [] });
  });

  it('ends a slow-drip body at the request timeout (the body counts against it, not only the headers)', async () => {
    const target = await serve(slowDrip);
    const http = client(target.url, makeTransport(), { timeoutMs: 300 });
    const err = await http.send({ method: 'GET', path: '/Users' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetUnreachable);
    expect(target.hits.length).toBe(3);
  });

  it('never follows a redirect to another origin, and never re-sends a POST body on one', async () => {
    const elsewhere = await serve((_q, res) => res.writeHead(201).end('{}'));
    const origin = await serve((req, res) => {
      res.writeHead(req.method === 'POST' ? 307 : 302, { location: `${elsewhere.url}/Users` }).end();
    });
    const http = client(origin.url, makeTransport());
    const posted = await http.send({ method: 'POST', path: '/Users', body: { userName: 'ada' } });
    const got = await http.send({ method: 'GET', path: '/Users' });
    expect([posted.status, got.status]).toEqual([307, 302]);
    expect(elsewhere.hits).toEqual([]);
  });

  it('does not re-send a POST even to the same origin (the harness follows only GET redirects)', async () => {
    const target = await serve((req, res) => {
      if (req.url?.startsWith('/moved')) res.writeHead(201).end('{}');
      else res.writeHead(307, { location: '/moved/Users' }).end();
    });
    const res = await client(target.url, makeTransport()).send({ method: 'POST', path: '/Users', body: { userName: 'ada' } });
    expect(res.status).toBe(307);
    expect(target.hits).toHaveLength(1);
  });
});

describe('IdP client over fetch: same-origin GET redirects', () => {
  it('follows a GET to the same origin, as the harness does', async () => {
    const target = await serve((req, res) => {
      if (req.url?.startsWith('/scim/v2/Users')) res.writeHead(302, { location: '/v2/Users' }).end();
      else res.writeHead(200, { 'content-type': 'application/scim+json' }).end('{"totalResults":0}');
    });
    const res = await client(target.url, fetchTransport(globalThis.fetch)).send({ method: 'GET', path: '/Users' });
    expect(res.status).toBe(200);
    expect(target.hits.map((h) => h.trim())).toEqual(['GET /scim/v2/Users', 'GET /v2/Users']);
  });
});

describe('a scenario against a target that floods its answers', () => {
  it.each(['/Schemas', '/Users'])('fails the scenario (never errored) when %s answers more than the cap', async (flooded) => {
    const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: 'T' }] } });
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = input instanceof Request ? input : new Request(input, init);
      if (new URL(req.url).pathname === `/scim/v2${flooded}`) return new Response(new Uint8Array(DEFAULT_MAX_BODY_BYTES + 1), { status: 200 });
      return provider.fetch(req);
    }) as typeof globalThis.fetch;
    const [sc] = await loadScenarios(['create-and-assign']);
    const run = await runScenario(sc!, { profile: getProfile('okta')!, baseUrl: 'http://localhost/scim/v2', authorization: 'Bearer T', fetch, timeoutMs: 10_000, prefix: 'flood', deprovision: 'delete', sleep: async () => {} });
    const result = toCheckResult(sc!, run);
    expect(result.status).toBe('failed');
    expect(result.message).toContain(`the target's answer exceeds ${DEFAULT_MAX_BODY_BYTES} bytes`);
  });
});

describe('IdP client over fetch: a Location that is no URL', () => {
  it('returns the 3xx as the answer (no exception, no retry)', async () => {
    const target = await serve((_q, res) => res.writeHead(302, { location: 'http://[::1' }).end());
    const res = await client(target.url, undefined).send({ method: 'GET', path: '/Users' });
    expect(res.status).toBe(302);
    expect(target.hits).toHaveLength(1);
  });
});
