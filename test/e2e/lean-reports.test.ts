/**
 * Lean reports (issue 12): by default only results that did not pass keep their transcripts, so a green
 * 305+-check run writes report.json, report.html and junit.xml each under 500 KB; a failing run keeps every
 * failing transcript; --transcripts all keeps every one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.ts';
import { parseRunFlags } from '../../src/commands/run.ts';
import { retainTranscripts } from '../../src/harness/transcript-retention.ts';
import type { CheckResult, RunReport, Status } from '../../src/harness/check.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const LIMIT = 500 * 1024;

async function run(args: string[]): Promise<{ code: number; out: string; report: RunReport }> {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const out = mkdtempSync(join(tmpdir(), 'scimcheck-lean-'));
  const code = await main(['run', '--suite', 'conformance', '--out', out, '--quiet', ...args]);
  vi.restoreAllMocks();
  return { code, out, report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport };
}

const exchange = { request: { method: 'GET', url: 'http://127.0.0.1/x', headers: {} }, response: { status: 200, headers: {} } };
const withTranscript = (status: Status): CheckResult => ({
  id: `c.${status}`,
  title: status,
  suite: 'conformance',
  area: 'c',
  rfc: 'RFC7644 §3.3',
  level: 'MUST',
  status,
  durationMs: 1,
  reproduce: 'curl http://127.0.0.1/x',
  transcript: [exchange],
});

describe('transcript retention', () => {
  it.each([
    ['passed', 'failing', 0],
    ['failed', 'failing', 1],
    ['errored', 'failing', 1],
    ['warned', 'failing', 1],
    ['skipped', 'failing', 1],
    ['passed', 'all', 1],
  ] as const)('a %s result under --transcripts %s keeps %i exchange(s)', (status, mode, kept) => {
    const [r] = retainTranscripts([withTranscript(status)], mode);
    expect(r?.transcript).toHaveLength(kept);
    // The curl command is the transcript again: it goes with it.
    expect(r?.reproduce !== undefined).toBe(kept > 0);
    expect(r?.status).toBe(status);
  });

  it('--transcripts takes failing (the default) or all; anything else is a usage error', async () => {
    expect(await parseRunFlags([], {})).toMatchObject({ transcripts: 'failing' });
    expect(await parseRunFlags(['--transcripts', 'all'], {})).toMatchObject({ transcripts: 'all' });
    await expect(parseRunFlags(['--transcripts', 'some'], {})).rejects.toThrow(/--transcripts must be failing or all, got 'some'/);
  });
});

describe('report sizes of a conformance run on the embedded provider', () => {
  it('a green run writes report.json, report.html and junit.xml each under 500 KB, passed results without transcripts', { timeout: 300_000 }, async () => {
    const { code, out, report } = await run([]);
    expect(code).toBe(0);
    expect(report.results.length).toBeGreaterThanOrEqual(305);
    for (const f of ['report.json', 'report.html', 'junit.xml']) expect(statSync(join(out, f)).size, f).toBeLessThan(LIMIT);
    expect(report.results.filter((r) => r.status === 'passed' && r.transcript.length > 0).map((r) => r.id)).toEqual([]);
  });

  it('a failing run keeps the transcript of every failing result', { timeout: 300_000 }, async () => {
    vi.stubEnv('SCIMCHECK_EMBEDDED_FAULTS', 'create-returns-200');
    const { code, report } = await run([]);
    expect(code).toBe(1);
    const failing = report.results.filter((r) => r.status === 'failed' || r.status === 'errored');
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.filter((r) => r.transcript.length === 0 || !r.reproduce).map((r) => r.id)).toEqual([]);
  });

  it('--transcripts all keeps the passed results\' transcripts too', { timeout: 300_000 }, async () => {
    const { report } = await run(['--transcripts', 'all', '--only', 'discovery']);
    const passed = report.results.filter((r) => r.status === 'passed');
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.filter((r) => r.transcript.length === 0).map((r) => r.id)).toEqual([]);
  });
});
