/**
 * What changed between two runs (`scimcheck report NEW.json --compare OLD.json`): checks newly failing (they
 * were in OLD and did not fail there), new (absent from OLD: added to scimcheck since, and failing), fixed,
 * still failing, and failures that did not run this time (skipped or gone), keyed by check id.
 */
import type { CheckResult, RunReport, Status } from '../../check.ts';

export type Change = 'newly-failing' | 'new' | 'fixed' | 'still-failing' | 'not-run';

export interface RunComparison {
  /** The earlier run this one is compared with. */
  previous: { target: string; startedAt: string; version: string };
  /** In the earlier run and not failing there (passed, warned or skipped), failing now. */
  newlyFailing: string[];
  /** Absent from the earlier run (a check added since, or one its selection left out), failing now. */
  newChecks: string[];
  fixed: string[];
  stillFailing: string[];
  /** Failed before, skipped or absent now: neither fixed nor failing. */
  notRun: string[];
  /** id -> change, for every id in one of the lists. */
  changes: Record<string, Change>;
}

/** A failure is what blocks a run: failed (MUST) or errored; warnings are reported, not counted. */
export function isFailing(status: Status | undefined): boolean {
  return status === 'failed' || status === 'errored';
}

export function compareRuns(current: RunReport, previous: RunReport): RunComparison {
  const before = new Map<string, CheckResult>(previous.results.map((r) => [r.id, r]));
  const now = new Map<string, CheckResult>(current.results.map((r) => [r.id, r]));
  const out: RunComparison = {
    previous: { target: previous.target, startedAt: previous.startedAt, version: previous.version },
    newlyFailing: [],
    newChecks: [],
    fixed: [],
    stillFailing: [],
    notRun: [],
    changes: {},
  };
  const mark = (id: string, change: Change) => {
    const list = { 'newly-failing': out.newlyFailing, new: out.newChecks, fixed: out.fixed, 'still-failing': out.stillFailing, 'not-run': out.notRun }[change];
    list.push(id);
    out.changes[id] = change;
  };
  for (const r of current.results) {
    const earlier = before.get(r.id);
    const was = isFailing(earlier?.status);
    if (isFailing(r.status)) mark(r.id, was ? 'still-failing' : earlier ? 'newly-failing' : 'new');
    else if (was && (r.status === 'passed' || r.status === 'warned')) mark(r.id, 'fixed');
    else if (was) mark(r.id, 'not-run');
  }
  for (const r of previous.results) if (isFailing(r.status) && !now.has(r.id)) mark(r.id, 'not-run');
  return out;
}

/** Plain-text lines for the terminal: counts, then each list. */
export function comparisonText(c: RunComparison): string {
  const lines = [
    `compared with the run of ${c.previous.startedAt} (${c.previous.target}):`,
    `  ${c.newlyFailing.length} newly failing, ${c.newChecks.length} new and failing, ${c.fixed.length} fixed, ${c.stillFailing.length} still failing, ${c.notRun.length} failing before and not run now`,
  ];
  const section = (title: string, ids: string[]) => {
    if (ids.length === 0) return;
    lines.push('', `${title}:`, ...ids.map((id) => `  ${id}`));
  };
  section('newly failing', c.newlyFailing);
  section('new (not in the earlier run), failing', c.newChecks);
  section('fixed', c.fixed);
  section('still failing', c.stillFailing);
  section('failing before, not run now', c.notRun);
  return lines.join('\n');
}
