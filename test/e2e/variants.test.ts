/**
 * Variants reach the real processes: the embedded provider of `scimcheck run` (a worker thread, also through
 * SCIMCHECK_EMBEDDED_VARIANTS) and `scimcheck serve --variant`, on free loopback ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbedded } from '../../src/commands/embedded-provider.ts';
import { UsageError } from '../../src/usage-error.ts';

const cwd = new URL('../../', import.meta.url).pathname;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
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

/** `scimcheck <args>` as a child process; resolves on exit, or once `until` matches its output. */
function cli(args: string[], opts: { env?: Record<string, string>; until?: RegExp } = {}): Promise<{ code: number | null; out: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (opts.until?.test(out)) resolve({ code: null, out, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => resolve({ code, out, child }));
  });
}

const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' });

async function createThenPatch(base: string, token: string): Promise<{ id: string; patchStatus: number; patchBody: string }> {
  const created = await fetch(`${base}/Users`, { method: 'POST', headers: json(token), body: JSON.stringify({ schemas: [USER], userName: 'variant-e2e' }) });
  const { id } = (await created.json()) as { id: string };
  const patched = await fetch(`${base}/Users/${id}`, {
    method: 'PATCH',
    headers: json(token),
    body: JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'V' }] }),
  });
  return { id, patchStatus: patched.status, patchBody: await patched.text() };
}

describe('variants in the real processes', () => {
  it('startEmbedded({ variants }) serves them on its worker', { timeout: 60_000 }, async () => {
    const embedded = await startEmbedded({ variants: ['patch-204', 'integer-ids'] });
    try {
      expect(await createThenPatch(embedded.baseUrl, embedded.token)).toEqual({ id: '1', patchStatus: 204, patchBody: '' });
    } finally {
      await embedded.stop();
    }
  });

  it('startEmbedded refuses an unknown variant as bad usage before starting anything', async () => {
    await expect(startEmbedded({ variants: ['no-such-variant'] })).rejects.toBeInstanceOf(UsageError);
  });

  it('scimcheck run reads SCIMCHECK_EMBEDDED_VARIANTS: an unknown name exits 2', { timeout: 60_000 }, async () => {
    const { code, out } = await cli(['run', '--quiet', '--only', 'discovery.*', '--out', '/tmp/scimcheck-variants-e2e'], { env: { SCIMCHECK_EMBEDDED_VARIANTS: 'patch-204,no-such-variant' } });
    expect(code).toBe(2);
    expect(out).toMatch(/unknown variant 'no-such-variant' \(valid: patch-204, /);
  });

  it('scimcheck serve --variant says which are enabled and serves them', { timeout: 60_000 }, async () => {
    const { out } = await cli(['serve', '--port', '0', '--token', 'T', '--variant', 'patch-204', '--variant', 'integer-ids'], { until: /listening on http:\/\/127\.0\.0\.1:\d+\/scim\/v2\n/ });
    expect(out).toContain('variants enabled: patch-204, integer-ids');
    const base = /listening on (http:\/\/127\.0\.0\.1:\d+\/scim\/v2)/.exec(out)![1]!;
    expect(await createThenPatch(base, 'T')).toEqual({ id: '1', patchStatus: 204, patchBody: '' });
  });

  it('scimcheck serve --variant with an unknown name exits 2', { timeout: 60_000 }, async () => {
    const { code, out } = await cli(['serve', '--port', '0', '--variant', 'made-up']);
    expect(code).toBe(2);
    expect(out).toMatch(/unknown variant 'made-up'/);
  });
});
