/**
 * `tsx bench/provider/profile.ts`: where a served request's CPU goes. The provider (10k users, mounted as
 * `serve` mounts it) is driven by wrk over random ids (or random `userName eq`, PROFILE_CASE=eq) while the V8
 * sampling profiler runs at 100 µs, started after set-up; prints the functions with the most self time as
 * shares of all samples and of the busy (non-idle) ones. Use a compiled build (BENCH_DIST=<dir>, see run.ts)
 * for figures that describe the package rather than tsx. BENCH_PIN=<server cpu>,<wrk cpu> pins as run.ts does.
 * PROFILE_SECONDS (default 6), PROFILE_TOP (default 30). Not part of `npm test`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { createBenchUsers, loadBuild, pinFromEnv } from './setup.ts';
import { runWrk, wrkAvailable, WRK_INSTALL } from './wrk.ts';

if (!wrkAvailable()) {
  console.error(WRK_INSTALL);
  process.exit(2);
}
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 6);
const TOP = Number(process.env.PROFILE_TOP ?? 30);
const EQ = process.env.PROFILE_CASE === 'eq';
const PIN = pinFromEnv();
const here = new URL('.', import.meta.url).pathname;
const { createProvider, createScimServer } = await loadBuild(process.env.BENCH_DIST);

const provider = createProvider({ auth: { tokens: [{ token: 'bench' }] } });
const ids = await createBenchUsers(provider, 10_000);
const tmp = mkdtempSync(join(os.tmpdir(), 'scimcheck-profile-'));
const pathsFile = join(tmp, 'paths.txt');
writeFileSync(pathsFile, ids.map((id, i) => (EQ ? `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "bench-${i}"`)}` : `/scim/v2/Users/${id}`)).join('\n'));
const server = createScimServer(provider, { defaultHost: '127.0.0.1' });
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const wrk = (seconds: number) =>
  runWrk({ url: `${origin}/scim/v2/Users`, connections: 32, seconds, headers: { authorization: 'Bearer bench' }, script: join(here, 'paths.lua'), scriptArgs: [pathsFile], ...(PIN ? { cpus: PIN.wrkCpu } : {}) });
// Every user read once (the render cache holds each one's answer, as after an IdP's reads), then a JIT warm-up.
for (const id of ids) await (await fetch(`${origin}/scim/v2/Users/${id}`, { headers: { authorization: 'Bearer bench' } })).arrayBuffer();
await wrk(2);

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const cpu0 = process.cpuUsage();
const result = await wrk(SECONDS);
const cpu = process.cpuUsage(cpu0);
const { profile } = await session.post('Profiler.stop');
session.disconnect();
server.close();
rmSync(tmp, { recursive: true, force: true });

// Self samples per function (name, file, line), from the sampled node ids.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
for (const id of profile.samples ?? []) {
  const f = byId.get(id)!.callFrame;
  const file = f.url ? f.url.replace(/^.*\/(src|build|dist|node_modules)\//, '$1/').replace(/^node:/, '') : '';
  const key = `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + 1);
}
const total = profile.samples?.length ?? 0;
const idle = self.get('(idle) ') ?? 0;
self.delete('(idle) ');
const busy = total - idle;
console.log(`${EQ ? 'userName eq' : 'GET /Users/{id}'}, random of 10k, ${process.env.BENCH_DIST ? `compiled ${process.env.BENCH_DIST}` : 'tsx'}, ${PIN ? `pinned ${PIN.serverCpu}/${PIN.wrkCpu}` : 'not pinned'}: ${Math.round(result.rps)} req/s, ` +
  `${((cpu.user + cpu.system) / result.requests).toFixed(1)} µs CPU per request (${(cpu.user / result.requests).toFixed(1)} user + ${(cpu.system / result.requests).toFixed(1)} system), load ${os.loadavg()[0]!.toFixed(1)}`);
console.log(`${total} samples, ${busy} busy\n\n| self time | % of busy | % of all |\n| --- | ---: | ---: |`);
for (const [key, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
  console.log(`| ${key} | ${((n / busy) * 100).toFixed(1)} | ${((n / total) * 100).toFixed(1)} |`);
}
