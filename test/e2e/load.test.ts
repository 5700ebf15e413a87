/**
 * `scimcheck load` as a real process over real ports: with the embedded provider (no --target), and
 * against a provider served here, interrupted with SIGINT mid-sync: it still deletes everything it made.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createProvider } from '../../src/provider/index.ts';

const cwd = new URL('../../', import.meta.url).pathname;
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function cli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'load', ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  stops.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, exited, output: () => out };
}

async function servedProvider() {
  const provider = createProvider({ auth: { tokens: [{ token: 'T' }] } });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: provider.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  stops.push(async () => {
    (server as unknown as { closeAllConnections(): void }).closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await provider.close();
  });
  const count = async (prefix: string) => {
    let n = 0;
    for (const [ep, attr] of [['Users', 'userName'], ['Groups', 'displayName']]) {
      const res = await fetch(`${base}/${ep}?filter=${encodeURIComponent(`${attr} sw "${prefix}"`)}&count=1`, { headers: { authorization: 'Bearer T' } });
      n += ((await res.json()) as { totalResults: number }).totalResults;
    }
    return n;
  };
  return { base, count };
}

describe('scimcheck load (process)', () => {
  it('without --target starts the embedded provider, syncs, reads back and exits 0', { timeout: 180_000 }, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'scimcheck-load-e2e-')), 'load.json');
    const run = cli(['--users', '60', '--groups', '3', '--members-per-group', '15', '--concurrency', '4', '--json', out]);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/embedded reference provider at http:\/\/127\.0\.0\.1:\d+\/scim\/v2/);
    expect(run.output()).toContain('VERDICT: PASS');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.verdict).toMatchObject({ ok: true, users: { expected: 60, present: 60 }, memberships: { expected: 45, present: 45 } });
    expect(report.cleanup.leftBehind).toBe(0);
  });

  it('Ctrl-C mid-sync: stops, cleans up everything it created, exits 1', { timeout: 180_000 }, async () => {
    const target = await servedProvider();
    const run = cli(['--target', target.base, '--users', '5000', '--concurrency', '4', '--prefix', 'ldsig'], { SCIMCHECK_TOKEN: 'T' });
    // Wait until the sync has really created something, then interrupt it.
    while ((await target.count('ldsig')) < 20) {
      if (run.child.exitCode !== null) throw new Error(`load exited early: ${run.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('scimcheck load: interrupted (Ctrl-C), cleaning up');
    expect(run.output()).toMatch(/VERDICT: none — interrupted/);
    expect(run.output()).toMatch(/cleanup: \d+ deleted, nothing left/);
    expect(await target.count('ldsig')).toBe(0);
  });
});
