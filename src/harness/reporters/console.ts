/**
 * Console output: live progress (a bar on a TTY, one plain line per result otherwise), then failures grouped
 * by area with their RFC clause and expected/actual, and a summary table. `--quiet` keeps only the verdict.
 */
import type { CheckResult, RunReport, Status } from '../check.ts';
import { groupResults, show, STATUSES } from './common.ts';
import { causesView, leftBehindText } from './causes.ts';
import { visible, visibleLine } from './visible.ts';

export interface ConsoleReporterOptions {
  out?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  quiet?: boolean;
  /** Defaults to the stream's isTTY. */
  tty?: boolean;
}

const MARK: Record<Status, string> = { passed: 'PASS', failed: 'FAIL', warned: 'WARN', skipped: 'SKIP', errored: 'ERR ' };
const COLOR: Record<Status, string> = { passed: '32', failed: '31', warned: '33', skipped: '90', errored: '35' };

export interface ConsoleReporter {
  onStart(total: number): void;
  onResult(r: CheckResult): void;
  finish(report: RunReport, notes?: { written?: string[]; warnings?: string[] }): void;
  /** One line of information (e.g. "target: ..."), suppressed by --quiet. */
  info(line: string): void;
}

export function createConsoleReporter(opts: ConsoleReporterOptions = {}): ConsoleReporter {
  const out = opts.out ?? process.stdout;
  const tty = opts.tty ?? !!out.isTTY;
  const quiet = !!opts.quiet;
  const paint = (s: Status, text: string) => (tty && !process.env.NO_COLOR ? `\x1b[${COLOR[s]}m${text}\x1b[0m` : text);
  let total = 0;
  let done = 0;
  const counts: Record<Status, number> = { passed: 0, failed: 0, warned: 0, skipped: 0, errored: 0 };
  let barShown = false;

  const clearBar = () => {
    if (barShown) out.write('\r\x1b[2K');
    barShown = false;
  };
  const drawBar = (last: string) => {
    const width = 24;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(frac * width);
    const cols = out.columns ?? 100;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}  ${counts.failed} failed  ${counts.warned} warned  ${visibleLine(last)}`;
    out.write(`\r\x1b[2K${line.slice(0, Math.max(20, cols - 1))}`);
    barShown = true;
  };

  return {
    info(line) {
      if (quiet) return;
      clearBar();
      out.write(`${visible(line)}\n`);
    },
    onStart(n) {
      total += n;
      if (!quiet && tty) drawBar('');
    },
    onResult(r) {
      done++;
      if (done > total) total = done;
      counts[r.status]++;
      if (quiet) return;
      if (tty) drawBar(r.id);
      // Issue 11 #15: the message may be the target's text; it is shown, never executed by the terminal.
      else out.write(`${visibleLine(`${MARK[r.status]} ${label(r)}${r.status !== 'passed' && r.message ? ` — ${r.message.split('\n')[0]}` : ''}`)}\n`);
    },
    finish(report, notes = {}) {
      clearBar();
      const s = report.summary;
      const expected = new Set(report.baseline?.expectedFailures ?? []);
      const lines: string[] = [];
      // Lines resultLines painted (their text already made visible); every other line is made visible at the end.
      const painted = new Set<number>();
      const pushResult = (r: CheckResult, expectedByBaseline: boolean) => {
        painted.add(lines.length);
        lines.push(...resultLines(r, expectedByBaseline));
      };
      if (!quiet) {
        // Failures first, one entry per root cause (issue 10 #4): the root in full, its dependents by failure.
        const causes = causesView(report);
        if (causes.causes.length > 0) lines.push('', `${causes.headline}:`);
        for (const c of causes.causes) {
          lines.push('');
          pushResult(c.root, expected.has(c.root.id));
          if (c.cause.likely) lines.push(`       likely: ${c.cause.likely}`);
          if (c.dependents.length > 0) {
            lines.push(`       ${c.dependents.length} more failing check${c.dependents.length === 1 ? '' : 's'} with this cause:`);
            for (const g of c.byFailure) {
              lines.push(`         ${g.sameAsRoot ? 'the same failure' : g.message}:`, ...wrapIds(g.results.map(label), '           '));
            }
          }
          if (c.blocked.length > 0) lines.push(`       ${c.blocked.length} blocked (skipped, not counted):`, ...wrapIds(c.blocked, '           '));
        }
        const warned = report.results.filter((r) => r.status === 'warned');
        if (warned.length > 0) lines.push('', `${warned.length} warning${warned.length === 1 ? '' : 's'} (SHOULD / MAY):`);
        // The groups of every report (common.ts groupOf): areas, `scenarios · <profile>`, `properties`.
        for (const [area, rs] of groupResults(warned)) {
          lines.push('', `${area}:`);
          for (const r of rs) pushResult(r, false);
        }
        const byArea = groupResults(report.results);
        const w = Math.max(14, ...[...byArea.keys()].map((a) => a.length + 2));
        const head = ['area'.padEnd(w), ...STATUSES.map((k) => k.padStart(8))].join('');
        lines.push('', head, '-'.repeat(head.length));
        for (const [area, rs] of byArea) {
          lines.push([area.padEnd(w), ...STATUSES.map((k) => String(rs.filter((r) => r.status === k).length).padStart(8))].join(''));
        }
        lines.push('-'.repeat(head.length), ['total'.padEnd(w), ...STATUSES.map((k) => String(s[k]).padStart(8))].join(''));
        if (report.baseline) {
          const b = report.baseline;
          lines.push('', `baseline: ${b.regressions.length} regression(s), ${b.expectedFailures.length} expected failure(s), ${b.fixed.length} fixed`);
          if (b.fixed.length) lines.push(`  fixed (remove from the baseline): ${b.fixed.join(', ')}`);
          if (b.regressions.length) lines.push(`  regressions: ${b.regressions.join(', ')}`);
        }
        const left = leftBehindText(report.leftBehind);
        if (left) lines.push('', `cleanup: ${left}`);
        for (const w of notes.warnings ?? []) lines.push(`warning: ${w}`);
        for (const f of notes.written ?? []) lines.push(`wrote ${f}`);
      }
      lines.push(`${quiet ? '' : '\n'}scimcheck: ${s.passed} passed, ${s.failed} failed, ${s.warned} warned, ${s.skipped} skipped, ${s.errored} errored (${report.target}, ${(report.durationMs / 1000).toFixed(1)} s)`);
      // Issue 11 #15: target text (messages, expected/actual, titles) never reaches the terminal raw.
      out.write(`${lines.map((l, i) => (painted.has(i) ? l : visible(l))).join('\n')}\n`);
    },
  };

  // Hoisted: the reporter above prints roots and warnings with it.
  function resultLines(r: CheckResult, expectedByBaseline: boolean): string[] {
    // The first line is painted: its parts are made visible here, the lines after it by finish.
    const lines = [`  ${paint(r.status, MARK[r.status])} ${visibleLine(`${label(r)}  ${r.rfc} ${r.level}`)}${expectedByBaseline ? ' (expected by baseline)' : ''}`, `       ${r.title}`];
    if (r.message) lines.push(`       ${r.message.split('\n').join('\n       ')}`);
    if (r.expected !== undefined) lines.push(`       expected: ${show(r.expected, 400).split('\n').join('\n       ')}`);
    if (r.actual !== undefined) lines.push(`       actual:   ${show(r.actual, 400).split('\n').join('\n       ')}`);
    return lines;
  }
}

function label(r: CheckResult): string {
  return `${r.id}${r.profile ? ` [${r.profile}]` : ''}`;
}

/** Ids as comma-separated lines of at most `width` characters, each starting with `indent`. */
function wrapIds(ids: readonly string[], indent: string, width = 110): string[] {
  const out: string[] = [];
  let line = '';
  for (const id of ids) {
    const next = line === '' ? id : `${line}, ${id}`;
    if (line !== '' && indent.length + next.length > width) {
      out.push(`${indent}${line},`);
      line = id;
    } else line = next;
  }
  if (line !== '') out.push(`${indent}${line}`);
  return out;
}
