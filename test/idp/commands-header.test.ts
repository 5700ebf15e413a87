/** `scimcheck idp --header 'Name: value'`: OneLogin's "Custom Headers" field on the command line. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idpCommand } from '../../src/idp/commands.ts';
import { parseHeaderFlag } from '../../src/idp/profiles/custom-headers.ts';
import { UsageError } from '../../src/usage-error.ts';
import { fakeTarget } from './fake-target.ts';

const TARGET = 'http://localhost/scim/v2';

function io(fetchImpl?: typeof fetch) {
  const lines: string[] = [];
  return { lines, io: { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(l), env: { SCIMCHECK_TOKEN: 'tok-123' }, fetch: fetchImpl } };
}

describe('scimcheck idp --header', () => {
  it('sends the headers on every OneLogin request; the verifier sends none', async () => {
    const t = fakeTarget();
    const { io: o } = io(t.fetch);
    const code = await idpCommand(['--profile', 'onelogin', '--scenario', 'create-and-assign', '--target', TARGET, '--header', 'X-Tenant: acme', '--header', 'X-Api-Version:2', '--quiet'], o);
    expect(code).toBe(0);
    const idp = t.requests.filter((r) => r.headers.get('user-agent') !== 'scimcheck-verifier');
    const verifier = t.requests.filter((r) => r.headers.get('user-agent') === 'scimcheck-verifier');
    expect(idp.length).toBeGreaterThan(3);
    expect(verifier.length).toBeGreaterThan(0);
    expect(idp.every((r) => r.headers.get('x-tenant') === 'acme' && r.headers.get('x-api-version') === '2')).toBe(true);
    expect(verifier.some((r) => r.headers.has('x-tenant'))).toBe(false);
  });

  it('a profile whose IdP has no such field does not send them, and says so', async () => {
    const t = fakeTarget();
    const { lines, io: o } = io(t.fetch);
    expect(await idpCommand(['--profile', 'okta', '--scenario', 'create-and-assign', '--target', TARGET, '--header', 'X-Tenant: acme', '--quiet'], o)).toBe(0);
    expect(lines.join('\n')).toMatch(/note: Okta .* has no custom headers field; --header is not sent for it/);
    expect(t.requests.some((r) => r.headers.has('x-tenant'))).toBe(false);
  });

  it('a secret-like header value never reaches the output or the --json report', async () => {
    const t = fakeTarget();
    const { lines, io: o } = io(t.fetch);
    const json = join(mkdtempSync(join(tmpdir(), 'idp-h-')), 'r.json');
    const code = await idpCommand(['--profile', 'onelogin', '--scenario', 'create-and-assign', '--target', TARGET, '--header', 'X-Api-Key: k3y-v4lue-9', '--verbose', '--json', json], o);
    expect(code).toBe(0);
    expect(t.requests.find((r) => r.headers.get('user-agent') !== 'scimcheck-verifier')!.headers.get('x-api-key')).toBe('k3y-v4lue-9');
    expect(lines.join('\n')).not.toContain('k3y-v4lue-9');
    expect(readFileSync(json, 'utf8')).not.toContain('k3y-v4lue-9');
  });

  it.each([
    ['no-colon', /--header must be 'Name: value', got 'no-colon'/],
    [': v', /--header must be 'Name: value'/],
    ['Authorization: Bearer x', /set by scimcheck itself/],
    ['Bad Name: v', /not a valid HTTP header name/],
  ])('refuses %j with a usage error', async (raw, msg) => {
    const run = idpCommand(['--profile', 'onelogin', '--target', TARGET, '--header', raw], io().io);
    await expect(run).rejects.toThrow(UsageError);
    await expect(idpCommand(['--profile', 'onelogin', '--target', TARGET, '--header', raw], io().io)).rejects.toThrow(msg);
  });

  it('parses curl\'s form: the first colon splits, spaces around the value go', () => {
    expect(parseHeaderFlag('X-Trace:  a:b ')).toEqual(['X-Trace', 'a:b']);
  });
});
