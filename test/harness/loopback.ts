/** A fetch handler served on 127.0.0.1, port 0, for tests that run the CLI against a real port; closed by the test. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface Loopback {
  /** e.g. http://127.0.0.1:43121 */
  origin: string;
  close(): Promise<void>;
}

export function serveOnLoopback(fetch: (req: Request) => Response | Promise<Response>): Promise<Loopback> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        origin: `http://127.0.0.1:${info.port}`,
        async close() {
          // Keep-alive connections of the run would hold close() open.
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          await new Promise((r) => server.close(r));
        },
      });
    });
  });
}
