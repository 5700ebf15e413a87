/**
 * What the provider benches (run.ts, profile.ts, floor.ts) set up alike: BENCH_PIN (this process, which holds every
 * server, on one CPU and wrk on another, with taskset), BENCH_DIST (a compiled build instead of src/ through tsx,
 * one level below the package root so specs/ is found), and the 10k bench users.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Provider } from '../../src/provider/index.ts';

export interface Pinning {
  serverCpu: string;
  wrkCpu: string;
}

/** Reads BENCH_PIN and pins this process; a malformed value or a failed taskset exits 2 with one line. */
export function pinFromEnv(): Pinning | undefined {
  const raw = process.env.BENCH_PIN;
  if (!raw) return undefined;
  const m = /^(\d+),(\d+)$/.exec(raw);
  if (!m) {
    console.error('BENCH_PIN must be <server cpu>,<wrk cpu>, e.g. 0,1');
    process.exit(2);
  }
  // -a: all threads that exist now; threads started later inherit the main thread's affinity.
  if (spawnSync('taskset', ['-a', '-p', '-c', m[1]!, String(process.pid)], { stdio: 'ignore' }).status !== 0) {
    console.error('BENCH_PIN needs taskset (util-linux) and CPUs that exist');
    process.exit(2);
  }
  return { serverCpu: m[1]!, wrkCpu: m[2]! };
}

export interface ProviderBuild {
  createProvider: typeof import('../../src/provider/index.ts').createProvider;
  createScimServer: typeof import('../../src/provider/http-server.ts').createScimServer;
}

/** The provider code measured: a compiled build in `dir` (BENCH_DIST, BENCH_BEFORE), or src/ through tsx. */
export async function loadBuild(dir: string | undefined): Promise<ProviderBuild> {
  const base = dir ? pathToFileURL(`${resolve(dir)}/`) : undefined;
  const provider = (await import(base ? new URL('provider/index.js', base).href : '../../src/provider/index.ts')) as typeof import('../../src/provider/index.ts');
  const server = (await import(base ? new URL('provider/http-server.js', base).href : '../../src/provider/http-server.ts')) as typeof import('../../src/provider/http-server.ts');
  return { createProvider: provider.createProvider, createScimServer: server.createScimServer };
}

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** `n` users named `${prefix}-${i}` (token `bench`), created through the fetch handler; their ids in order. */
export async function createBenchUsers(provider: Provider, n: number, prefix = 'bench'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = JSON.stringify({ schemas: [USER], userName: `${prefix}-${i}`, displayName: `User ${i}`, emails: [{ value: `${prefix}-${i}@example.com`, type: 'work', primary: true }] });
    const res = await provider.fetch(new Request('http://127.0.0.1/scim/v2/Users', { method: 'POST', headers: { authorization: 'Bearer bench', 'content-type': 'application/scim+json' }, body }));
    if (res.status !== 201) throw new Error(`creating ${prefix}-${i}: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}
