/**
 * report.html: one self-contained page (no network: inline CSS, inline script, the data embedded as
 * JSON). Summary, pass-rate per area, baseline / comparison, and a filterable, sortable table of checks
 * whose failures open to a diff, the cited clause, the transcript and a copyable curl. Implementation
 * under ./html/; every value from the report is escaped (a target can put `<script>` in its answers).
 */
import type { RunReport } from '../check.ts';
import { allChecks } from '../checks/index.ts';
import { reportView } from './html/view-model.ts';
import { renderPage } from './html/page.ts';
import type { RunComparison } from './html/compare.ts';

export { compareRuns, comparisonText, type RunComparison } from './html/compare.ts';

export interface HtmlOptions {
  /** `scimcheck report NEW --compare OLD`: mark and list what changed since OLD. */
  comparison?: RunComparison;
}

/** The quoted RFC sentence of each conformance check, for the spec section of a failure. */
function checkQuotes(): Map<string, string> {
  const m = new Map<string, string>();
  for (const c of allChecks()) if (c.cite.quote) m.set(c.id, c.cite.quote);
  return m;
}

export function renderHtml(report: RunReport, opts: HtmlOptions = {}): string {
  const quotes = checkQuotes();
  return renderPage(reportView(report, { quoteOf: (id) => quotes.get(id), comparison: opts.comparison }));
}
