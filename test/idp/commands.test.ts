/** `scimcheck idp`: flags, exit codes, printed transcript and the --json report. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idpCommand } from '../../src/idp/commands.ts';
import { UsageError } from '../../src/usage-error.ts';
import { fakeTarget } from './fake-target.ts';

const TARGET = 'http://localhost/scim/v2';

function io(fetchImpl?: typeof fetch, env: Record<string, string> = {}) {
  const lines: string[] = [];
  return { lines, io: { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(l), env, fetch: fetchImpl } };
}

describe('scimcheck idp', () => {
  it.each([
    [[], /--target URL is required/],
    [['--target', 'ftp://x'], /http\(s\) URL/],
    [['--target', TARGET, '--profile', 'ping'], /unknown profile 'ping'/],
    [['--target', TARGET, '--deprovision', 'archive'], /disable or delete/],
    [['--target', TARGET, '--timeout', 'soon'], /positive number/],
    [['--target', TARGET, '--scenario', 'nope'], /unknown scenario 'nope'/],
    [['--target', TARGET, '--bogus'], /Unknown option/],
    [['--target', TARGET, '--auth-basic', 'nocolon'], /USER:PASS/],
    [['--target', TARGET, '--verbose', '--quiet'], /either --verbose or --quiet/],
  ])('rejects %j with a usage error', async (argv, msg) => {
    await expect(idpCommand(argv as string[], io().io)).rejects.toThrow(UsageError);
    await expect(idpCommand(argv as string[], io().io)).rejects.toThrow(msg);
  });

  it('passes (exit 0), prints the exchanges with --verbose with the token redacted, and writes --json', async () => {
    const t = fakeTarget();
    const { lines, io: o } = io(t.fetch, { SCIMCHECK_TOKEN: 'tok-123' });
    const json = join(mkdtempSync(join(tmpdir(), 'idp-')), 'r.json');
    const code = await idpCommand(['--profile', 'okta', '--scenario', 'create-and-assign', '--target', TARGET, '--json', json, '--verbose'], o);
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/→ POST http:\/\/localhost\/scim\/v2\/Users {3}\[create\]/);
    expect(text).toMatch(/✔ step 1 connect: ok/);
    expect(text).toMatch(/PASS okta · create-and-assign/);
    expect(t.requests[0].headers.get('authorization')).toBe('Bearer tok-123');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.summary).toMatchObject({ passed: 1, failed: 0 });
    expect(report.results[0]).toMatchObject({ id: 'scenario.okta.create-and-assign', suite: 'scenarios', profile: 'okta', level: 'MUST', status: 'passed' });
    expect(JSON.stringify(report)).not.toMatch(/tok-123/);
    // Cleanup deleted what the run created.
    expect(t.users.size).toBe(0);
  });

  it('prints one progress line per scenario and the summary once by default; --quiet only failures and the summary', async () => {
    // The fake target keeps no group memberships and ignores renames: rename-user fails, create-and-assign passes.
    const argv = ['--profile', 'okta,entra', '--scenario', 'create-and-assign,rename-user', '--target', TARGET];
    const plain = io(fakeTarget().fetch);
    expect(await idpCommand(argv, plain.io)).toBe(1);
    expect(plain.lines).toHaveLength(5);
    expect(plain.lines[0]).toBe('[1/4] PASS okta · create-and-assign');
    expect(plain.lines[1]).toMatch(/^\[2\/4\] FAIL okta · rename-user: step 4 \(expect carol\): /);
    expect(plain.lines[2]).toBe('[3/4] PASS entra · create-and-assign');
    expect(plain.lines[3]).toMatch(/^\[4\/4\] FAIL entra · rename-user: step 4 /);
    expect(plain.lines[4]).toBe('2 passed, 2 failed');
    const quiet = io(fakeTarget().fetch);
    expect(await idpCommand([...argv, '--quiet'], quiet.io)).toBe(1);
    expect(quiet.lines.map((l) => l.slice(0, 30))).toEqual([plain.lines[1], plain.lines[3], plain.lines[4]].map((l) => l?.slice(0, 30)));
  });

  it('assumes the same deprovisioning as scimcheck run (delete) unless told, and says so in --help', async () => {
    const { lines, io: o } = io(fakeTarget().fetch);
    await idpCommand(['--profile', 'okta', '--scenario', 'manual-delete-drift', '--target', TARGET], o);
    // Under 'disable' this scenario is not applicable (skipped); under the shared default it runs.
    expect(lines.join('\n')).not.toMatch(/SKIP/);
    const help = io();
    await idpCommand(['--help'], help.io);
    expect(help.lines.join('\n')).toMatch(/--deprovision MODE +the target's policy on DELETE: delete \(default; RFC 7644 §3\.6\)/);
    const disabled = io(fakeTarget().fetch);
    await idpCommand(['--profile', 'okta', '--scenario', 'manual-delete-drift', '--target', TARGET, '--deprovision', 'disable'], disabled.io);
    expect(disabled.lines.join('\n')).toMatch(/SKIP okta · manual-delete-drift/);
  });

  it('fails (exit 1) with the failing step named when the target refuses the create', async () => {
    const t = fakeTarget();
    t.failNext('POST', '/Users', 400);
    const { lines, io: o } = io(t.fetch);
    const code = await idpCommand(['--profile', 'entra', '--scenario', 'create-and-assign', '--target', TARGET, '--quiet'], o);
    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(/FAIL entra · create-and-assign: step 2 \(assign alice\): assign alice: expected created or linked, got failed — POST \/Users → 400/);
    expect(lines.join('\n')).not.toMatch(/→ GET/);
  });

  it('exits 3 when the target is unreachable', async () => {
    const down = (async () => {
      throw new TypeError('connect ECONNREFUSED 127.0.0.1:9');
    }) as unknown as typeof fetch;
    const { lines, io: o } = io(down);
    expect(await idpCommand(['--profile', 'onelogin', '--scenario', 'create-and-assign', '--target', TARGET, '--quiet'], o)).toBe(3);
    expect(lines.join('\n')).toMatch(/ECONNREFUSED/);
  });

  it('exits 3 when the credentials are refused', async () => {
    const deny = (async () => new Response(JSON.stringify({ status: '401' }), { status: 401 })) as unknown as typeof fetch;
    const { io: o } = io(deny);
    expect(await idpCommand(['--profile', 'okta', '--scenario', 'create-and-assign', '--target', TARGET, '--auth-bearer', 'x', '--quiet'], o)).toBe(3);
  });
});
