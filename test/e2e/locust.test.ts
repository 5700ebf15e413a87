/**
 * The `--export locust` file run by Locust itself, headless for a few seconds against the reference
 * provider on a free port; then a read-back: every user and group the locustfile reports creating is in
 * the target, once, with its last userName and active state. .ci/run installs Locust (python3-locust).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadCommand } from '../../src/idp/load/command.ts';
import { createProvider } from '../../src/provider/index.ts';

const hasLocust = spawnSync('locust', ['--version'], { stdio: 'ignore' }).status === 0;
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function servedProvider(): Promise<string> {
  const provider = createProvider({ auth: { tokens: [{ token: 'T' }] } });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: provider.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  stops.push(async () => {
    (server as unknown as { closeAllConnections(): void }).closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await provider.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
}

function locust(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('locust', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    stops.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('exit', (code) => resolve({ code, output }));
  });
}

type Event = { event: 'user' | 'rename' | 'deactivate' | 'group'; id: string; userName?: string; displayName?: string };

describe.skipIf(!hasLocust)('locust export, run headless (skipped when the `locust` binary is missing; .ci/run installs python3-locust)', () => {
  it.each(['entra', 'entra-2020', 'okta', 'onelogin'])('%s: Locust replays the profile traffic and nothing it created is lost or duplicated', { timeout: 180_000 }, async (profile) => {
    const base = await servedProvider();
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-locust-'));
    const file = join(dir, 'locustfile.py');
    const log = join(dir, 'created.jsonl');
    const prefix = `lct${profile.replace(/[^a-z]/g, '')}`;
    const exported = await runLoadCommand(['--profile', profile, '--target', base, '--users', '40', '--groups', '4', '--members-per-group', '10', '--incremental', '0.5', '--export', 'locust', file], { out: () => {}, env: {} });
    expect(exported.code).toBe(0);

    const run = await locust(['-f', file, '--headless', '-u', '4', '-r', '4', '-t', '5s', '--stop-timeout', '20', '--host', base, '--only-summary'], {
      SCIMCHECK_TOKEN: 'T',
      SCIMCHECK_PREFIX: prefix,
      SCIMCHECK_LOCUST_LOG: log,
    });
    // Locust exits non-zero when any request failed (an unexpected status).
    expect(run.output).toMatch(/user create/);
    expect(run.code, run.output).toBe(0);
    expect(existsSync(log)).toBe(true);

    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Event);
    const users = new Map<string, { userName: string; active: boolean }>();
    const groups = new Map<string, string>();
    for (const e of events) {
      if (e.event === 'user') users.set(e.id, { userName: e.userName!, active: true });
      if (e.event === 'rename') users.get(e.id)!.userName = e.userName!;
      if (e.event === 'deactivate') users.get(e.id)!.active = false;
      if (e.event === 'group') groups.set(e.id, e.displayName!);
    }
    expect(users.size).toBeGreaterThan(0);
    const auth = { authorization: 'Bearer T' };
    for (const [id, want] of users) {
      const res = await fetch(`${base}/Users/${id}`, { headers: auth });
      expect(res.status, `user ${id} (${want.userName}) lost`).toBe(200);
      const got = (await res.json()) as { userName: string; active: boolean };
      expect(got.userName).toBe(want.userName);
      expect(got.active).toBe(want.active);
    }
    for (const [id, name] of groups) {
      const res = await fetch(`${base}/Groups/${id}`, { headers: auth });
      expect(res.status, `group ${name} lost`).toBe(200);
    }
    // Nothing duplicated: each userName with the prefix is held by exactly one resource.
    const listed: { id: string; userName: string }[] = [];
    for (let start = 1; ; ) {
      // RFC 7644 §3.4.2.4: page through; the provider caps a page at its maxResults.
      const page = (await (await fetch(`${base}/Users?filter=${encodeURIComponent(`userName sw "${prefix}"`)}&startIndex=${start}&count=200`, { headers: auth })).json()) as { Resources: { id: string; userName: string }[]; totalResults: number };
      listed.push(...page.Resources);
      start += page.Resources.length;
      if (page.Resources.length === 0 || start > page.totalResults) break;
    }
    const list = { Resources: listed };
    const names = list.Resources.map((r) => r.userName.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    for (const id of users.keys()) expect(list.Resources.some((r) => r.id === id)).toBe(true);
  });
});
