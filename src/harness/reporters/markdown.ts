/**
 * summary.md, shaped for $GITHUB_STEP_SUMMARY: a counts table, then failures and warnings with links to the
 * RFC sections they cite. Bounded in size (GitHub caps a step summary at 1 MiB).
 */
import type { CheckResult, RunReport } from '../check.ts';
import { citeLink, STATUSES } from './common.ts';

const MAX_ROWS = 200;

/** Table cells: no pipes or newlines, short. */
function cell(s: string | undefined, max = 300): string {
  const t = (s ?? '').replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

function citeCell(r: CheckResult): string {
  const url = citeLink(r.rfc);
  return url ? `[${r.rfc}](${url})` : cell(r.rfc);
}

function table(rows: CheckResult[], note: (r: CheckResult) => string = () => ''): string[] {
  const out = ['| check | RFC | level | message |', '| --- | --- | --- | --- |'];
  for (const r of rows.slice(0, MAX_ROWS)) {
    out.push(`| \`${cell(r.id)}\`${r.profile ? ` (${cell(r.profile)})` : ''} | ${citeCell(r)} | ${r.level} | ${cell(r.message)}${note(r)} |`);
  }
  if (rows.length > MAX_ROWS) out.push(`| … | | | ${rows.length - MAX_ROWS} more in report.json |`);
  return out;
}

export function renderMarkdown(report: RunReport): string {
  const s = report.summary;
  const expected = new Set(report.baseline?.expectedFailures ?? []);
  const lines = [
    `## scimcheck ${report.version}: ${report.target}`,
    '',
    `Started ${report.startedAt}, ${(report.durationMs / 1000).toFixed(1)} s, seed ${report.seed}.`,
    '',
    `| ${STATUSES.join(' | ')} |`,
    `| ${STATUSES.map(() => '---:').join(' | ')} |`,
    `| ${STATUSES.map((k) => s[k]).join(' | ')} |`,
    '',
  ];
  if (report.baseline) {
    const b = report.baseline;
    lines.push(`Baseline: ${b.regressions.length} regression(s), ${b.expectedFailures.length} expected failure(s), ${b.fixed.length} fixed.`, '');
    if (b.fixed.length > 0) lines.push(`Fixed since the baseline: ${b.fixed.map((id) => `\`${cell(id)}\``).join(', ')}`, '');
  }
  const failures = report.results.filter((r) => r.status === 'failed' || r.status === 'errored');
  if (failures.length > 0) {
    lines.push('### Failures', '', ...table(failures, (r) => (r.status === 'errored' ? ' _(harness error)_' : expected.has(r.id) ? ' _(expected by baseline)_' : '')), '');
  }
  const warnings = report.results.filter((r) => r.status === 'warned');
  if (warnings.length > 0) lines.push('### Warnings (SHOULD / MAY)', '', ...table(warnings), '');
  if (failures.length === 0 && warnings.length === 0) lines.push('No failures.', '');
  return lines.join('\n');
}
