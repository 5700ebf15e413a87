/**
 * The integrator's exact case (issue 10): a Files.com-style site that deprovisions by disabling, served by
 * `scimcheck serve --base-path /api/scim --basic user:pass --policy P.yaml` (P.yaml: `deprovision: disable`), and
 * `scimcheck run --target …/api/scim --preset files-com --auth-basic user:pass` with every suite. It must report
 * 0 failures: the scenario whose premise a disable target cannot have is skipped with the reason, and the property
 * model keeps a deleted user inactive instead of expecting 404.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/harness/check.ts';

const cwd = new URL('../../', import.meta.url).pathname;
const running: ChildProcess[] = [];

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
});

/** `scimcheck <args>` as a child process (node --import tsx, so SIGTERM reaches it); resolves on exit or once `until` matches. */
function cli(args: string[], until?: RegExp): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (until?.test(out)) resolve({ code: null, out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('Files.com-style target that deprovisions by disabling', () => {
  it('scimcheck run --preset files-com (all suites) reports 0 failed and 0 errored and exits 0', { timeout: 900_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-filescom-'));
    const policy = join(dir, 'P.yaml');
    writeFileSync(policy, 'deprovision: disable\n');
    const served = await cli(['serve', '--port', '0', '--base-path', '/api/scim', '--basic', 'user:pass', '--policy', policy], /listening on (http:\/\/127\.0\.0\.1:\d+\/api\/scim)/);
    const base = /listening on (http:\/\/127\.0\.0\.1:\d+\/api\/scim)/.exec(served.out)?.[1];
    expect(base, served.out).toBeTruthy();

    const out = join(dir, 'out');
    // Few property runs: the point is the verdicts' logic (the model follows deprovision: disable), not search depth.
    const run = await cli(['run', '--target', base!, '--preset', 'files-com', '--auth-basic', 'user:pass', '--out', out, '--num-runs', '5', '--seed', '1', '--quiet']);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    const bad = report.results.filter((r) => r.status === 'failed' || r.status === 'errored').map((r) => `${r.id}: ${r.message?.split('\n')[0]}`);
    expect(bad).toEqual([]);
    expect(report.summary).toMatchObject({ failed: 0, errored: 0 });
    expect(run.code, run.out).toBe(0);

    const byId = new Map(report.results.map((r) => [r.id, r]));
    // All three suites ran.
    expect(new Set(report.results.map((r) => r.suite))).toEqual(new Set(['conformance', 'scenarios', 'properties']));
    // A deletion behind the IdP's back cannot exist on a disable target: skipped with that reason, for every profile.
    for (const p of ['okta', 'entra', 'entra-2020', 'onelogin']) {
      expect(byId.get(`scenario.${p}.manual-delete-drift`)).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^not applicable: the target deprovisions by disabling/) });
    }
    // The users model ran (it is not skipped) and held the target to "DELETE keeps the user, inactive".
    expect(byId.get('property.users-model')).toMatchObject({ status: 'passed' });
    expect(byId.get('scenario.okta.disable-vs-delete')).toMatchObject({ status: 'passed' });
  });
});
