import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { CheckResult } from '../../src/harness/check.ts';
import { createConsoleReporter } from '../../src/harness/reporters/console.ts';
import { buildReport } from '../../src/harness/runner.ts';

function sink(isTTY: boolean) {
  let text = '';
  const out = Object.assign(new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }), { isTTY, columns: 120 });
  return { out, text: () => text };
}

const results: CheckResult[] = [
  { id: 'users.create.returns-201', title: 'POST answers 201', suite: 'conformance', area: 'users', rfc: 'RFC7644 §3.3', level: 'MUST', status: 'failed', durationMs: 5, message: 'expected HTTP 201, got 200', expected: 201, actual: { status: 200 }, transcript: [] },
  { id: 'users.get.ok', title: 'GET works', suite: 'conformance', area: 'users', rfc: 'RFC7644 §3.4.1', level: 'MUST', status: 'passed', durationMs: 1, transcript: [] },
];

describe('console reporter', () => {
  it('plain lines when not a TTY, failures grouped by area with clause and expected/actual, summary table', () => {
    const s = sink(false);
    const rep = createConsoleReporter({ out: s.out });
    rep.onStart(2);
    for (const r of results) rep.onResult(r);
    rep.finish(buildReport({ version: 'x', target: 'http://t', startedAt: new Date(), seed: 1, results }));
    const text = s.text();
    expect(text).not.toContain('\r');
    expect(text).toContain('FAIL users.create.returns-201 — expected HTTP 201, got 200');
    expect(text).toMatch(/users:\n {2}FAIL users\.create\.returns-201 {2}RFC7644 §3\.3 MUST/);
    expect(text).toContain('expected: 201');
    expect(text).toMatch(/total\s+1\s+1\s+0\s+0\s+0/);
  });

  it('a progress bar on a TTY; --quiet prints only the verdict', () => {
    const tty = sink(true);
    const rep = createConsoleReporter({ out: tty.out });
    rep.onStart(2);
    rep.onResult(results[0] as CheckResult);
    expect(tty.text()).toMatch(/\r\x1b\[2K\[#+-+\] 1\/2/);
    const q = sink(false);
    const quiet = createConsoleReporter({ out: q.out, quiet: true });
    quiet.onStart(2);
    for (const r of results) quiet.onResult(r);
    quiet.finish(buildReport({ version: 'x', target: 'http://t', startedAt: new Date(), seed: 1, results }));
    expect(q.text()).toMatch(/^scimcheck: 1 passed, 1 failed, 0 warned, 0 skipped, 0 errored \(http:\/\/t, [\d.]+ s\)\n$/);
  });
});
