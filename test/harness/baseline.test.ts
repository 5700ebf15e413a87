import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult, Status } from '../../src/harness/check.ts';
import { baselineFrom, compareToBaseline, exitCodeFor, readBaseline } from '../../src/harness/baseline.ts';
import { buildReport } from '../../src/harness/runner.ts';
import { UsageError } from '../../src/usage-error.ts';

const r = (id: string, status: Status, message?: string): CheckResult => ({
  id, title: id, suite: 'conformance', area: 'users', rfc: 'RFC7644 §3.3', level: 'MUST', status, durationMs: 0, transcript: [], ...(message ? { message } : {}),
});

describe('baseline', () => {
  const results = [r('a.known', 'failed', 'still broken'), r('b.new', 'failed', 'new break'), r('c.fixed', 'passed'), r('d.err', 'errored', 'boom'), r('e.warn', 'warned')];

  it('splits failures into regressions and expected failures, and notices fixes', () => {
    const cmp = compareToBaseline(results, { checks: { 'a.known': 'ticket 1', 'c.fixed': 'ticket 2', 'z.gone': 'not run' } });
    expect(cmp).toEqual({ regressions: ['b.new', 'd.err'], fixed: ['c.fixed'], expectedFailures: ['a.known'] });
  });

  it('exit code: 1 only for regressions when a baseline is given, otherwise for any failure or error', () => {
    const report = buildReport({ version: 'x', target: 't', startedAt: new Date(), seed: 1, results });
    expect(exitCodeFor(report)).toBe(1);
    report.baseline = compareToBaseline(results, { checks: { 'a.known': '', 'b.new': '', 'd.err': '' } });
    expect(exitCodeFor(report)).toBe(0);
    const clean = buildReport({ version: 'x', target: 't', startedAt: new Date(), seed: 1, results: [r('c.fixed', 'passed'), r('e.warn', 'warned'), r('f.skip', 'skipped')] });
    expect(exitCodeFor(clean)).toBe(0);
  });

  it('--update-baseline keeps known reasons and records new failures with their message', () => {
    expect(baselineFrom(results, { checks: { 'a.known': 'ticket 1', 'c.fixed': 'ticket 2' } })).toEqual({
      checks: { 'a.known': 'ticket 1', 'b.new': 'new break', 'd.err': 'boom' },
    });
  });

  it('a malformed baseline file is a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-bl-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"checks":{"a":1}}');
    expect(() => readBaseline(bad)).toThrow(UsageError);
    expect(() => readBaseline(join(dir, 'missing.json'))).toThrow(/file not found/);
    const good = join(dir, 'good.json');
    writeFileSync(good, '{"checks":{"a.b":"why"}}');
    expect(readBaseline(good)).toEqual({ checks: { 'a.b': 'why' } });
  });
});
