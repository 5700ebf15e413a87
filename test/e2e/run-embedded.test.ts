/**
 * The whole harness end to end: `scimcheck run` with no --target starts the embedded reference provider on a
 * loopback port, runs every available suite, writes every report and exits 0. A fault makes it exit 1.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.ts';
import { allChecks } from '../../src/harness/checks/index.ts';
import type { RunReport } from '../../src/harness/check.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function readReport(dir: string): RunReport {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
}

describe('scimcheck run against the embedded provider', () => {
  it('passes every applicable check and writes every report', { timeout: 600_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'scimcheck-e2e-'));
    const log = vi.spyOn(process.stdout, 'write');
    const code = await main(['run', '--out', out, '--quiet']);
    const report = readReport(out);
    const notPassing = report.results.filter((r) => r.status === 'failed' || r.status === 'errored').map((r) => `${r.id}: ${r.message}`);
    expect(notPassing).toEqual([]);
    // The reference provider is the harness's clean baseline: not even a SHOULD check may warn against it.
    expect(report.results.filter((r) => r.suite === 'conformance' && r.status === 'warned').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    expect(code).toBe(0);
    for (const f of ['report.json', 'junit.xml', 'summary.md', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
    // Every check ran exactly once (or was skipped with a reason), in the report under its own id.
    const ids = report.results.filter((r) => r.suite === 'conformance').map((r) => r.id);
    expect(ids.sort()).toEqual(allChecks().map((c) => c.id).sort());
    for (const r of report.results.filter((x) => x.status === 'skipped')) expect(r.message, r.id).toBeTruthy();
    expect(report.summary.passed).toBeGreaterThan(0);
    const total = Object.values(report.summary).reduce((a, b) => a + b, 0);
    expect(total).toBe(report.results.length);
    // --quiet prints the verdict line only.
    expect(log.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^scimcheck: \d+ passed/m);
  });

  it('exits 1 when the provider carries a fault the checks should catch', { timeout: 600_000 }, async () => {
    vi.stubEnv('SCIMCHECK_EMBEDDED_FAULTS', 'create-returns-200');
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const out = mkdtempSync(join(tmpdir(), 'scimcheck-e2e-fault-'));
    const code = await main(['run', '--suite', 'conformance', '--out', out, '--quiet']);
    expect(code).toBe(1);
    const failed = readReport(out).results.filter((r) => r.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
  });
});
