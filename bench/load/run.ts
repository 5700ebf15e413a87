/**
 * `npm run bench:load` (tsx bench/load/run.ts): the IdP-scale sync against the reference provider served in
 * a child process over a real loopback port — once in memory, once with `--state FILE` (the cost of
 * durability as a ratio) — with the read-back verdict and the provider's memory after the sync.
 * Defaults: 10k users, 100 groups × 100 members, Entra profile, concurrency 8. Override with BENCH_USERS,
 * BENCH_GROUPS, BENCH_MEMBERS, BENCH_CONCURRENCY, BENCH_PROFILE, BENCH_STATE=0 (skip the state run);
 * BENCH_CPU_PROF=DIR writes the provider's V8 CPU profile there.
 * Prints a Markdown table (and the raw figures as JSON with BENCH_JSON=FILE). Not part of `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadRun, type LoadReport } from '../../src/idp/load/run.ts';

const env = process.env;
const USERS = Number(env.BENCH_USERS ?? 10_000);
const GROUPS = Number(env.BENCH_GROUPS ?? 100);
const MEMBERS = Number(env.BENCH_MEMBERS ?? 100);
const CONCURRENCY = Number(env.BENCH_CONCURRENCY ?? 8);
const PROFILE = env.BENCH_PROFILE ?? 'entra';
const root = new URL('../../', import.meta.url).pathname;

interface Served {
  child: ChildProcess;
  base: string;
}

/** `scimcheck serve` in its own process, so its memory is its own. */
function serve(extra: string[]): Promise<Served> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF=DIR: the provider writes a V8 CPU profile there when it exits (where its time goes).
    const prof = env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', env.BENCH_CPU_PROF] : [];
    const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--token', 'bench', ...extra], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, base: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

function stop(s: Served): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });
}

/** Resident set size (and its peak) of a process, from /proc (Linux). */
function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: Math.round(kb('VmRSS') / 1024), peakMiB: Math.round(kb('VmHWM') / 1024) };
}

interface Row {
  mode: string;
  report: LoadReport;
  idleMiB: number;
  rssMiB: number;
  peakMiB: number;
  stateFileMiB?: number;
  compactedMiB?: number;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const dirBytes = (dir: string) => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

async function once(mode: 'memory' | 'state'): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'scimcheck-bench-load-'));
  const statePath = join(dir, 'state.json');
  const served = await serve(mode === 'state' ? ['--state', statePath] : []);
  try {
    const idle = memoryOf(served.child.pid!);
    const run = new LoadRun({
      profile: PROFILE,
      target: served.base,
      authorization: 'Bearer bench',
      users: USERS,
      groups: GROUPS,
      membersPerGroup: MEMBERS,
      concurrency: CONCURRENCY,
      incremental: 0.1,
      seed: 1,
      prefix: `bench-${mode}`,
      timeoutMs: 120_000,
      deprovision: 'disable',
      // Memory is read with everything still in the provider; the child process is discarded after.
      cleanup: false,
    });
    const report = await run.run();
    const mem = memoryOf(served.child.pid!);
    // With --state: the snapshot plus its journal segments as the sync left them, then the snapshot alone
    // once SIGTERM made the provider fold the journal into it.
    const stateFileMiB = mode === 'state' ? mib(dirBytes(dir)) : undefined;
    await stop(served);
    const compactedMiB = mode === 'state' ? mib(statSync(statePath).size) : undefined;
    return { mode, report, idleMiB: idle.rssMiB, rssMiB: mem.rssMiB, peakMiB: mem.peakMiB, stateFileMiB, compactedMiB };
  } finally {
    await stop(served);
    rmSync(dir, { recursive: true, force: true });
  }
}

const p99 = (r: LoadReport) => Math.max(...r.requests.byKind.map((k) => k.p99));
const sec = (ms: number) => (ms / 1000).toFixed(1);

const rows: Row[] = [];
const before = loadavg()[0]!.toFixed(1);
rows.push(await once('memory'));
if (env.BENCH_STATE !== '0') rows.push(await once('state'));

console.log(`\nscimcheck load benchmark · ${PROFILE} · ${USERS} users, ${GROUPS} groups × ${MEMBERS} members, incremental 0.1, concurrency ${CONCURRENCY}`);
console.log(`node ${process.version} · ${cpus().length} CPUs (${cpus()[0]?.model.trim()}) · load average at start ${before}\n`);
console.log('| provider | sync time | requests | req/s | p99 (slowest kind) | nothing lost | provider RSS idle → after sync (peak) | state on disk after sync → after stop |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  const v = r.report.verdict;
  const lost = v ? (v.ok ? 'yes' : `NO (${v.problemCount} problems)`) : `no verdict: ${r.report.verdictError}`;
  console.log(`| ${r.mode === 'memory' ? 'in memory' : '--state FILE'} | ${sec(r.report.syncMs)} s | ${r.report.requests.total} | ${r.report.throughput} | ${p99(r.report)} ms | ${lost} | ${r.idleMiB} → ${r.rssMiB} MiB (${r.peakMiB}) | ${r.stateFileMiB !== undefined ? `${r.stateFileMiB} → ${r.compactedMiB} MiB` : '—'} |`);
}
if (rows.length === 2) console.log(`\ncost of durability (--state): ${(rows[1]!.report.syncMs / rows[0]!.report.syncMs).toFixed(2)}× the in-memory sync time`);
console.log('\nper kind (in memory):');
console.log('| kind | count | p50 ms | p95 ms | p99 ms | max ms |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const k of rows[0]!.report.requests.byKind) console.log(`| ${k.kind} | ${k.count} | ${k.p50} | ${k.p95} | ${k.p99} | ${k.max} |`);
if (env.BENCH_JSON) writeFileSync(env.BENCH_JSON, `${JSON.stringify(rows, null, 2)}\n`);
process.exitCode = rows.every((r) => r.report.verdict?.ok) ? 0 : 1;
