/**
 * The HTTP client's transport rules (issue 10 #3, #12): the default Accept is SCIM's own media type only; an
 * idempotent request that meets a reset connection is repeated once (both attempts in the transcript); POST is
 * never repeated; a body that breaks off mid-read is 'unreadable' (the target's broken answer).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient, isResetConnection, TransportError } from '../../src/harness/http-client.ts';
import type { HttpRequest, TranscriptEntry } from '../../src/harness/check.ts';

const servers: Server[] = [];

async function listen(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<{ url: string; hits: IncomingMessage[] }> {
  const hits: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    hits.push(req);
    handler(req, res, hits.length);
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

/** Resets the connection for the first `resets` requests, then answers 200 JSON. */
function resetting(resets: number) {
  return (req: IncomingMessage, res: ServerResponse, n: number) => {
    if (n <= resets) return req.socket.destroy();
    res.setHeader('content-type', 'application/scim+json');
    res.end('{"ok":true}');
  };
}

describe('http client transport', () => {
  it("sends Accept: application/scim+json only (RFC 7644 §8.1), unless the request sets its own", async () => {
    const { url, hits } = await listen((_req, res) => res.end('{}'));
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'none' } });
    await http.send({ method: 'GET', path: '/Users' });
    await http.send({ method: 'GET', path: '/Users', headers: { Accept: 'application/json' } });
    expect(hits.map((h) => h.headers.accept)).toEqual(['application/scim+json', 'application/json']);
  });

  it.each<[HttpRequest['method']]>([['GET'], ['PUT'], ['DELETE'], ['HEAD'], ['OPTIONS']])(
    'repeats an idempotent %s once after a reset connection and records both attempts',
    async (method) => {
      const { url, hits } = await listen(resetting(1));
      const transcript: TranscriptEntry[] = [];
      const http = createHttpClient({ baseUrl: url, auth: { kind: 'none' } }, transcript);
      const res = await http.send({ method, path: '/Users/1', ...(method === 'PUT' ? { body: { a: 1 } } : {}) });
      expect(res.status).toBe(200);
      expect(hits).toHaveLength(2);
      expect(transcript).toHaveLength(2);
      expect('error' in transcript[0]!.response && transcript[0]!.response.error).toMatch(/retried once/);
      expect('status' in transcript[1]!.response && transcript[1]!.response.status).toBe(200);
    },
  );

  it('a second reset of the same request is a network TransportError (no third attempt)', async () => {
    const { url, hits } = await listen(resetting(5));
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'none' } });
    const err = await http.send({ method: 'GET', path: '/Users' }).catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).kind).toBe('network');
    expect(hits).toHaveLength(2);
  });

  it.each<[HttpRequest['method']]>([['POST'], ['PATCH']])('never repeats a %s (not idempotent)', async (method) => {
    const { url, hits } = await listen(resetting(1));
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'none' } });
    const err = await http.send({ method, path: '/Users', body: { a: 1 } }).catch((e) => e);
    expect((err as TransportError).kind).toBe('network');
    expect(hits).toHaveLength(1);
  });

  it("a body that breaks off after the headers is 'unreadable', not a network error, and is not repeated", async () => {
    const { url, hits } = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json', 'content-length': '1000' });
      res.write('{"Resources": [');
      setImmediate(() => res.socket?.destroy());
    });
    const http = createHttpClient({ baseUrl: url, auth: { kind: 'none' } });
    const err = await http.send({ method: 'GET', path: '/Users' }).catch((e) => e);
    expect((err as TransportError).kind).toBe('unreadable');
    expect((err as TransportError).message).toContain('could not be read');
    expect(hits).toHaveLength(1);
  });

  it.each([
    [{ cause: { code: 'ECONNRESET' } }, true],
    [{ cause: { code: 'UND_ERR_SOCKET', message: 'other side closed' } }, true],
    [{ message: 'socket hang up' }, true],
    [{ code: 'EPIPE' }, true],
    [{ cause: { code: 'ECONNREFUSED' } }, false],
    [{ cause: { code: 'ENOTFOUND' } }, false],
    [new Error('boom'), false],
  ])('isResetConnection(%j) is %s', (err, expected) => {
    expect(isResetConnection(err)).toBe(expected);
  });
});
