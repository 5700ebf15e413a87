/**
 * Issue 11 #7 and #8: the live console (`serve --ui`) must not hurt the provider. Observing request
 * bodies respects the provider's own size limits (an oversized body is 413 promptly, with or without the
 * console), and an event stream whose reader never reads holds a bounded amount and is dropped.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createProvider } from '../../src/provider/create-provider.ts';
import { createConsole, type ProviderConsole } from '../../src/provider/ui/console.ts';
import type { LogEntry, RequestLog } from '../../src/provider/ui/request-log.ts';

const TOKEN = 'console-limits-token-1';
const base = 'http://sp.test';
const MiB = 1024 * 1024;

function setup(logCapacity?: number): ProviderConsole {
  const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] } });
  return createConsole({ provider, auth: { api: { tokens: [{ token: TOKEN }] } }, logCapacity });
}

/** A body that never ends: 64 KiB of 'a' per pull, counting what was pulled and whether it was cancelled. */
function endlessBody() {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      state.pulled += chunk.byteLength;
      c.enqueue(chunk);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

async function entries(log: RequestLog, n: number): Promise<LogEntry[]> {
  for (let i = 0; i < 2000 && log.since().length < n; i++) await new Promise((r) => setTimeout(r, 5));
  return log.since();
}

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
});

describe('console: request bodies within the provider limits (issue 11 #7)', () => {
  for (const path of ['/Users', '/Bulk']) {
    it(`an endless body to ${path} is 413, the body is cancelled after about the limit, and the log says so`, async () => {
      const ui = setup();
      opened.push(ui);
      const { stream, state } = endlessBody();
      const req = new Request(`${base}/scim/v2${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      const res = await ui.fetch(req);
      expect(res.status).toBe(413);
      expect((await res.json()).status).toBe('413');
      const [e] = await entries(ui.log, 1);
      expect(e).toMatchObject({ method: 'POST', status: 413 });
      expect(e!.request.body).toMatch(/not shown/);
      // Nothing keeps reading once the provider refused: the source is cancelled after ~1 MiB.
      await new Promise((r) => setTimeout(r, 20));
      expect(state.cancelled).toBe(true);
      expect(state.pulled).toBeLessThan(2 * MiB);
    }, 15_000);
  }

  it('over a socket: a chunked 200 MiB body to /Users and /Bulk answers 413 with the console on', async () => {
    const ui = setup();
    opened.push(ui);
    const server = await new Promise<http.Server>((resolve) => {
      const s = serve({ fetch: ui.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as http.Server)) as http.Server;
    });
    opened.push({ close: () => { server.close(); server.closeAllConnections(); } });
    const port = (server.address() as AddressInfo).port;
    for (const path of ['/Users', '/Bulk']) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: `/scim/v2${path}`, method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' } }, (res) => {
          res.resume();
          req.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        let sent = 0;
        const pump = () => {
          while (sent < 200 * MiB) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
      expect(status).toBe(413);
    }
  }, 15_000);

  it('a body within the limit is logged whole (redacted) after the provider read it', async () => {
    const ui = setup();
    opened.push(ui);
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bo', password: 'Secret-pw-99' });
    const res = await ui.fetch(new Request(`${base}/scim/v2/Users`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' }, body }));
    expect(res.status).toBe(201);
    const [e] = await entries(ui.log, 1);
    expect(JSON.parse(e!.request.body)).toMatchObject({ userName: 'bo', password: '[REDACTED]' });
  });
});
