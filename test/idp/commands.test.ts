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
  ])('rejects %j with a usage error', async (argv, msg) => {
    await expect(idpCommand(argv as string[], io().io)).rejects.toThrow(UsageError);
    await expect(idpCommand(argv as string[], io().io)).rejects.toThrow(msg);
  });

  it('passes (exit 0), prints the exchanges with the token redacted, and writes --json', async () => {
    const t = fakeTarget();
    const { lines, io: o } = io(t.fetch, { SCIMCHECK_TOKEN: 'tok-123' });
    const json = join(mkdtempSync(join(tmpdir(), 'idp-')), 'r.json');
    const code = await idpCommand(['--profile', 'okta', '--scenario', 'create-and-assign', '--target', TARGET, '--json', json], o);
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
