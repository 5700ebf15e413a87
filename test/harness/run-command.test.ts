import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.ts';
import { parseRunFlags, type RunSettings } from '../../src/commands/run.ts';
import { validateConfig, applyPreset } from '../../src/harness/config.ts';
import { UsageError } from '../../src/usage-error.ts';

afterEach(() => vi.restoreAllMocks());

/** A port that was free a moment ago and now has nobody listening. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('scimcheck run: exit codes', () => {
  it.each([
    [['--no-such-flag']],
    [['--target', 'ftp://example.com']],
    [['--target', 'not a url']],
    [['--suite', 'conformance,nonsense']],
    [['--profile', 'myidp']],
    [['--timeout', 'soon']],
    [['--concurrency', '0']],
    [['--update-baseline']],
    [['--auth-bearer', 'a', '--auth-basic', 'u:p']],
    [['--auth-basic', 'nocolon', '--target', 'http://127.0.0.1:1']],
    [['--preset', 'nope']],
    [['--config', '/nonexistent/scimcheck.config.json']],
  ])('exits 2 for bad usage: %j', async (args) => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await main(['run', ...args])).toBe(2);
    expect(err).toHaveBeenCalled();
  });

  it('exits 3 with a one-line reason when the target is unreachable', async () => {
    const port = await closedPort();
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const out = mkdtempSync(join(tmpdir(), 'scimcheck-run-'));
    const code = await main(['run', '--target', `http://127.0.0.1:${port}/scim/v2`, '--auth-bearer', 'x-token-123', '--suite', 'conformance', '--quiet', '--out', out]);
    expect(code).toBe(3);
    const line = String(err.mock.calls[0]?.[0]);
    expect(line).toMatch(/^scimcheck run: cannot reach the target/);
    expect(line).not.toContain('\n');
  });

  it('--help exits 0', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await main(['run', '--help'])).toBe(0);
    expect(String(log.mock.calls[0]?.[0])).toContain('--target URL');
  });
});

describe('run flags', () => {
  it('reads credentials from the environment and applies defaults', async () => {
    const s = await parseRunFlags(['--target', 'https://sp.example/scim/v2/', '--only', 'users.*,patch', '--seed', '42'], { SCIMCHECK_TOKEN: 'env-token' });
    expect(s).toMatchObject({
      target: 'https://sp.example/scim/v2',
      auth: { kind: 'bearer', token: 'env-token' },
      only: ['users.*', 'patch'],
      seed: 42,
      out: 'reports/latest',
      timeoutMs: 10_000,
      concurrency: 4,
      suitesExplicit: false,
    });
    const b = await parseRunFlags(['--auth-basic', 'api:k:ey'], {});
    expect(b).toMatchObject({ auth: { kind: 'basic', user: 'api', password: 'k:ey' } });
  });

  it('parses --time-budget durations and passes --replay through', async () => {
    const settings = async (argv: string[]) => (await parseRunFlags(argv, {})) as RunSettings;
    expect((await settings(['--time-budget', '30s'])).timeBudgetMs).toBe(30_000);
    expect((await settings(['--time-budget', '2m'])).timeBudgetMs).toBe(120_000);
    expect((await settings(['--time-budget', '500ms'])).timeBudgetMs).toBe(500);
    expect((await settings(['--replay', 'paging@3:1', '--seed', '7'])).replay).toBe('paging@3:1');
    await expect(parseRunFlags(['--time-budget', 'soon'], {})).rejects.toThrow(/--time-budget must be a duration/);
  });
});

describe('config and presets', () => {
  it('rejects unknown keys, bad enums and unknown generators in one line', () => {
    expect(() => validateConfig({ usersEndpoint: '/Users', nope: 1 }, 'c.json')).toThrow(/c\.json: \(top level\) must NOT have additional properties 'nope'/);
    expect(() => validateConfig({ deprovision: 'archive' }, 'c.json')).toThrow(/deprovision .*delete, disable/);
    expect(() => validateConfig({ requiredAttributes: { title: 'nonsense' } }, 'c.json')).toThrow(UsageError);
    expect(validateConfig({ requiredAttributes: { title: 'literal:Boss' }, headers: { 'X-API-Key': 'k' } }, 'c.json')).toEqual({ requiredAttributes: { title: 'literal:Boss' }, headers: { 'X-API-Key': 'k' } });
  });

  it('the files-com preset adds /api/scim to a bare host and keys users by email', () => {
    expect(applyPreset('files-com', 'https://acme.files.com', {})).toMatchObject({ target: 'https://acme.files.com/api/scim', config: { uniqueIdentifier: 'email', deprovision: 'disable' } });
    expect(applyPreset('files-com', 'https://acme.files.com/custom', { deprovision: 'delete' })).toMatchObject({ target: 'https://acme.files.com/custom', config: { deprovision: 'delete' } });
  });

  it('the example config in the repository is valid', async () => {
    const { readFileSync } = await import('node:fs');
    const raw = JSON.parse(readFileSync(new URL('../../scimcheck.config.example.json', import.meta.url), 'utf8'));
    expect(() => validateConfig(raw, 'example')).not.toThrow();
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-cfg-'));
    writeFileSync(join(dir, 'x.json'), '{');
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await main(['run', '--config', join(dir, 'x.json')])).toBe(2);
    expect(String(err.mock.calls[0]?.[0])).toContain('is not valid JSON');
  });
});
