/**
 * The embedded reference provider of `scimcheck run` (no --target): on a free 127.0.0.1 port with a random
 * token. By default it runs on a worker thread, so the provider's work does not queue behind the harness's on
 * one event loop (a full run is CPU-bound; the second core then does the provider's half). `thread: false`
 * keeps it in this thread.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { FaultSet } from '../provider/faults.ts';

export interface Embedded {
  baseUrl: string;
  token: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  faults?: readonly string[];
  /** Run the provider on a worker thread (default true). */
  thread?: boolean;
}

export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<Embedded> {
  const faults = [...(opts.faults ?? [])];
  // Unknown fault names are a usage error (exit 2), raised here in the caller's thread.
  new FaultSet(faults);
  const token = randomBytes(24).toString('hex');
  return opts.thread === false ? startInProcess(token, faults) : startOnWorker(token, faults);
}

async function startInProcess(token: string, faults: string[]): Promise<Embedded> {
  const [{ createProvider }, { serve }] = await Promise.all([import('../provider/index.ts'), import('@hono/node-server')]);
  const provider = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token }] }, faults });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: provider.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/scim/v2`,
    token,
    async stop() {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await provider.close();
    },
  };
}

/**
 * The worker loads TypeScript through tsx's CommonJS hook, registered inside the worker: on Node 20, ESM loader
 * hooks registered in this thread (bin/scimcheck.js, `tsx`, vitest) do not reach worker threads.
 */
function workerBootstrap(): string {
  return `const { workerData } = require('node:worker_threads'); require(workerData.tsxCjs); require(workerData.entry);`;
}

async function startOnWorker(token: string, faults: string[]): Promise<Embedded> {
  const entry = fileURLToPath(new URL('./embedded-provider-worker.ts', import.meta.url));
  const tsxCjs = createRequire(import.meta.url).resolve('tsx/cjs');
  const worker = new Worker(workerBootstrap(), { eval: true, workerData: { token, faults, entry, tsxCjs } });
  const port = await new Promise<number>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the embedded provider's worker exited (code ${code}) before listening`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (msg: { port?: number; error?: string }) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (typeof msg.port === 'number') resolve(msg.port);
      else reject(new Error(`the embedded provider did not start: ${msg.error ?? 'no reason given'}`));
    });
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });
  return {
    baseUrl: `http://127.0.0.1:${port}/scim/v2`,
    token,
    async stop() {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await exited;
    },
  };
}
