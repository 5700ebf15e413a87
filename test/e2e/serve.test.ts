/**
 * `scimcheck serve` as a real process on a free loopback port: prints where it listens, serves SCIM,
 * stops on SIGTERM, and with --state a restart keeps every acknowledged change.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const cwd = new URL('../../', import.meta.url).pathname;
const running: ChildProcess[] = [];

async function start(args: string[]): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  // node --import tsx (the same as `npx tsx`, minus the npx wrapper) so SIGTERM reaches the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  const base = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
  return { child, base, output: () => out };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

afterEach(async () => {
  for (const c of running.splice(0)) await stop(c);
});

const auth = { authorization: 'Bearer T', 'content-type': 'application/scim+json' };

describe('scimcheck serve', () => {
  it('prints exactly one "listening on" line with the base path, serves, and exits 0 on SIGTERM', async () => {
    const { child, base, output } = await start(['--token', 'T']);
    expect(base).toMatch(/\/scim\/v2$/);
    const created = await fetch(`${base}/Users`, { method: 'POST', headers: auth, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'e2e' }) });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const denied = await fetch(`${base}/Users`);
    expect(denied.status).toBe(401);
    expect(output().match(/listening on/g)).toHaveLength(1);
    expect(await stop(child)).toBe(0);
  });

  it('without --token or --basic it prints a generated token that works', async () => {
    const { base, output } = await start([]);
    const token = /bearer token: (\S+)/.exec(output())?.[1];
    expect(token).toBeTruthy();
    expect((await fetch(`${base}/Users`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${base}/Users`)).status).toBe(401);
  });

  it('--state: a restart loses nothing', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'scimcheck-e2e-')), 'state.json');
    const first = await start(['--token', 'T', '--state', state, '--base-path', '/api/scim']);
    expect(first.base).toMatch(/\/api\/scim$/);
    const u = await (await fetch(`${first.base}/Users`, { method: 'POST', headers: auth, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'persisted', password: 'pw-123' }) })).json();
    const g = await fetch(`${first.base}/Groups`, { method: 'POST', headers: auth, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'kept', members: [{ value: u.id }] }) });
    expect(g.status).toBe(201);
    // Killed hard: only what was written before the answers counts.
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const second = await start(['--token', 'T', '--state', state, '--base-path', '/api/scim']);
    const again = await (await fetch(`${second.base}/Users/${u.id}`, { headers: auth })).json();
    expect(again.userName).toBe('persisted');
    expect(again.meta.version).toBe(u.meta.version);
    expect(again.groups.map((x: any) => x.display)).toEqual(['kept']);
    const dup = await fetch(`${second.base}/Users`, { method: 'POST', headers: auth, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'PERSISTED' }) });
    expect(dup.status).toBe(409);
  });

  it('bad flags exit 2 with one line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--fault', 'nope'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/unknown fault 'nope'/);
  });
});
