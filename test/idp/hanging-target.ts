/**
 * The reference provider over real HTTP on 127.0.0.1 (port 0), except that every request for which `hang` holds is
 * accepted and never answered: a target that stops answering after the connection test, after N requests, or only
 * for some kinds of request (issue 11 #12). `onHang` is told each time one is held.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProvider, type Provider } from '../../src/provider/index.ts';

export interface HeldRequest {
  method: string;
  url: string;
  body: string;
  /** 1 for the first request the target received. */
  n: number;
}

export interface HangingTarget {
  url: string;
  provider: Provider;
  /** Names in the provider's store that start with the prefix (Users and Groups). */
  leftovers(prefix: string): Promise<number>;
  close(): Promise<void>;
}

export async function hangingTarget(token: string, hang: (r: HeldRequest) => boolean, onHang: () => void = () => undefined): Promise<HangingTarget> {
  const provider = createProvider({ auth: { tokens: [{ token }] } });
  let n = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (hang({ method: req.method ?? 'GET', url: decodeURIComponent(req.url ?? '/'), body, n: ++n })) return onHang();
      const answer = await provider.fetch(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, ...(body ? { body } : {}) }));
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(await answer.text());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  return {
    url: base,
    provider,
    async leftovers(prefix) {
      let left = 0;
      for (const [ep, attr] of [['Users', 'userName'], ['Groups', 'displayName']]) {
        const res = await provider.fetch(new Request(`${base}/${ep}?filter=${encodeURIComponent(`${attr} sw "${prefix}"`)}&count=1`, { headers: { authorization: `Bearer ${token}` } }));
        left += ((await res.json()) as { totalResults: number }).totalResults;
      }
      return left;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await provider.close?.();
    },
  };
}
