/**
 * Issue 11 #12 for `scimcheck load`: a target that stops answering mid-phase cannot hold the run past
 * `--deadline` (requests in flight are cut off), the report of what ran (load.json, load.html) is still written,
 * cleanup is still attempted within a bounded time, exit 1; SIGTERM does the same. Real loopback servers on port 0
 * in front of the reference provider (the load generator's own node:http transport), and the CLI as a child process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadCommand } from '../../../src/idp/load/command.ts';
import type { LoadReport } from '../../../src/idp/load/run.ts';
import { RunStopped } from '../../../src/harness/run-stop.ts';
import { UsageError } from '../../../src/usage-error.ts';
import { hangingTarget, type HangingTarget } from '../hanging-target.ts';

const TOKEN = 'load-deadline-token';
const targets: HangingTarget[] = [];

afterEach(async () => {
  for (const t of targets.splice(0)) await t.close();
});

async function target(hang: Parameters<typeof hangingTarget>[1], onHang?: () => void): Promise<HangingTarget> {
  const t = await hangingTarget(TOKEN, hang, onHang);
  targets.push(t);
  return t;
}

const dir = () => mkdtempSync(join(tmpdir(), 'scimcheck-load-deadline-'));

function run(argv: string[], signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const done = runLoadCommand(argv, { out: (l) => void out.push(l), err: (l) => void err.push(l), env: { SCIMCHECK_TOKEN: TOKEN }, ...(signal ? { signal } : {}) });
  return { out, err, done };
}

const small = ['--users', '60', '--groups', '2', '--members-per-group', '10', '--concurrency', '4', '--seed', '3', '--quiet'];

describe('scimcheck load --deadline', () => {
  it('a target that stops answering mid-phase: the run ends at the deadline, load.json and load.html are written, exit 1', async () => {
    // 40 requests answered (connection test, some user lookups and creates), then nothing, ever.
    const t = await target((r) => r.n > 40);
    const d = dir();
    const r = run(['--target', t.url, ...small, '--prefix', 'lddl', '--deadline', '3s', '--timeout', '60000', '--json', join(d, 'load.json'), '--html', join(d, 'load.html')]);
    const { code } = await r.done;
    expect(code).toBe(1);
    expect(readFileSync(join(d, 'load.html'), 'utf8')).toContain('VERDICT: none — the run&#39;s deadline passed: no read-back');
    const report = JSON.parse(readFileSync(join(d, 'load.json'), 'utf8')) as LoadReport;
    expect(report.interrupted).toBe(true);
    expect(report.verdict).toBeUndefined();
    expect(report.verdictError).toBe("the run's deadline passed: no read-back");
    // What ran is in it: the phase the deadline cut, with the work it did before the target went quiet.
    expect(report.phases[0]).toMatchObject({ name: 'users' });
    expect(report.phases[0]!.done).toBeLessThan(60);
    expect(report.requests.total).toBeGreaterThan(0);
    // Cleanup was attempted and bounded: it could not delete on a silent target and says so.
    expect(report.cleanup).toBeDefined();
    expect(report.cleanup!.leftBehind).not.toBe(0);
    expect(r.err.join('\n')).toContain("scimcheck load: the run's deadline (3s) passed");
    expect(r.out.join('\n')).toContain("VERDICT: none — the run's deadline passed: no read-back");
  }, 60_000);

  it('a target that stops answering creates only: after the deadline, cleanup still deletes everything the run made', async () => {
    let creates = 0;
    const t = await target((r) => r.method === 'POST' && ++creates > 25);
    const d = dir();
    const { code } = await run(['--target', t.url, ...small, '--prefix', 'lddc', '--deadline', '3s', '--timeout', '60000', '--json', join(d, 'load.json')]).done;
    expect(code).toBe(1);
    const report = JSON.parse(readFileSync(join(d, 'load.json'), 'utf8')) as LoadReport;
    expect(report.cleanup!.deleted).toBeGreaterThan(0);
    expect(report.cleanup!.leftBehind).toBe(0);
    expect(await t.leftovers('lddc')).toBe(0);
  }, 60_000);

  it('Ctrl-C (the signal the CLI aborts) stops it the same way: "interrupted", exit 1, cleanup done', async () => {
    const stop = new AbortController();
    let creates = 0;
    const t = await target(
      (r) => r.method === 'POST' && ++creates > 25,
      () => stop.abort(new RunStopped('interrupted', 'interrupted (Ctrl-C)')),
    );
    const d = dir();
    const { code } = await run(['--target', t.url, ...small, '--prefix', 'ldint', '--timeout', '60000', '--json', join(d, 'load.json')], stop.signal).done;
    expect(code).toBe(1);
    const report = JSON.parse(readFileSync(join(d, 'load.json'), 'utf8')) as LoadReport;
    expect(report.verdictError).toBe('interrupted (Ctrl-C): no read-back');
    expect(await t.leftovers('ldint')).toBe(0);
  }, 60_000);

  it('is a duration flag: a bad value is bad usage', async () => {
    await expect(run(['--target', 'http://127.0.0.1:9/scim/v2', '--deadline', 'soon']).done).rejects.toThrow(UsageError);
    await expect(run(['--target', 'http://127.0.0.1:9/scim/v2', '--deadline', '0']).done).rejects.toThrow("--deadline must be at least 1ms, got '0'");
  });
});

describe('scimcheck load under SIGTERM', () => {
  it('a child process running the CLI, killed by its pid while requests hang: exit 1, "interrupted (SIGTERM)", load.json written', async () => {
    let hit: () => void = () => undefined;
    const hung = new Promise<void>((r) => (hit = r));
    const t = await target((r) => r.n > 30, () => hit());
    const d = dir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'load', '--target', t.url, ...small, '--prefix', 'ldterm', '--json', join(d, 'load.json')], {
      cwd: join(import.meta.dirname, '../../..'),
      env: { ...process.env, SCIMCHECK_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (c) => (output += c));
    child.stdout.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const first = await Promise.race([hung.then(() => 'hung' as const), exited.then((code) => `exited ${code} before the hang: ${output}`)]);
      expect(first).toBe('hung');
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(output).toContain('scimcheck load: interrupted (SIGTERM), cleaning up');
    expect(output).toContain('VERDICT: none — interrupted (SIGTERM): no read-back');
    const report = JSON.parse(readFileSync(join(d, 'load.json'), 'utf8')) as LoadReport;
    expect(report.interrupted).toBe(true);
    expect(report.cleanup).toBeDefined();
  }, 60_000);
});
