/**
 * `npm run bench:provider`: throughput and latency of the reference provider, each HTTP figure beside
 * a bare node:http server answering the same JSON in the same run (the floor of Node + HTTP here).
 * Prints a Markdown table. Not part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { serve } from '@hono/node-server';
import { createProvider, type Provider } from '../../src/provider/index.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
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

function load(url: string, method: string, body: string, idsFile?: string): Promise<{ rps: number; failed: number }> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', join(here, 'load.ts'), url, method, body, String(CONCURRENCY), String(SECONDS)];
    if (idsFile) args.push(idsFile);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`load exited ${code}`))));
  });
}

async function meanLatencyMs(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function httpComparisons(rows: string[][]): Promise<void> {
  const provider = newProvider();
  const ids = await addUsers(provider, 1000, 'bench');
  const group = await call(provider, 'POST', '/Groups', { schemas: [GROUP], displayName: 'bench-group' });
  const sampleUser = JSON.stringify(await call(provider, 'GET', `/Users/${ids[500]}`));
  const sampleList = JSON.stringify(await call(provider, 'GET', `/Users?filter=${encodeURIComponent('userName eq "bench-500"')}`));
  const sampleGroup = JSON.stringify(await call(provider, 'GET', `/Groups/${group.id}`));

  const scim = serve({ fetch: provider.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => scim.once('listening', r));
  const scimPort = (scim.address() as AddressInfo).port;
  // The floor: node:http answering a canned body of the same size per route, no parsing, no store.
  const bare = createServer((req, res) => {
    let body = sampleUser;
    let status = 200;
    if (req.url?.includes('filter')) body = sampleList;
    else if (req.method === 'POST') status = 201;
    else if (req.method === 'PATCH') body = sampleGroup;
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/scim+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  const barePort = await listen(bare);
  const idsFile = join(mkdtempSync(join(tmpdir(), 'scimcheck-bench-')), 'ids.json');
  writeFileSync(idsFile, JSON.stringify(ids));

  const cases: [string, string, string, string, boolean][] = [
    ['GET /Users/{id}', 'GET', `/Users/${ids[500]}`, '-', false],
    ['GET /Users?filter=userName eq', 'GET', `/Users?filter=${encodeURIComponent('userName eq "bench-500"')}`, '-', false],
    ['POST /Users', 'POST', '/Users', JSON.stringify({ schemas: [USER], userName: 'load-{n}' }), false],
    ['PATCH /Groups/{id} add member', 'PATCH', `/Groups/${group.id}`, JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: '{id}' }] }] }), true],
  ];
  // Provider and bare runs alternate, ROUNDS times each; the median of each side is reported, so a burst
  // of load from elsewhere on a shared machine hits both sides rather than one.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, method, path, body, needsIds] of cases) {
    const prov: number[] = [];
    const bareRps: number[] = [];
    let failed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const p = await load(`http://127.0.0.1:${scimPort}/scim/v2${path}`, method, body, needsIds ? idsFile : undefined);
      const b = await load(`http://127.0.0.1:${barePort}/scim/v2${path}`, method, body, needsIds ? idsFile : undefined);
      prov.push(p.rps);
      bareRps.push(b.rps);
      failed += p.failed;
    }
    const p = median(prov);
    const b = median(bareRps);
    rows.push([name, fmt(p), fmt(b), `${fmt((p / b) * 100)} %`, String(failed)]);
  }
  scim.close();
  bare.close();
}

async function main(): Promise<void> {
  console.log(`provider benchmark: ${SECONDS}s x ${ROUNDS} rounds per HTTP case (median), ${CONCURRENCY} concurrent keep-alive clients, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}\n`);
  const rows: string[][] = [];
  await httpComparisons(rows);
  console.log('| request | provider req/s | bare node:http req/s | provider / bare | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);

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
