/**
 * The `--export locust` file run by Locust itself (`locust --headless -u 2 -r 2 -t 5s`) against the reference
 * provider on a loopback port, per profile and deprovisioning policy. Locust exits 0 only if every request,
 * the cleanup's included, got the answer it expected. Then: what the file reports creating was cleaned up
 * (groups deleted; users deleted, or deactivated with their last userName, per the policy and the profile),
 * nothing was duplicated, and Okta's PUT carried the resource it had just read with its changes on top.
 * .ci/run installs Locust (python3-locust); without a `locust` binary the suite is skipped, saying so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadCommand } from '../../src/idp/load/command.ts';
import { getProfile } from '../../src/idp/profiles/index.ts';
import { createProvider } from '../../src/provider/index.ts';

const hasLocust = spawnSync('locust', ['--version'], { stdio: 'ignore' }).status === 0;
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** What passed the wire for each user: the bodies of its reads and PUTs, in order. */
type Seen = { method: 'GET' | 'PUT'; body: Record<string, unknown> }[];

async function servedProvider(): Promise<{ base: string; seen: Map<string, Seen> }> {
  const provider = createProvider({ auth: { tokens: [{ token: 'T' }] } });
  const seen = new Map<string, Seen>();
  const recording = async (req: Request): Promise<Response> => {
    const id = /\/Users\/([^/?]+)$/.exec(new URL(req.url).pathname)?.[1];
    const sent = id && req.method === 'PUT' ? ((await req.clone().json()) as Record<string, unknown>) : undefined;
    const res = await provider.fetch(req);
    if (id && sent) seen.set(id, [...(seen.get(id) ?? []), { method: 'PUT', body: sent }]);
    if (id && req.method === 'GET' && res.status === 200) seen.set(id, [...(seen.get(id) ?? []), { method: 'GET', body: (await res.clone().json()) as Record<string, unknown> }]);
    return res;
  };
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: recording, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  stops.push(async () => {
    (server as unknown as { closeAllConnections(): void }).closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await provider.close();
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`, seen };
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

type Event = { event: 'user' | 'rename' | 'deactivate' | 'delete' | 'group'; id: string; userName?: string; displayName?: string };

async function listByPrefix(base: string, prefix: string): Promise<{ id: string; userName: string; active: boolean }[]> {
  const listed: { id: string; userName: string; active: boolean }[] = [];
  for (let start = 1; ; ) {
    // RFC 7644 §3.4.2.4: page through; the provider caps a page at its maxResults.
    const url = `${base}/Users?filter=${encodeURIComponent(`userName sw "${prefix}"`)}&startIndex=${start}&count=200`;
    const page = (await (await fetch(url, { headers: { authorization: 'Bearer T' } })).json()) as { Resources: { id: string; userName: string; active: boolean }[]; totalResults: number };
    listed.push(...page.Resources);
    start += page.Resources.length;
    if (page.Resources.length === 0 || start > page.totalResults) break;
  }
  return listed;
}

describe.skipIf(!hasLocust)('locust export, run headless (skipped when the `locust` binary is missing; .ci/run installs python3-locust)', () => {
  it.each([
    ['entra', 'disable'],
    ['entra-2020', 'delete'],
    ['okta', 'disable'],
    ['okta', 'delete'],
    ['onelogin', 'delete'],
    ['okta-aiw', 'disable'],
    ['pingfederate', 'disable'],
  ] as const)('%s, deprovision %s: Locust replays the profile traffic, then cleans up what it created', { timeout: 180_000 }, async (profile, deprovision) => {
    const { base, seen } = await servedProvider();
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-locust-'));
    const file = join(dir, 'locustfile.py');
    const log = join(dir, 'created.jsonl');
    const prefix = `lct${profile.replace(/[^a-z]/g, '')}${deprovision}`;
    const exported = await runLoadCommand(['--profile', profile, '--target', base, '--users', '40', '--groups', '4', '--members-per-group', '10', '--incremental', '0.5', '--deprovision', deprovision, '--export', 'locust', file], { out: () => {}, env: {} });
    expect(exported.code).toBe(0);

    const run = await locust(['-f', file, '--headless', '-u', '2', '-r', '2', '-t', '5s', '--stop-timeout', '20', '--host', base, '--only-summary'], {
      SCIMCHECK_TOKEN: 'T',
      SCIMCHECK_PREFIX: prefix,
      SCIMCHECK_LOCUST_LOG: log,
    });
    // Locust exits non-zero when any request failed (an unexpected status), the cleanup's included.
    expect(run.output).toMatch(/user create/);
    expect(run.output).toMatch(/cleanup group delete/);
    expect(run.code, run.output).toBe(0);
    expect(existsSync(log)).toBe(true);

    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Event);
    const users = new Map<string, { userName: string }>();
    const groups = new Map<string, string>();
    for (const e of events) {
      if (e.event === 'user') users.set(e.id, { userName: e.userName! });
      if (e.event === 'rename') users.get(e.id)!.userName = e.userName!;
      if (e.event === 'delete') users.delete(e.id);
      if (e.event === 'group') groups.set(e.id, e.displayName!);
    }
    expect(users.size).toBeGreaterThan(0);
    const auth = { authorization: 'Bearer T' };
    for (const [id, name] of groups) expect((await fetch(`${base}/Groups/${id}`, { headers: auth })).status, `group ${name} left behind`).toBe(404);
    const deletes = deprovision === 'delete' && getProfile(profile)!.deletesUsers;
    expect(run.output).toContain(`cleanup done (${groups.size} groups deleted, ${users.size} users ${deletes ? 'deleted' : 'deactivated (or already inactive)'})`);
    const listed = await listByPrefix(base, prefix);
    if (deletes) {
      // RFC 7644 §3.6: deleted resources are gone.
      expect(listed).toEqual([]);
    } else {
      // Deactivated, under the userName the IdP last sent, and nothing with the prefix twice (no duplicate create).
      for (const [id, want] of users) {
        const res = await fetch(`${base}/Users/${id}`, { headers: auth });
        expect(res.status, `user ${id} (${want.userName}) lost`).toBe(200);
        expect((await res.json()) as { userName: string; active: boolean }).toMatchObject({ userName: want.userName, active: false });
      }
      const names = listed.map((r) => r.userName.toLowerCase());
      expect(new Set(names).size).toBe(names.length);
      expect(listed.filter((r) => r.active)).toEqual([]);
    }

    if (profile.startsWith('okta')) {
      // Okta: every PUT of a user follows a GET of it and carries what that GET answered, with the changes on top.
      let puts = 0;
      for (const [id, exchanges] of seen) {
        exchanges.forEach((x, i) => {
          if (x.method !== 'PUT') return;
          puts++;
          const read = exchanges.slice(0, i).reverse().find((e) => e.method === 'GET');
          expect(read, `PUT /Users/${id} without a GET before it`).toBeDefined();
          for (const key of Object.keys(read!.body)) expect(x.body, `PUT /Users/${id} dropped ${key}`).toHaveProperty([key]);
          expect(x.body.groups).toEqual(read!.body.groups);
          expect(x.body.id).toBe(id);
        });
      }
      expect(puts).toBeGreaterThan(0);
    }
  });
});
