/**
 * `scimcheck serve --grade-clients` as a real process on a free loopback port (issue 14): a broken request is
 * answered as ever, its MUST finding is printed as it happens, and SIGTERM (by pid) writes the client grading
 * report (suite `clients`) and exits 1 as `run` does when a MUST failed; clean traffic exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const cwd = new URL('../../', import.meta.url).pathname;
const running: ChildProcess[] = [];
const dirs: string[] = [];

function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scimcheck-grade-'));
  dirs.push(dir);
  return dir;
}

async function start(args: string[]): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  // node --import tsx so SIGTERM reaches the server itself (no npx wrapper in between).
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--token', 'T', '--grade-clients', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
  return { child, base, output: () => out };
}

/** SIGTERM to the child's own pid; resolves with its exit code. */
function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    process.kill(child.pid!, 'SIGTERM');
  });
}

afterEach(async () => {
  for (const c of running.splice(0)) await stop(c);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const headers = { authorization: 'Bearer T', 'content-type': 'application/scim+json' };

describe('scimcheck serve --grade-clients', () => {
  it('grades a broken PATCH, prints its MUST finding, and on SIGTERM writes the report and exits 1', async () => {
    const out = outDir();
    const { child, base, output } = await start(['--out', out]);
    const created = await fetch(`${base}/Users`, { method: 'POST', headers, body: JSON.stringify({ schemas: [USER], userName: 'graded' }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // Two mistakes: an op that does not exist, and a PATCH body without the PatchOp schema.
    const broken = await fetch(`${base}/Users/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ Operations: [{ op: 'delete', path: 'title' }] }) });
    expect(broken.status).toBe(400);
    const badFilter = await fetch(`${base}/Users?filter=${encodeURIComponent('userName "graded"')}`, { headers });
    expect(badFilter.status).toBe(400);
    await expect.poll(() => output(), { timeout: 10_000 }).toMatch(/client MUST client\.patch\.op-name/);
    expect(await stop(child)).toBe(1);

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const byId = new Map<string, any>(report.results.map((r: any) => [r.id, r]));
    expect(byId.get('client.patch.op-name')).toMatchObject({ suite: 'clients', status: 'failed', level: 'MUST', rfc: 'RFC7644 §3.5.2' });
    expect(byId.get('client.patch.schemas')).toMatchObject({ status: 'failed', rfc: 'RFC7644 §3.5.2' });
    expect(byId.get('client.filter.syntax')).toMatchObject({ status: 'failed', rfc: 'RFC7644 §3.4.2.2' });
    expect(byId.get('client.patch.op-name').transcript[0].request.url).toContain(`/Users/${id}`);
    // Credentials never reach the report.
    expect(readFileSync(join(out, 'report.json'), 'utf8')).not.toContain('Bearer T');
    for (const f of ['junit.xml', 'summary.md', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('clean requests draw no failure: exit 0, and the report says so', async () => {
    const out = outDir();
    const { child, base } = await start(['--out', out]);
    const created = await fetch(`${base}/Users`, { method: 'POST', headers: { ...headers, 'user-agent': 'Okta SCIM Client 1.0.0' }, body: JSON.stringify({ schemas: [USER], userName: 'clean' }) });
    expect(created.status).toBe(201);
    expect(await stop(child)).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.summary.failed).toBe(0);
    expect(report.results.find((r: any) => r.id === 'client.profile')).toMatchObject({ status: 'passed', title: expect.stringContaining('Okta') });
  });

  it('an --out that cannot be created is a one-line usage error (exit 2) before anything listens', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--token', 'T', '--grade-clients', '--out', '/dev/null/reports'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(out).toMatch(/--out \/dev\/null\/reports cannot be created/);
    expect(out).not.toMatch(/listening on/);
  });
});
