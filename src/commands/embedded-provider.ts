/**
 * The embedded reference provider of `scimcheck run` (no --target): on a free 127.0.0.1 port with a random
 * token, on a worker thread, so the provider's work does not queue behind the harness's on one event loop
 * (a full run is CPU-bound; the second core then does the provider's half).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FaultSet } from '../provider/faults.ts';
import { VariantSet } from '../provider/variants.ts';

export interface Embedded {
  baseUrl: string;
  token: string;
  stop(): Promise<void>;
}

/** The embedded provider's worker could not start: the harness's own failure, never the target's. */
export class EmbeddedStartError extends Error {
  constructor(reason: string) {
    super(`the embedded reference provider did not start: ${reason}`);
    this.name = 'EmbeddedStartError';
  }
}

export interface EmbeddedOptions {
  faults?: readonly string[];
  /** RFC-legal variants (src/provider/variants.ts), e.g. from SCIMCHECK_EMBEDDED_VARIANTS. */
  variants?: readonly string[];
}

export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<Embedded> {
  const faults = [...(opts.faults ?? [])];
  const variants = [...(opts.variants ?? [])];
  // Unknown fault or variant names are a usage error (exit 2), raised here in the caller's thread.
  new FaultSet(faults);
  new VariantSet(variants);
  const token = randomBytes(24).toString('hex');
  return startOnWorker(token, faults, variants);
}

/**
 * The worker's entry sits beside this module: compiled JS in the installed package (dist/), TypeScript in a
 * clone run through tsx or vitest. `rewriteRelativeImportExtensions` rewrites import specifiers only, never a
 * `new URL('./x.ts', import.meta.url)`, so the extension follows this module's own.
 */
function workerEntry(): URL {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./embedded-provider-worker.${ext}`, import.meta.url);
}

/**
 * Compiled JS starts as a plain ES module worker. TypeScript loads through tsx's CommonJS hook, registered
 * inside the worker: on Node 20, ESM loader hooks registered in this thread (`tsx`, vitest) do not reach worker
 * threads. So in a clone the provider's modules load as CommonJS there: they must not use top-level await.
 */
function spawnWorker(workerData: { token: string; faults: string[]; variants: string[] }): Worker {
  const entry = workerEntry();
  if (entry.pathname.endsWith('.js')) return new Worker(entry, { workerData });
  const tsxCjs = createRequire(import.meta.url).resolve('tsx/cjs');
  const bootstrap = `const { workerData } = require('node:worker_threads'); require(workerData.tsxCjs); require(workerData.entry);`;
  return new Worker(bootstrap, { eval: true, workerData: { ...workerData, entry: fileURLToPath(entry), tsxCjs } });
}

async function startOnWorker(token: string, faults: string[], variants: string[]): Promise<Embedded> {
  const worker = spawnWorker({ token, faults, variants });
  const port = await new Promise<number>((resolve, reject) => {
    const onExit = (code: number) => reject(new EmbeddedStartError(`its worker exited (code ${code}) before listening`));
    const onError = (err: Error) => reject(new EmbeddedStartError(err.message));
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.once('message', (msg: { port?: number; error?: string }) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (typeof msg.port === 'number') resolve(msg.port);
      else reject(new EmbeddedStartError(msg.error ?? 'no reason given'));
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
