/**
 * Issue 11 #13 for the property suites' client: an answer past the size cap (a target streaming without end) is
 * the property's failure, with the cap in the message; it is never read to the end, never `errored`. The suites
 * read through the conformance client, whose cap (src/scim/bounded-body.ts) the IdP and load clients share; their
 * own tests: test/idp/http-bounds.test.ts, test/idp/load/oversized.test.ts. A real loopback server on port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { propertySuite } from '../../../src/harness/properties/suite.ts';
import { createProvider } from '../../../src/provider/index.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../../../src/scim/bounded-body.ts';

const TOKEN = 'oversized-token';
const DISCOVERY = /\/(ServiceProviderConfig|Schemas|ResourceTypes)(\/|$)/;
const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Honest discovery (the reference provider's); every other answer is 200 and 64 KiB chunks until the client leaves. */
async function endlessTarget(): Promise<{ url: string; streamed: () => number }> {
  const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] } });
  let streamed = 0;
  const server = createServer(async (req, res) => {
    req.resume();
    if (DISCOVERY.test(req.url ?? '')) {
      const answer = await provider.fetch(new Request(`http://127.0.0.1${req.url}`, { headers: req.headers as Record<string, string> }));
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      return res.end(await answer.text());
    }
    res.writeHead(200, { 'content-type': 'application/scim+json' });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) streamed += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  });
  servers.push(server);
  server.on('close', () => void provider.close());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`, streamed: () => streamed };
}

describe('the property suites read at most the cap of an answer', () => {
  it('a target streaming without end: every property that ran failed with the cap in its message, none errored', async () => {
    const t = await endlessTarget();
    const results = await propertySuite({ seed: 5, numRuns: 2 }).run({ baseUrl: t.url, authorization: `Bearer ${TOKEN}`, timeoutMs: 20_000, prefix: 'oversized' });
    expect(results.filter((r) => r.status === 'errored')).toEqual([]);
    const failed = results.filter((r) => r.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) expect(r.message).toContain(`exceeds ${DEFAULT_MAX_BODY_BYTES} bytes`);
  }, 120_000);
});
