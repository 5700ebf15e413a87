/**
 * junit.xml for CI (Jenkins / GitLab / GitHub test reporters): one <testsuite> per area, one <testcase> per
 * check. Failed → <failure>, errored → <error>, skipped → <skipped>; warned (SHOULD/MAY) passes with the
 * warning in <system-out>; failures the baseline expects are <skipped> so only regressions turn CI red.
 */
import type { CheckResult, RunReport } from '../check.ts';
import { groupOf, groupResults, show } from './common.ts';
import { transcriptText } from './transcript-text.ts';
import { causesView, leftBehindText } from './causes.ts';
import { xmlEscape as x } from './xml.ts';

const secs = (ms: number) => (ms / 1000).toFixed(3);

function detail(r: CheckResult): string {
  const lines = [r.message ?? ''];
  if (r.expected !== undefined) lines.push(`expected: ${show(r.expected)}`);
  if (r.actual !== undefined) lines.push(`actual: ${show(r.actual)}`);
  lines.push(`cite: ${r.rfc} (${r.level})`);
  if (r.reproduce) lines.push('', 'reproduce:', r.reproduce);
  return lines.join('\n');
}

/**
 * The testsuite (and classname) of a result: the report-wide group (common.ts groupOf) under its suite, so
 * junit.xml groups as the console and report.html do: conformance.users, scenarios.okta, properties.
 */
function junitGroup(r: CheckResult): string {
  const g = groupOf(r);
  return r.suite === 'conformance' ? `conformance.${g}` : g.replace(' · ', '.');
}

function testcase(r: CheckResult, expectedFailures: ReadonlySet<string>, reasons: Record<string, string>, rootOf: ReadonlyMap<string, string>): string {
  const attrs = `classname="${x(`scimcheck.${junitGroup(r)}`)}" name="${x(`${r.id}${r.profile ? ` [${r.profile}]` : ''}: ${r.title}`)}" time="${secs(r.durationMs)}"`;
  const children: string[] = [];
  const type = `${r.level}${r.rfc ? ` ${r.rfc}` : ''}`;
  // A dependent failure names its root cause (issue 10 #4); the testcase stays, one per check.
  const root = rootOf.get(r.id);
  const cause = root !== undefined && (r.status === 'failed' || r.status === 'errored') ? ` [root cause: ${root}]` : '';
  if ((r.status === 'failed' || r.status === 'errored') && expectedFailures.has(r.id)) {
    children.push(`<skipped message="${x(`expected failure (baseline): ${reasons[r.id] ?? ''} — ${r.message ?? ''}`)}"/>`);
  } else if (r.status === 'failed') {
    children.push(`<failure message="${x(`${r.message ?? 'failed'}${cause}`)}" type="${x(type)}">${x(detail(r))}</failure>`);
  } else if (r.status === 'errored') {
    children.push(`<error message="${x(`${r.message?.split('\n')[0] ?? 'errored'}${cause}`)}" type="harness-error">${x(detail(r))}</error>`);
  } else if (r.status === 'skipped') {
    children.push(`<skipped message="${x(r.message ?? 'skipped')}"/>`);
  }
  const out: string[] = [];
  if (r.status === 'warned') out.push(`WARNING (${type}): ${detail(r)}`);
  if (r.transcript.length > 0) out.push(transcriptText(r.transcript));
  if (out.length > 0) children.push(`<system-out>${x(out.join('\n\n'))}</system-out>`);
  return children.length === 0 ? `    <testcase ${attrs}/>` : `    <testcase ${attrs}>\n      ${children.join('\n      ')}\n    </testcase>`;
}

export function renderJunit(report: RunReport, baselineReasons: Record<string, string> = {}): string {
  const expected = new Set(report.baseline?.expectedFailures ?? []);
  const { rootOf } = causesView(report);
  const counted = (rs: CheckResult[]) => {
    const isExpected = (r: CheckResult) => expected.has(r.id) && (r.status === 'failed' || r.status === 'errored');
    return {
      tests: rs.length,
      failures: rs.filter((r) => r.status === 'failed' && !isExpected(r)).length,
      errors: rs.filter((r) => r.status === 'errored' && !isExpected(r)).length,
      skipped: rs.filter((r) => r.status === 'skipped' || isExpected(r)).length,
      time: secs(rs.reduce((a, r) => a + r.durationMs, 0)),
    };
  };
  const suites = [...groupResults(report.results)].map(([, rs]) => {
    const name = junitGroup(rs[0] as CheckResult);
    const c = counted(rs);
    return [
      `  <testsuite name="${x(name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${c.time}" timestamp="${x(report.startedAt.replace(/Z$/, ''))}">`,
      ...rs.map((r) => testcase(r, expected, baselineReasons, rootOf)),
      '  </testsuite>',
    ].join('\n');
  });
  const all = counted(report.results);
  // What cleanup could not delete is no test: an empty suite carries it, where CI shows a suite's output.
  const left = leftBehindText(report.leftBehind);
  if (left) suites.push(`  <testsuite name="scimcheck.cleanup" tests="0" failures="0" errors="0" skipped="0" time="0.000"><system-out>${x(left)}</system-out></testsuite>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${x(`scimcheck ${report.version} ${report.target}`)}" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" skipped="${all.skipped}" time="${secs(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
