/**
 * Issue 12: the console folded the property results into the conformance areas while report.html listed them
 * apart. Every report now groups by common.ts groupOf: a conformance area, `scenarios · <profile>`, `properties`.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, RunReport } from '../../src/harness/check.ts';
import { groupOf, groupResults } from '../../src/harness/reporters/common.ts';
import { createConsoleReporter } from '../../src/harness/reporters/console.ts';
import { areaViews } from '../../src/harness/reporters/html/view-model.ts';
import { renderJunit } from '../../src/harness/reporters/junit.ts';

const r = (id: string, suite: CheckResult['suite'], area: string, status: CheckResult['status'], profile?: string): CheckResult => ({
  id, title: id, suite, area, rfc: 'RFC7644 §3.5.2', level: 'SHOULD', status, durationMs: 1, transcript: [], ...(profile ? { profile } : {}),
  ...(status === 'warned' ? { message: `${id} warned` } : {}),
});

const RESULTS = [
  r('prop.patch', 'properties', 'patch', 'warned'),
  r('security.x', 'conformance', 'security', 'passed'),
  r('scenario.okta.a', 'scenarios', 'scenarios', 'passed', 'okta'),
  r('patch.add', 'conformance', 'patch', 'warned'),
  r('scenario.entra.a', 'scenarios', 'scenarios', 'warned', 'entra'),
  r('users.get', 'conformance', 'users', 'passed'),
];
const REPORT: RunReport = {
  tool: 'scimcheck', version: '0', target: 'http://127.0.0.1/scim/v2', startedAt: '2026-12-03T12:00:00.000Z', durationMs: 1, seed: 1,
  summary: { passed: 3, failed: 0, warned: 3, skipped: 0, errored: 0 }, results: RESULTS,
};
const GROUPS = ['users', 'patch', 'security', 'scenarios · entra', 'scenarios · okta', 'properties'];

describe('one grouping in every report', () => {
  it.each([
    [RESULTS[0], 'properties'],
    [RESULTS[2], 'scenarios · okta'],
    [RESULTS[3], 'patch'],
  ] as const)('%o is in group %s', (result, group) => expect(groupOf(result)).toBe(group));

  it('report.html bars, the console table and junit.xml testsuites list the same groups in the same order', () => {
    expect([...groupResults(RESULTS).keys()]).toEqual(GROUPS);
    expect(areaViews(RESULTS).map((a) => a.name)).toEqual(GROUPS);

    const lines: string[] = [];
    const out = { write: (s: string) => lines.push(s) > 0, isTTY: false } as unknown as NodeJS.WritableStream;
    const reporter = createConsoleReporter({ out, tty: false });
    reporter.finish(REPORT, { written: [] });
    const text = lines.join('');
    const table = text.split('\n').filter((l) => /^\S.*\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+$/.test(l) && !l.startsWith('total'));
    expect(table.map((l) => l.replace(/\s+\d+.*$/, ''))).toEqual(GROUPS);
    // Warnings are listed under the same groups: the property result apart from the conformance patch check.
    const warnHeads = text.split('\n').filter((l) => /^[a-z][a-z ·-]*:$/.test(l)).map((l) => l.slice(0, -1));
    expect(warnHeads).toEqual(['patch', 'scenarios · entra', 'properties']);

    const suites = [...renderJunit(REPORT).matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1]);
    expect(suites).toEqual(['conformance.users', 'conformance.patch', 'conformance.security', 'scenarios.entra', 'scenarios.okta', 'properties']);
  });
});
