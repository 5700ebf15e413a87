/** report.json: the stable machine-readable result (DESIGN.md field names, in DESIGN.md order). */
import type { CheckResult, RunReport } from '../check.ts';
import { rootCausesOf } from '../root-causes.ts';

function orderedResult(r: CheckResult): Record<string, unknown> {
  // DESIGN.md's fields first, then what the other reporters use to re-render (area, expected, actual, profile, blockedBy),
  // then the side a proxy finding judges (issue 14).
  const { id, title, suite, rfc, level, status, durationMs, message, reproduce, transcript, area, expected, actual, profile, blockedBy, side } = r;
  return { id, title, suite, rfc, level, status, durationMs, message, reproduce, transcript, area, expected, actual, profile, blockedBy, side };
}

export function renderJson(report: RunReport): string {
  const { tool, version, target, startedAt, durationMs, seed, summary, results, baseline, leftBehind } = report;
  // Root causes (issue 10 #4) after the results they group; an older report without them gets them computed.
  const rootCauses = rootCausesOf(report);
  return `${JSON.stringify({ tool, version, target, startedAt, durationMs, seed, summary, results: results.map(orderedResult), rootCauses, baseline, leftBehind }, null, 2)}\n`;
}

/** Reads a saved report.json back (for `scimcheck report`), with just enough checking to fail clearly. */
export function parseReport(text: string): RunReport | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  const r = raw as Partial<RunReport>;
  if (!r || r.tool !== 'scimcheck' || !Array.isArray(r.results) || !r.summary) return 'not a scimcheck report.json (tool, summary, results)';
  return r as RunReport;
}
