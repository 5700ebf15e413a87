/**
 * `npm run bench:provider`: throughput and latency of the reference provider, each HTTP figure beside
 * a bare node:http server answering a body of the same size in the same run (the floor of Node + HTTP
 * here), both driven by `wrk` (native) so the generator is not the bottleneck: the bare server's CPU share
 * is printed beside its figure to show it is saturated. Prints Markdown tables. Not part of `npm test`.
 * Needs `wrk` on PATH (`apt-get install -y wrk`); BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS tune it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { serve } from '@hono/node-server';
import { createProvider, type Provider } from '../../src/provider/index.ts';
import { WRK_INSTALL, runWrk, wrkAvailable, type WrkResult } from './wrk.ts';

const HELP = `npm run bench:provider — the reference provider vs a bare node:http server, driven by wrk

Needs wrk (a native HTTP load generator) on PATH: ${WRK_INSTALL.replace('wrk is not installed: ', '')}.
Environment: BENCH_SECONDS (per run, default 5), BENCH_ROUNDS (provider/bare alternations, median, default 3),
BENCH_CONNECTIONS (wrk keep-alive connections, one wrk thread, default 32), BENCH_USERS (store size, default 10000),
BENCH_ONLY=http (the wrk table only).`;

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(HELP);
  process.exit(0);
}
if (!wrkAvailable()) {
  console.error(WRK_INSTALL);
  process.exit(2);
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const here = new URL('.', import.meta.url).pathname;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function newProvider(): Provider {
  return createProvider({ auth: { tokens: [{ token: 'bench' }] }, limits: { maxBodyBytes: 8 * 1024 * 1024 } });
}

async function call(p: Provider, method: string, path: string, body?: unknown): Promise<any> {
  const res = await p.fetch(
    new Request(`http://127.0.0.1/scim/v2${path}`, {
      method,
      headers: { authorization: 'Bearer bench', 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function addUsers(p: Provider, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  const batch = 64;
  for (let i = 0; i < n; i += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, (_, k) =>
        call(p, 'POST', '/Users', { schemas: [USER], userName: `${prefix}-${i + k}`, displayName: `User ${i + k}`, emails: [{ value: `${prefix}-${i + k}@example.com`, type: 'work', primary: true }] }),
      ),
    );
    for (const u of made) ids.push(u.id);
  }
  return ids;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/**
 * One wrk run, with the CPU this process (both servers live here; the bench itself idles meanwhile) spent
 * during it, as a share of one core: a single-threaded server at ~100 % is saturated, so the generator is not
 * what limits the figure.
 */
async function measure(url: string, method: string, prefix: string): Promise<WrkResult & { serverCpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await runWrk({
    url,
    connections: CONNECTIONS,
    seconds: SECONDS,
    headers: { authorization: 'Bearer bench', 'content-type': 'application/scim+json' },
    ...(method === 'POST' ? { script: join(here, 'post-user.lua'), scriptArgs: [prefix] } : {}),
  });
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { ...result, serverCpu: (cpu.user + cpu.system) / wallUs };
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (x: number) => `${fmt(x * 100)} %`;

async function httpComparisons(rows: string[][]): Promise<void> {
  const provider = newProvider();
  const ids = await addUsers(provider, USERS, 'bench');
  const mid = Math.floor(USERS / 2);
  const byId = `/Users/${ids[mid]}`;
  const eq = `/Users?filter=${encodeURIComponent(`userName eq "bench-${mid}"`)}`;

  const scim = serve({ fetch: provider.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => scim.once('listening', r));
  const scimPort = (scim.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${scimPort}`;
  // The bodies the provider sends on the wire (meta.location carries the port), canned for the bare server.
  const wire = async (path: string) => (await fetch(`${origin}/scim/v2${path}`, { headers: { authorization: 'Bearer bench' } })).text();
  const sampleUser = await wire(byId);
  const sampleList = await wire(eq);
  // The floor: node:http answering a canned body of the same size per route, no parsing, no store.
  const bare = createServer((req, res) => {
    const body = req.url?.includes('filter') ? sampleList : sampleUser;
    req.resume();
    req.on('end', () => {
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/scim+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  const barePort = await listen(bare);

  const cases: [string, string, string][] = [
    ['GET /Users/{id}', 'GET', byId],
    [`GET /Users?filter=userName eq (${fmt(USERS)} users)`, 'GET', eq],
    ['POST /Users', 'POST', '/Users'],
  ];
  // Provider and bare runs alternate, ROUNDS times each; the median of each side is reported, so a burst
  // of load from elsewhere on a shared machine hits both sides rather than one.
  const median = <T>(xs: T[], by: (x: T) => number) => [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)]!;
  for (const [name, method, path] of cases) {
    const prov: Awaited<ReturnType<typeof measure>>[] = [];
    const bareRuns: Awaited<ReturnType<typeof measure>>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      prov.push(await measure(`${origin}/scim/v2${path}`, method, `load-p${round}`));
      bareRuns.push(await measure(`http://127.0.0.1:${barePort}/scim/v2${path}`, method, `load-b${round}`));
    }
    const p = median(prov, (r) => r.rps);
    const b = median(bareRuns, (r) => r.rps);
    const errors = prov.reduce((sum, r) => sum + r.errors, 0);
    rows.push([name, fmt(p.rps), `${fmt(p.latencyP50Ms ?? NaN, 2)} ms`, pct(p.serverCpu), fmt(b.rps), pct(b.serverCpu), `${fmt(p.rps / b.rps, 2)}x`, String(errors)]);
  }
  scim.close();
  bare.close();
}

async function meanLatencyMs(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

async function main(): Promise<void> {
  const load0 = os.loadavg()[0]!.toFixed(1);
  const rows: string[][] = [];
  await httpComparisons(rows);
  console.log(`provider benchmark: wrk, 1 thread, ${CONNECTIONS} keep-alive connections, ${SECONDS}s x ${ROUNDS} rounds per case (median), node ${process.version}, ${os.cpus().length} CPUs, load average ${load0} -> ${os.loadavg()[0]!.toFixed(1)}\n`);
  console.log('| request | provider req/s | provider p50 | provider CPU | bare node:http req/s (what wrk reaches) | bare CPU | provider / bare | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  // BENCH_ONLY=http: the wrk table alone (the in-process tables below take another minute).
  if (process.env.BENCH_ONLY === 'http') return;

  // userName eq latency at 1k vs 100k users (in-process, through the fetch handler).
  const scale: string[][] = [];
  for (const n of [1000, 100_000]) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const p = newProvider();
    await addUsers(p, n, 'scale');
    gc();
    const heapPerUser = (process.memoryUsage().heapUsed - before) / n;
    const ms = await meanLatencyMs(2000, (i) => call(p, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "SCALE-${(i * 7919) % n}"`)}`));
    scale.push([fmt(n), `${fmt(ms * 1000)} µs`, `${fmt(heapPerUser / 1024, 2)} KiB`, `${fmt((heapPerUser * 100_000) / 1024 / 1024)} MiB`]);
  }
  console.log('\n| users in store | mean `userName eq` latency (in-process) | heap per user | heap per 100k users |');
  console.log('| ---: | ---: | ---: | ---: |');
  for (const r of scale) console.log(`| ${r.join(' | ')} |`);

  // One member added or removed in a 10-member vs a 10k-member group: Okta's remove by filter, Entra's add
  // with a value array; answered with ?attributes=id, and with the whole group (what IdPs usually ask for).
  const p = newProvider();
  const users = await addUsers(p, 10_000 + 300, 'm');
  const members = [10, 10_000];
  const out: string[][] = [];
  const projected: number[] = [];
  for (const size of members) {
    const g = await call(p, 'POST', '/Groups', { schemas: [GROUP], displayName: `g-${size}`, members: users.slice(0, size).map((value) => ({ value })) });
    const extra = users.slice(10_000, 10_300);
    const patch = (query: string) => (i: number) =>
      call(p, 'PATCH', `/Groups/${g.id}${query}`, { schemas: [PATCH], Operations: [{ op: i % 2 ? 'remove' : 'Add', path: i % 2 ? `members[value eq "${extra[Math.floor(i / 2)]}"]` : 'members', value: i % 2 ? undefined : [{ value: extra[Math.floor(i / 2)] }] }] });
    const ms = await meanLatencyMs(250, patch('?attributes=id'));
    const full = await meanLatencyMs(50, patch(''));
    projected.push(ms);
    out.push([fmt(size), `${fmt(ms * 1000)} µs`, `${fmt(full * 1000)} µs`]);
  }
  console.log('\n| group size | mean PATCH add/remove one member, `?attributes=id` (in-process) | same, whole group in the response |');
  console.log('| ---: | ---: | ---: |');
  for (const r of out) console.log(`| ${r.join(' | ')} |`);
  console.log(`\n10k-member / 10-member group, ?attributes=id: ${fmt(projected[1]! / projected[0]!, 2)}x (issue 2 target: within 3x)`);
}

await main();
