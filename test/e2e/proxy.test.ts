/**
 * `scimcheck proxy` as a real process (issue 14): it prints where it listens, forwards to a reference provider
 * on loopback, and on SIGTERM (sent to its pid) writes report.json, junit.xml, summary.md and report.html with the
 * findings, the recording without credentials or passwords, and exits 1 on a MUST finding (0 when clean); the
 * recording replays with `scimcheck replay`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProvider } from '../../src/provider/index.ts';
import { listen, type Listening } from '../../src/proxy/listen.ts';

const cwd = new URL('../../', import.meta.url).pathname;
const TOKEN = 'e2e-proxy-token-5d2a';
const PASSWORD = 'Pr0xy-secret-pass';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function provider(faults: string[]): Promise<string> {
  const p = createProvider({ basePath: '/scim/v2', auth: { tokens: [{ token: TOKEN }] }, faults });
  const l: Listening = await listen((r) => p.fetch(r), 0, '127.0.0.1');
  cleanups.push(async () => {
    await l.close();
    await p.close();
  });
  return `${l.origin}/scim/v2`;
}

async function startProxy(args: string[]): Promise<{ child: ChildProcess; base: string; exited: Promise<number | null>; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'proxy', '--port', '0', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`proxy exited ${code}: ${out}`)));
  });
  return { child, base, exited, output: () => out };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scimcheck-proxy-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the CLI to its end; its exit code and output. */
function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

const headers = { authorization: `Bearer ${TOKEN}`, accept: 'application/scim+json', 'content-type': 'application/scim+json' };

describe('scimcheck proxy (process)', () => {
  it('SIGTERM writes the four reports and the recording; a MUST finding exits 1', { timeout: 60_000 }, async () => {
    const target = await provider(['location-missing']);
    const out = tempDir();
    const record = join(out, 'session.jsonl');
    const p = await startProxy(['--target', target, '--out', out, '--record', record]);
    expect(p.base).toMatch(/\/scim\/v2$/);
    const res = await fetch(`${p.base}/Users`, { method: 'POST', headers, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'e2e@example.test', password: PASSWORD }) });
    expect(res.status).toBe(201);
    await (await fetch(`${p.base}/Users`, { headers })).json();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(1);
    for (const f of ['report.json', 'junit.xml', 'summary.md', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.results.find((r: { id: string }) => r.id === 'server.create.location-equals-meta')).toMatchObject({ suite: 'proxy', side: 'server', status: 'failed', rfc: 'RFC7644 §3.3' });
    expect(report.summary.failed).toBeGreaterThan(0);
    const lines = readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.request.method} ${l.request.path} ${l.response.status}`)).toEqual(['POST /Users 201', 'GET /Users 200']);
    for (const file of ['report.json', 'junit.xml', 'summary.md', 'report.html', 'session.jsonl']) {
      const text = readFileSync(join(out, file), 'utf8');
      expect(text, file).not.toContain(TOKEN);
      expect(text, file).not.toContain(PASSWORD);
    }
    expect(lines[0].request.headers.authorization).toBeUndefined();

    // The recording replays: clean against a fresh provider (exit 0); without credentials every answer is a 401,
    // a divergence in status class (exit 1).
    const fresh = await provider([]);
    const replayOut = tempDir();
    expect(await runCli(['replay', record, '--target', fresh, '--auth-bearer', TOKEN, '--out', replayOut, '--quiet'])).toMatchObject({ code: 0 });
    const refused = await runCli(['replay', record, '--target', fresh, '--out', replayOut]);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/#1 POST \/Users: status-class: recorded HTTP 201, now HTTP 401/);
    expect(readFileSync(join(replayOut, 'report.json'), 'utf8')).toContain('replay.status-class');

    // --to-scenario: a draft that `scimcheck idp` runs.
    const draft = join(replayOut, 'recorded-sync.yaml');
    expect(await runCli(['replay', record, '--to-scenario', draft])).toMatchObject({ code: 0 });
    expect(readFileSync(draft, 'utf8')).toContain('assign:');
    const idp = await runCli(['idp', '--profile', 'okta', '--scenario', draft, '--target', fresh, '--auth-bearer', TOKEN, '--quiet']);
    expect(idp.code, idp.out).toBe(0);
  });

  it('--duration stops by itself; clean traffic exits 0', { timeout: 60_000 }, async () => {
    const target = await provider([]);
    const out = tempDir();
    const p = await startProxy(['--target', target, '--out', out, '--duration', '3s', '--quiet']);
    expect((await fetch(`${p.base}/Users`, { headers })).status).toBe(200);
    expect(await p.exited).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.summary.failed).toBe(0);
    expect(report.results.length).toBeGreaterThan(0);
  });

  it('a target that never answers: 502 to the client, exit 3 on SIGTERM', { timeout: 60_000 }, async () => {
    const gone: Listening = await listen(async () => new Response(null), 0, '127.0.0.1');
    const origin = gone.origin;
    await gone.close();
    const p = await startProxy(['--target', `${origin}/scim/v2`, '--out', tempDir(), '--quiet']);
    expect((await fetch(`${p.base}/Users`, { headers })).status).toBe(502);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(3);
    expect(p.output()).toMatch(/the target never answered/);
  });

  it('bad usage exits 2 with one line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'proxy', '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/--target URL is required/);
  });
});
