/**
 * Issue 11 #7 and #8: the live console (`serve --ui`) must not hurt the provider. Observing request
 * bodies respects the provider's own size limits (an oversized body is 413 promptly, with or without the
 * console), and an event stream whose reader never reads holds a bounded amount and is dropped.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createProvider } from '../../src/provider/create-provider.ts';
import { createScimServer } from '../../src/provider/http-server.ts';
import { createConsole, type ProviderConsole } from '../../src/provider/ui/console.ts';
import type { LogEntry, RequestLog } from '../../src/provider/ui/request-log.ts';
import { postChunked } from './chunked-post.ts';

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
    // The server `serve --ui` runs.
    const server = createScimServer(ui.fetch);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    opened.push({ close: () => { server.close(); server.closeAllConnections(); } });
    const port = (server.address() as AddressInfo).port;
    for (const path of ['/Users', '/Bulk']) {
      const status = await postChunked({ host: '127.0.0.1', port, path: `/scim/v2${path}` }, { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' }, 200 * MiB);
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

describe('console: event streams hold a bounded buffer and drop a subscriber that falls behind (issue 11 #8)', () => {
  const auth = { authorization: `Bearer ${TOKEN}` };
  const get = (ui: ProviderConsole, i: number) => ui.fetch(new Request(`${base}/scim/v2/Users?startIndex=${i}`, { headers: auth }));
  /** Waits until the log has numbered `seq` exchanges (older ones may be gone past its capacity). */
  async function logged(log: RequestLog, seq: number): Promise<void> {
    for (let i = 0; i < 2000 && (log.since().at(-1)?.seq ?? 0) < seq; i++) await new Promise((r) => setTimeout(r, 5));
  }
  function blocks(text: string, event: string): string[] {
    return text.split('\n\n').filter((b) => b.split('\n').includes(`event: ${event}`));
  }

  it('a stream nobody reads stops taking events at its byte bound, is dropped once the log moves past it, and says so', async () => {
    const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] } });
    const ui = createConsole({ provider, auth: { api: { tokens: [{ token: TOKEN }] } }, logCapacity: 20, streamBufferBytes: 4096 });
    opened.push(ui);
    const res = await ui.fetch(new Request(`${base}/ui/api/events`, { headers: auth }));
    expect(ui.log.listenerCount).toBe(1);
    for (let i = 1; i <= 200; i++) await get(ui, i);
    await logged(ui.log, 200);
    expect(ui.log.listenerCount).toBe(0);
    // What the stream still holds: what fit in its bound, then the notice, then its end.
    const text = await new Response(res.body).text();
    const sent = blocks(text, 'request').map((b) => JSON.parse(b.split('\ndata: ')[1]!) as LogEntry);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThan(20);
    expect(sent.map((e) => e.seq)).toEqual(sent.map((_, i) => i + 1));
    const [dropped] = blocks(text, 'dropped');
    expect(JSON.parse(dropped!.split('\ndata: ')[1]!)).toMatchObject({ missed: expect.any(Number) });
    expect(text.trimEnd().endsWith(dropped!.trimEnd())).toBe(true);
  });

  it('a stream read as it goes gets every event in order, and a reconnect older than the log is told what it missed, not dropped', async () => {
    const provider = createProvider({ auth: { tokens: [{ token: TOKEN }] } });
    const ui = createConsole({ provider, auth: { api: { tokens: [{ token: TOKEN }] } }, logCapacity: 20, streamBufferBytes: 4096 });
    opened.push(ui);
    const res = await ui.fetch(new Request(`${base}/ui/api/events`, { headers: auth }));
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    for (let i = 1; i <= 60; i++) {
      await get(ui, i);
      await logged(ui.log, i);
      while (!text.includes(`id: ${i}\n`)) {
        const r = await reader.read();
        if (r.done) break;
        text += dec.decode(r.value);
      }
    }
    expect(blocks(text, 'request').map((b) => JSON.parse(b.split('\ndata: ')[1]!).seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(blocks(text, 'dropped')).toEqual([]);
    expect(ui.log.listenerCount).toBe(1);
    await reader.cancel();
    expect(ui.log.listenerCount).toBe(0);

    const again = await ui.fetch(new Request(`${base}/ui/api/events`, { headers: { ...auth, 'last-event-id': '5' } }));
    const r2 = again.body!.getReader();
    let t2 = '';
    while (!t2.includes('id: 60\n')) t2 += dec.decode((await r2.read()).value);
    expect(JSON.parse(blocks(t2, 'missed')[0]!.split('\ndata: ')[1]!)).toEqual({ missed: 35 });
    expect(blocks(t2, 'request').map((b) => JSON.parse(b.split('\ndata: ')[1]!).seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 41));
    expect(ui.log.listenerCount).toBe(1);
    await r2.cancel();
  });
});
