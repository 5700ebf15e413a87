/**
 * Worker-thread entry of the embedded reference provider (`scimcheck run` without --target): the provider
 * answers on its own thread so the harness and the provider do not share one event loop, as with any real
 * target. Protocol: posts { port } once listening (or { error }); on the message 'stop' it closes and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createProvider } from '../provider/index.ts';

interface EmbeddedWorkerData {
  token: string;
  faults: string[];
  variants: string[];
}

async function start(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as EmbeddedWorkerData;
  try {
    const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: data.token }] }, faults: data.faults, variants: data.variants });
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: provider.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    port.on('message', (msg) => {
      if (msg !== 'stop') return;
      // Keep-alive sockets would hold close() open: the harness is done with them.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      server.close(() => {
        void provider.close().then(() => {
          port.postMessage({ stopped: true });
          port.close();
        });
      });
    });
    port.postMessage({ port: (server.address() as AddressInfo).port });
  } catch (err) {
    // A bad fault or variant name is a UsageError: hand its message back so the parent can report it the same way.
    port.postMessage({ error: (err as Error)?.message ?? String(err), name: (err as Error)?.name });
    port.close();
  }
}

void start();
