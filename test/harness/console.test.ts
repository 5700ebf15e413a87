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
  it('plain lines when not a TTY, failures under their root cause with clause and expected/actual, summary table', () => {
    const s = sink(false);
    const rep = createConsoleReporter({ out: s.out });
    rep.onStart(2);
    for (const r of results) rep.onResult(r);
    rep.finish(buildReport({ version: 'x', target: 'http://t', startedAt: new Date(), seed: 1, results }));
    const text = s.text();
    expect(text).not.toContain('\r');
    expect(text).toContain('FAIL users.create.returns-201 — expected HTTP 201, got 200');
    expect(text).toMatch(/1 failing check, 1 root cause:\n\n {2}FAIL users\.create\.returns-201 {2}RFC7644 §3\.3 MUST/);
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

  it('leads with "N failing checks, M root causes": each root in full, its dependents indented by failure, blocked checks, warnings after, then what cleanup left', () => {
    const base = { suite: 'conformance' as const, level: 'MUST' as const, durationMs: 1, transcript: [] };
    const create200 = 'precondition: could not create a user: POST /Users returned 200';
    const run: CheckResult[] = [
      { ...base, id: 'users.create.returns-201', title: 'POST answers 201', area: 'users', rfc: 'RFC7644 §3.3', status: 'failed', message: 'POST /Users: expected HTTP 201, got 200', expected: 201 },
      { ...base, id: 'users.create.location-header', title: 'Location', area: 'users', rfc: 'RFC7644 §3.3', status: 'failed', message: 'POST /Users: expected HTTP 201, got 200' },
      ...Array.from({ length: 12 }, (_, i): CheckResult => ({ ...base, id: `patch.op-${i}`, title: 'x', area: 'patch', rfc: 'RFC7644 §3.5.2', status: 'failed', message: create200 })),
      { ...base, id: 'users.delete.then-get-404', title: 'deleted', area: 'users', rfc: 'RFC7644 §3.6', status: 'skipped', message: 'blocked by users.create.returns-201', blockedBy: 'users.create.returns-201' },
      { ...base, id: 'sort.x', title: 'sorted', area: 'sort', rfc: 'RFC7644 §3.4.2.3', status: 'errored', message: 'TypeError: boom' },
      { ...base, id: 'etag.weak', title: 'weak etag', area: 'etag', rfc: 'RFC7644 §3.14', level: 'SHOULD', status: 'warned', message: 'ETag is weak' },
    ];
    const report = buildReport({
      version: 'x',
      target: 'http://t',
      startedAt: new Date(),
      seed: 1,
      results: run,
      faults: [{ name: 'create-returns-200', description: 'POST answers 200 instead of 201 Created', checks: ['users.create.returns-201', 'users.create.location-header', 'groups.create.empty'] }],
    });
    report.leftBehind = { users: ['u-1'], groups: [] };
    const s = sink(false);
    createConsoleReporter({ out: s.out }).finish(report);
    const text = s.text();
    const final = text.slice(text.indexOf('15 failing checks, 2 root causes:'));
    expect(final).toMatch(/^15 failing checks, 2 root causes:\n\n {2}FAIL users\.create\.returns-201 {2}RFC7644 §3\.3 MUST\n {7}POST answers 201\n {7}POST \/Users: expected HTTP 201, got 200\n {7}expected: 201\n/);
    expect(final).toContain('       likely: create-returns-200: POST answers 200 instead of 201 Created\n       13 more failing checks with this cause:\n');
    expect(final).toContain('         the same failure:\n           users.create.location-header\n');
    // Twelve identical precondition failures: one line for the failure, the ids wrapped under it.
    expect(final).toMatch(/ {9}precondition: could not create a user: POST \/Users returned 200:\n {11}patch\.op-0, patch\.op-1, [^\n]*,\n {11}[^\n]*patch\.op-11\n/);
    expect(final).toContain('       1 blocked (skipped, not counted):\n           users.delete.then-get-404\n');
    expect(final).toMatch(/\n {2}ERR  sort\.x {2}RFC7644 §3\.4\.2\.3 MUST\n/);
    expect(final.indexOf('1 warning (SHOULD / MAY):')).toBeGreaterThan(final.indexOf('sort.x'));
    expect(final).toMatch(/1 warning \(SHOULD \/ MAY\):\n\netag:\n {2}WARN etag\.weak/);
    expect(final).toContain('cleanup: 1 resource left behind on the target: user u-1');
    for (const line of final.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
  });
});
