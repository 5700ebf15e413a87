/**
 * `npx tsx bench/provider/floor.ts [id|eq]`: where the provider's distance from bare node:http lies, by servers
 * that each add one piece, all in this process over the same 10k users, driven by wrk over the same random paths
 * in paired rounds (each server's CPU per request over the bare run of the same round):
 *   bare       node:http answering one canned body of the right size (run.ts's bare server);
 *   bareMany   node:http answering each path's own body, looked up in a Map (serving 10k different bodies);
 *   mount      createScimServer whose answerNow returns that canned body (the node mount, no SCIM work);
 *   provider   the provider as `serve` mounts it (the fast lane, render cache warmed by one read per user).
 * Needs wrk; BENCH_DIST=<dir> for a compiled build (as run.ts), BENCH_PIN=<server cpu>,<wrk cpu>, BENCH_ROUNDS
 * (default 6), BENCH_SECONDS (default 2). Not part of `npm test`; docs/provider.md "Third round" reads it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { createBenchUsers, loadBuild, pinFromEnv } from './setup.ts';
import { WRK_INSTALL, runWrk, wrkAvailable } from './wrk.ts';

if (!wrkAvailable()) {
  console.error(WRK_INSTALL);
  process.exit(2);
}
const EQ = process.argv[2] === 'eq';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const PIN = pinFromEnv();
const here = new URL('.', import.meta.url).pathname;
const { createProvider, createScimServer } = await loadBuild(process.env.BENCH_DIST);

const AUTH = { authorization: 'Bearer bench' };
const provider = createProvider({ auth: { tokens: [{ token: 'bench' }] } });
const ids = await createBenchUsers(provider, 10_000);
const paths = ids.map((id, i) => (EQ ? `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "bench-${i}"`)}` : `/scim/v2/Users/${id}`));
const tmp = mkdtempSync(join(os.tmpdir(), 'scimcheck-floor-'));
const pathsFile = join(tmp, 'paths.txt');
writeFileSync(pathsFile, paths.join('\n'));

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}
const CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const providerServer = createScimServer(provider);
const providerPort = await listen(providerServer);
// Every user read once through the mount (the render cache then holds each answer), and each path's body kept.
const bodies = new Map<string, string>();
for (const [i, id] of ids.entries()) {
  await (await fetch(`http://127.0.0.1:${providerPort}/scim/v2/Users/${id}`, { headers: AUTH })).arrayBuffer();
  bodies.set(paths[i]!, await (await fetch(`http://127.0.0.1:${providerPort}${paths[i]}`, { headers: AUTH })).text());
}
const canned = bodies.get(paths[5000]!)!;
const answerBare = (body: string) => createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
const servers: [string, Server][] = [
  ['bare', answerBare(canned)],
  ['bareMany', createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = bodies.get(req.url ?? '') ?? canned;
      res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  })],
  ['mount', createScimServer({ answer: (req) => provider.answer(req), answerNow: () => ({ status: 200, headers: { 'Content-Type': CONTENT_TYPE }, body: canned }) })],
];
const ports = new Map<string, number>([['provider', providerPort]]);
for (const [name, server] of servers) ports.set(name, await listen(server));

const cpu = new Map<string, number[]>();
for (let round = 0; round < ROUNDS + 1; round++) {
  for (const [name, port] of ports) {
    const c0 = process.cpuUsage();
    const r = await runWrk({ url: `http://127.0.0.1:${port}/`, connections: 32, seconds: SECONDS, headers: AUTH, script: join(here, 'paths.lua'), scriptArgs: [pathsFile], ...(PIN ? { cpus: PIN.wrkCpu } : {}) });
    const c = process.cpuUsage(c0);
    if (r.errors > 0) throw new Error(`${name}: ${r.errors} errors`);
    // Round 0 is the warm-up (JIT), not counted.
    if (round > 0) cpu.set(name, [...(cpu.get(name) ?? []), (c.user + c.system) / r.requests]);
  }
}
providerServer.close();
for (const [, server] of servers) server.close();
rmSync(tmp, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const bare = cpu.get('bare')!;
console.log(`${EQ ? 'userName eq' : 'GET /Users/{id}'}, random of 10k, ${process.env.BENCH_DIST ? `compiled ${process.env.BENCH_DIST}` : 'tsx'}, ${PIN ? `pinned ${PIN.serverCpu}/${PIN.wrkCpu}` : 'not pinned'}, ${ROUNDS} paired rounds of ${SECONDS}s, load ${os.loadavg()[0]!.toFixed(1)}\n`);
console.log('| server | CPU µs per request (median) | bare / this, per round (median, lowest–highest) |\n| --- | ---: | ---: |');
for (const [name, xs] of cpu) {
  const ratios = xs.map((x, i) => bare[i]! / x).sort((a, b) => a - b);
  console.log(`| ${name} | ${median(xs).toFixed(1)} | ${median(ratios).toFixed(2)}x (${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)}) |`);
}
