/** The load run as one self-contained HTML page (no scripts, no external assets): charts over time, then tables. */
import { lineChart } from './charts.ts';
import { escapeHtml } from './escape.ts';
import type { LoadReport } from './run.ts';
import { verdictLine } from './summary.ts';
import type { Timeline } from './timeline.ts';

export { escapeHtml };

function table(head: string[], rows: (string | number)[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

function list(items: string[]): string {
  return `<ul>${items.map((i) => `<li><code>${escapeHtml(i)}</code></li>`).join('')}</ul>`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #ccd;padding:.25rem .6rem;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f3f3f7}.verdict{padding:.75rem 1rem;border-radius:6px;font-weight:600}
.pass{background:#e3f6e5;color:#135c1d}.fail{background:#fde6e6;color:#8a1414}.none{background:#f0f0f0}
code{font-size:12px}.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts figure{margin:0}
svg.chart{max-width:100%;height:auto;border:1px solid #e3e3ea;border-radius:6px;background:#fff}
svg.chart text{font:12px system-ui,sans-serif;fill:#1d1d1f}svg.chart .chart-title{font-weight:600}
svg.chart .grid{stroke:#e6e6ee}svg.chart .axis{stroke:#888}details{margin:.5rem 0}`;

/** Okabe–Ito colours (distinguishable with colour-blindness), and dashes so the lines differ by more than colour. */
const BLUE = '#0072B2';
const VERMILION = '#D55E00';
const PURPLE = '#CC79A7';

/** Throughput, latency, and errors and 429s per interval, as SVG, with the numbers in a table beside them. */
export function renderCharts(tl: Timeline): string {
  const pts = tl.points;
  if (pts.length === 0) return '<p>No requests were sent, so there is nothing to chart.</p>';
  const sec = tl.intervalMs / 1000;
  const every = `${sec} s`;
  const charts = [
    lineChart({ id: 'chart-throughput', title: 'Throughput', unit: 'req/s', intervalSeconds: sec, series: [{ name: 'requests per second', values: pts.map((p) => p.rps), color: BLUE }] }),
    lineChart({
      id: 'chart-latency',
      title: 'Latency',
      unit: 'ms',
      intervalSeconds: sec,
      series: [
        { name: 'p50', values: pts.map((p) => p.p50), color: BLUE },
        { name: 'p95', values: pts.map((p) => p.p95), color: VERMILION, dash: '6 3' },
      ],
    }),
    lineChart({
      id: 'chart-errors',
      title: `Errors and 429s per ${every}`,
      unit: 'answers',
      intervalSeconds: sec,
      series: [
        { name: 'errors', values: pts.map((p) => p.errors), color: VERMILION },
        { name: '429s', values: pts.map((p) => p.throttled), color: PURPLE, dash: '6 3' },
      ],
    }),
  ];
  const numbers = table(
    ['from s', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'errors', '429s'],
    pts.map((p) => [p.t, p.requests, p.rps, p.p50, p.p95, p.errors, p.throttled]),
  );
  return [
    `<p>Each point is one ${every} interval of the sync, by when its attempts ended; errors are answers other than 2xx and 429, and attempts without an answer.</p>`,
    `<div class="charts">${charts.map((c) => `<figure>${c}</figure>`).join('\n')}</div>`,
    `<details><summary>The numbers behind the charts (${pts.length} intervals)</summary>${numbers}</details>`,
  ].join('\n');
}

export function renderHtml(r: LoadReport): string {
  const s = r.settings;
  const cls = !r.verdict ? 'none' : r.verdict.ok && r.exitCode === 0 ? 'pass' : 'fail';
  const t = r.requests.throttle;
  const parts = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>scimcheck load · ${escapeHtml(r.profile)}</title><style>${CSS}</style></head><body>`,
    `<h1>scimcheck load · ${escapeHtml(r.profile)}</h1>`,
    `<p>${escapeHtml(r.target)} · started ${escapeHtml(r.startedAt)} · ${s.users} users, ${s.groups} groups × ${s.membersPerGroup} members, concurrency ${s.concurrency}, incremental share ${s.incremental}, seed ${s.seed}, prefix <code>${escapeHtml(s.prefix)}</code> · scimcheck ${escapeHtml(r.version)}</p>`,
    `<p class="verdict ${cls}">${escapeHtml(verdictLine(r))}</p>`,
    `<h2>Throughput</h2><p>${r.requests.total} requests in ${(r.syncMs / 1000).toFixed(1)} s = <b>${r.throughput} req/s</b>; read-back ${r.readBackRequests} requests; cleanup ${r.cleanupRequests} requests.</p>`,
    `<h2>Over time</h2>`,
    // Reports written before the timeline existed have none.
    r.requests.timeline ? renderCharts(r.requests.timeline) : '<p>This report has no timeline.</p>',
    `<h2>Phases</h2>`,
    table(['phase', 'items', 'done', 'failed', 'seconds'], r.phases.map((p) => [p.name + (p.stopped ? ` (${p.stopped})` : ''), p.items, p.done, p.failed, (p.durationMs / 1000).toFixed(1)])),
    `<h2>Requests by kind</h2>`,
    table(['kind', 'count', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], r.requests.byKind.map((k) => [k.kind, k.count, k.errors, k.p50, k.p95, k.p99, k.max])),
    `<h2>Status codes and throttling</h2>`,
    table(['status', 'count'], Object.entries(r.requests.statuses)),
    table(
      ['429s', 'with Retry-After', 'honoured', 'not honoured', 'gave up', 'longest wait ms', 'retries', 'no answer'],
      [[t.count429, t.withRetryAfter, t.honoured, t.notHonoured, t.gaveUp, t.maxWaitMs, r.requests.retries, r.requests.networkErrors]],
    ),
  ];
  if (r.verdict) {
    const v = r.verdict;
    parts.push(
      `<h2>Read-back (${v.mode === 'list' ? 'prefix filter' : 'by id'})</h2>`,
      table(
        ['', 'expected', 'present', 'missing', 'duplicated', 'wrong', 'unexpected / extra'],
        [
          ['users', v.users.expected, v.users.present, v.users.missing, v.users.duplicated, v.users.wrong + v.users.deletedStillThere, v.users.unexpected],
          ['groups', v.groups.expected, v.groups.present, v.groups.missing, v.groups.duplicated, v.groups.wrong, v.groups.unexpected],
          ['memberships', v.memberships.expected, v.memberships.present, v.memberships.missing, v.memberships.duplicated, 0, v.memberships.extra],
        ],
      ),
    );
    if (v.problems.length) parts.push(`<p>${v.problemCount} problem(s)${v.problemCount > v.problems.length ? `, first ${v.problems.length}` : ''}:</p>`, list(v.problems));
  }
  if (r.failures.count) parts.push(`<h2>Failed IdP actions (${r.failures.count})</h2>`, list(r.failures.first));
  if (r.cleanup) parts.push(`<h2>Cleanup</h2><p>${r.cleanup.deleted} deleted; left behind: ${r.cleanup.leftBehind < 0 ? 'unknown' : r.cleanup.leftBehind}.</p>`, r.cleanup.problems.length ? list(r.cleanup.problems) : '');
  parts.push('</body></html>\n');
  return parts.join('\n');
}
