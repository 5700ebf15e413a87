/**
 * `npm run bench:harness`: how long a full conformance run against the embedded reference provider takes
 * (issue 3: under 15 s on the 2-core machine). Runs `scimcheck run --suite conformance` as a child process
 * ROUNDS times (default 3) and prints median / min / max of
 *   - wall: the whole command, process start to exit (what a user waits for),
 *   - run: report.json durationMs (discovery, checks, cleanup; no process start-up),
 * plus the slowest checks of the last round and the load average, since the machine may be shared.
 * Not part of `npm test`. Env: BENCH_ROUNDS, BENCH_ARGS (extra flags, e.g. "--concurrency 4").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const EXTRA = (process.env.BENCH_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
const root = fileURLToPath(new URL('../../', import.meta.url));

interface Round {
  wallMs: number;
  runMs: number;
  summary: Record<string, number>;
  slowest: { id: string; durationMs: number }[];
}

function runOnce(): Promise<Round> {
  const out = mkdtempSync(join(tmpdir(), 'scimcheck-bench-'));
  const args = ['--import', 'tsx', join(root, 'src/cli.ts'), 'run', '--suite', 'conformance', '--out', out, '--quiet', ...EXTRA];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`scimcheck run exited ${code} (the embedded provider should pass every check)`));
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
        durationMs: number;
        summary: Record<string, number>;
        results: { id: string; durationMs: number }[];
      };
      const slowest = [...report.results].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5).map(({ id, durationMs }) => ({ id, durationMs }));
      resolve({ wallMs, runMs: report.durationMs, summary: report.summary, slowest });
    });
  });
}

function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number };
}

const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const rounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const load = os.loadavg()[0]?.toFixed(2);
    const r = await runOnce();
    rounds.push(r);
    console.log(`round ${i + 1}/${ROUNDS}: wall ${sec(r.wallMs)}, run ${sec(r.runMs)} (load average before: ${load})`);
  }
  const wall = stats(rounds.map((r) => r.wallMs));
  const run = stats(rounds.map((r) => r.runMs));
  const last = rounds[rounds.length - 1] as Round;
  console.log('');
  console.log(`full conformance run against the embedded provider, ${ROUNDS} rounds, ${os.cpus().length} CPUs, Node ${process.version}${EXTRA.length ? `, ${EXTRA.join(' ')}` : ''}`);
  console.log('');
  console.log('| measure | median | min | max |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| wall (process start to exit) | ${sec(wall.median)} | ${sec(wall.min)} | ${sec(wall.max)} |`);
  console.log(`| run (report.json durationMs) | ${sec(run.median)} | ${sec(run.min)} | ${sec(run.max)} |`);
  console.log('');
  console.log(`checks: ${Object.entries(last.summary).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  console.log(`slowest checks (last round): ${last.slowest.map((s) => `${s.id} ${sec(s.durationMs)}`).join(', ')}`);
  console.log(`load average now: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((err: unknown) => {
  console.error(`bench:harness: ${(err as Error)?.message ?? String(err)}`);
  process.exitCode = 1;
});
