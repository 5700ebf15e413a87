/**
 * summary.md, shaped for $GITHUB_STEP_SUMMARY: a counts table, then failures and warnings with links to the
 * RFC sections they cite. Bounded in size (GitHub caps a step summary at 1 MiB).
 */
import type { CheckResult, RunReport } from '../check.ts';
import { citeLink, STATUSES } from './common.ts';
import { causesView, leftBehindText, type CauseView } from './causes.ts';

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

/** Ids in a table cell, the first `max` of them. */
function idsCell(ids: readonly string[], max = 12): string {
  const shown = ids.slice(0, max).map((id) => `\`${cell(id)}\``).join(', ');
  return ids.length > max ? `${shown}, … ${ids.length - max} more` : shown;
}

/** One row per root cause: the root check, its clause, its failure (and the likely fault), what else it explains. */
function causeTable(causes: readonly CauseView[], note: (r: CheckResult) => string): string[] {
  const out = ['| root cause | RFC | level | message | also failing | blocked |', '| --- | --- | --- | --- | --- | ---: |'];
  for (const c of causes.slice(0, MAX_ROWS)) {
    const r = c.root;
    const likely = c.cause.likely ? `<br>_likely: ${cell(c.cause.likely)}_` : '';
    const also = c.dependents.length > 0 ? `${c.dependents.length}: ${idsCell(c.dependents.map((d) => d.id))}` : '';
    out.push(`| \`${cell(r.id)}\`${r.profile ? ` (${cell(r.profile)})` : ''} | ${citeCell(r)} | ${r.level} | ${cell(r.message)}${note(r)}${likely} | ${also} | ${c.blocked.length || ''} |`);
  }
  if (causes.length > MAX_ROWS) out.push(`| … | | | ${causes.length - MAX_ROWS} more root causes in report.json | | |`);
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
  const note = (r: CheckResult) => (r.status === 'errored' ? ' _(harness error)_' : expected.has(r.id) ? ' _(expected by baseline)_' : '');
  const causes = causesView(report);
  if (causes.causes.length > 0) {
    // Root causes first (issue 10 #4); every failing check, one row each, stays one click away.
    lines.push(`### ${causes.headline}`, '', ...causeTable(causes.causes, note), '');
    lines.push(`<details><summary>All ${failures.length} failing check${failures.length === 1 ? '' : 's'}</summary>`, '', ...table(failures, (r) => `${note(r)}${causes.rootOf.has(r.id) ? ` _(root cause: \`${cell(causes.rootOf.get(r.id))}\`)_` : ''}`), '', '</details>', '');
  }
  const warnings = report.results.filter((r) => r.status === 'warned');
  if (warnings.length > 0) lines.push('### Warnings (SHOULD / MAY)', '', ...table(warnings), '');
  if (failures.length === 0 && warnings.length === 0) lines.push('No failures.', '');
  const left = leftBehindText(report.leftBehind);
  if (left) lines.push(`**Cleanup:** ${cell(left, 4000)}.`, '');
  return lines.join('\n');
}
