/**
 * Issue 11 #12 for `scimcheck idp`: a target that stops answering (after the connection test, after some plays)
 * cannot hold the command. `--deadline` stops it, what ran is printed and written to --json, the plays cut off or
 * not reached are skipped with the reason, exit 1 (as `run`); SIGTERM does the same. Real loopback servers on
 * port 0 in front of the reference provider; the CLI's own entry point for the signal.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { idpCommand } from '../../src/idp/commands.ts';
import type { CheckResult } from '../../src/scim/results.ts';
import { RunStopped } from '../../src/harness/run-stop.ts';
import { UsageError } from '../../src/usage-error.ts';
import { hangingTarget as serve, type HangingTarget, type HeldRequest } from './hanging-target.ts';

const TOKEN = 'idp-deadline-token';
const targets: HangingTarget[] = [];

afterEach(async () => {
  for (const t of targets.splice(0)) await t.close();
});

async function hangingTarget(hang: (method: string, url: string, body: string) => boolean, onHang?: () => void): Promise<string> {
  const t = await serve(TOKEN, (r: HeldRequest) => hang(r.method, r.url, r.body), onHang);
  targets.push(t);
  return t.url;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), env: {} } };
}

function readJson(file: string): { summary: Record<string, number>; results: CheckResult[] } {
  return JSON.parse(readFileSync(file, 'utf8'));
}

describe('scimcheck idp --deadline', () => {
  it('a target that stops answering after the connection test: exit 1, the play cut off and skipped with the reason, --json written', async () => {
    // Okta's connection test is a GET; its first POST (the create) never gets an answer, nor anything after it.
    let lost = false;
    const url = await hangingTarget((method) => (lost ||= method !== 'GET'));
    const json = join(mkdtempSync(join(tmpdir(), 'idp-deadline-')), 'r.json');
    const c = capture();
    const code = await idpCommand(['--profile', 'okta', '--scenario', 'create-and-assign', '--target', url, '--auth-bearer', TOKEN, '--deadline', '2s', '--json', json], c.io);
    expect(code).toBe(1);
    const report = readJson(json);
    expect(report.results).toHaveLength(1);
    const [r] = report.results;
    expect(r?.status).toBe('skipped');
    // The connection test passed; the assign step (2) is where it was cut off, the rest never reached.
    expect(r?.message).toMatch(/^the run's deadline passed \(cut off at step 2 \(assign alice\); steps 3-\d+ not reached\)/);
    expect(report.summary).toMatchObject({ passed: 0, failed: 0, skipped: 1, errored: 0 });
    expect(c.err.join('\n')).toContain("scimcheck idp: the run's deadline (2s) passed");
    expect(c.out.at(-1)).toMatch(/^0 passed, 0 failed, 1 skipped \(stopped: the run's deadline passed; 1 play cut off or not reached\)$/);
  }, 30_000);

  it('after some plays: what passed stays passed, the play in progress is cut off, the rest are listed as not reached', async () => {
    // The second play (prefix …-p0s1) gets no answer to anything that names it.
    const url = await hangingTarget((_m, reqUrl, body) => `${reqUrl} ${body}`.includes('-p0s1'));
    const json = join(mkdtempSync(join(tmpdir(), 'idp-deadline-')), 'r.json');
    const c = capture();
    const code = await idpCommand(
      ['--profile', 'okta', '--scenario', 'create-and-assign,rename-user,update-attributes', '--target', url, '--auth-bearer', TOKEN, '--deadline', '4s', '--json', json, '--prefix', 'dl'],
      c.io,
    );
    expect(code).toBe(1);
    const { results } = readJson(json);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['scenario.okta.create-and-assign', 'passed'],
      ['scenario.okta.rename-user', 'skipped'],
      ['scenario.okta.update-attributes', 'skipped'],
    ]);
    expect(results[1]?.message).toMatch(/^the run's deadline passed \(cut off at step \d+/);
    expect(results[2]?.message).toBe("the run's deadline passed");
    expect(c.out.join('\n')).toMatch(/PASS okta · create-and-assign/);
    expect(c.out.join('\n')).toMatch(/SKIP okta · rename-user: the run's deadline passed \(cut off/);
  }, 30_000);

  it('stopped before any step answered: exit 3 with one line (nothing was checked)', async () => {
    const url = await hangingTarget(() => true);
    const c = capture();
    const code = await idpCommand(['--profile', 'okta', '--scenario', 'create-and-assign', '--target', url, '--auth-bearer', TOKEN, '--deadline', '1s'], c.io);
    expect(code).toBe(3);
    expect(c.err.at(-1)).toBe("scimcheck idp: the run's deadline passed before any step ran: nothing was checked");
  }, 30_000);

  it('Ctrl-C (the signal the CLI aborts) stops it the same way, "interrupted"', async () => {
    const stop = new AbortController();
    let lost = false;
    const url = await hangingTarget(
      (method) => (lost ||= method !== 'GET'),
      () => stop.abort(new RunStopped('interrupted', 'interrupted (Ctrl-C)')),
    );
    const json = join(mkdtempSync(join(tmpdir(), 'idp-deadline-')), 'r.json');
    const c = capture();
    const code = await idpCommand(['--profile', 'okta', '--scenario', 'create-and-assign', '--target', url, '--auth-bearer', TOKEN, '--deadline', '1m', '--json', json], { ...c.io, signal: stop.signal });
    expect(code).toBe(1);
    expect(readJson(json).results[0]?.message).toMatch(/^interrupted \(Ctrl-C\) \(cut off at step 2/);
  }, 30_000);

  it('is a duration flag: a bad value is bad usage', async () => {
    await expect(idpCommand(['--target', 'http://127.0.0.1:9/scim/v2', '--deadline', 'soon'], capture().io)).rejects.toThrow(UsageError);
    await expect(idpCommand(['--target', 'http://127.0.0.1:9/scim/v2', '--deadline', 'soon'], capture().io)).rejects.toThrow("--deadline must be a duration like 30s, 2m or 500ms, got 'soon'");
  });
});

describe('scimcheck idp under SIGTERM', () => {
  it('a child process running the CLI, killed by its pid mid-play: exit 1, "interrupted (SIGTERM)", --json written', async () => {
    let hit: () => void = () => undefined;
    const hung = new Promise<void>((r) => (hit = r));
    let lost = false;
    const url = await hangingTarget((method) => (lost ||= method !== 'GET'), () => hit());
    const json = join(mkdtempSync(join(tmpdir(), 'idp-sigterm-')), 'r.json');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'idp', '--profile', 'okta', '--scenario', 'create-and-assign', '--target', url, '--json', json], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, SCIMCHECK_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => (stdout += c));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const first = await Promise.race([hung.then(() => 'hung' as const), exited.then((code) => `exited ${code} before the hang: ${stderr}`)]);
      expect(first).toBe('hung');
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(stderr).toContain('scimcheck idp: interrupted (SIGTERM)');
    expect(stdout).toMatch(/SKIP okta · create-and-assign: interrupted \(SIGTERM\) \(cut off at step 2/);
    const report = readJson(json);
    expect(report.results[0]).toMatchObject({ status: 'skipped' });
    expect(report.results[0]?.message).toMatch(/^interrupted \(SIGTERM\)/);
  }, 60_000);
});

describe('run --suite scenarios cut off by its deadline', () => {
  it('the play in progress still deletes what it created (cleanup outlives the stop by a short grace)', async () => {
    // Okta updates with PUT: the rename never gets an answer, everything else does (the DELETEs of cleanup too).
    const t = await serve(TOKEN, (r) => r.method === 'PUT' || r.method === 'PATCH');
    targets.push(t);
    const out = mkdtempSync(join(tmpdir(), 'idp-run-deadline-'));
    const { main } = await import('../../src/cli.ts');
    const quiet = { log: console.log, error: console.error };
    console.log = () => undefined;
    console.error = () => undefined;
    let code: number;
    try {
      code = await main(['run', '--target', t.url, '--auth-bearer', TOKEN, '--suite', 'scenarios', '--profile', 'okta', '--only', 'scenario.okta.rename-user', '--deadline', '3s', '--out', out, '--quiet']);
    } finally {
      Object.assign(console, quiet);
    }
    expect(code).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { results: CheckResult[] };
    const play = report.results.find((r) => r.id === 'scenario.okta.rename-user');
    expect(play?.status).toBe('skipped');
    expect(play?.message).toMatch(/^the run's deadline passed/);
    const users = await t.provider.fetch(new Request(`${t.url}/Users`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(((await users.json()) as { totalResults: number }).totalResults).toBe(0);
  }, 60_000);
});
