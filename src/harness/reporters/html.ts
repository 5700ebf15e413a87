/**
 * report.html: one self-contained page (no network: inline CSS and a few lines of inline JS). Summary,
 * a status filter, a table of every result, and for each failure/warning an expandable panel with
 * expected/actual, the transcript and the curl to reproduce. Everything from the report is HTML-escaped.
 */
import type { CheckResult, RunReport } from '../check.ts';
import { citeLink, show, STATUSES } from './common.ts';
import { transcriptText } from './transcript-text.ts';

function h(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
:root{--bg:#f7f7f9;--fg:#1d1d22;--muted:#666;--card:#fff;--line:#e3e3e8;--passed:#1a7f37;--failed:#cf222e;--warned:#9a6700;--skipped:#6e7781;--errored:#8250df}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{padding:20px 28px;background:var(--card);border-bottom:1px solid var(--line)}h1{font-size:20px;margin:0 0 4px}
.meta{color:var(--muted)}main{padding:20px 28px}.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:110px}
.card b{display:block;font-size:22px}.filters{margin:12px 0;display:flex;gap:8px;flex-wrap:wrap}
.filters button{border:1px solid var(--line);background:var(--card);border-radius:16px;padding:4px 12px;cursor:pointer}
.filters button.on{background:var(--fg);color:#fff}table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line)}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}th{background:#fafafa}
.st{font-weight:600;text-transform:uppercase;font-size:12px}.st.passed{color:var(--passed)}.st.failed{color:var(--failed)}
.st.warned{color:var(--warned)}.st.skipped{color:var(--skipped)}.st.errored{color:var(--errored)}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{white-space:pre-wrap;word-break:break-all;background:#f3f3f6;padding:8px;border-radius:6px;max-height:420px;overflow:auto}
details summary{cursor:pointer;color:var(--muted)}.msg{color:var(--muted)}.tag{font-size:11px;border:1px solid var(--line);border-radius:4px;padding:0 4px;margin-left:4px}
`;

const JS = `
document.querySelectorAll('.filters button').forEach(function(b){b.addEventListener('click',function(){
document.querySelectorAll('.filters button').forEach(function(o){o.classList.toggle('on',o===b)});
var s=b.getAttribute('data-status');document.querySelectorAll('tbody tr').forEach(function(tr){
tr.style.display=(s==='all'||tr.getAttribute('data-status')===s)?'':'none'})})});
`;

function detailPanel(r: CheckResult): string {
  const parts: string[] = [];
  if (r.expected !== undefined) parts.push(`<div><b>expected</b><pre>${h(show(r.expected, 8000))}</pre></div>`);
  if (r.actual !== undefined) parts.push(`<div><b>actual</b><pre>${h(show(r.actual, 8000))}</pre></div>`);
  if (r.transcript.length > 0) parts.push(`<div><b>transcript</b><pre>${h(transcriptText(r.transcript))}</pre></div>`);
  if (r.reproduce) parts.push(`<div><b>reproduce</b> <span class="msg">(export SCIMCHECK_TOKEN or SCIMCHECK_BASIC first)</span><pre>${h(r.reproduce)}</pre></div>`);
  if (parts.length === 0) return '';
  return `<details${r.status === 'failed' || r.status === 'errored' ? ' open' : ''}><summary>details</summary>${parts.join('')}</details>`;
}

function row(r: CheckResult, expected: ReadonlySet<string>): string {
  const url = citeLink(r.rfc);
  const cite = url ? `<a href="${h(url)}">${h(r.rfc)}</a>` : h(r.rfc);
  const tags = `${r.profile ? `<span class="tag">${h(r.profile)}</span>` : ''}${expected.has(r.id) ? '<span class="tag">expected by baseline</span>' : ''}`;
  const showDetail = r.status !== 'passed' && r.status !== 'skipped';
  return `<tr data-status="${h(r.status)}"><td class="st ${h(r.status)}">${h(r.status)}</td><td><code>${h(r.id)}</code>${tags}<div>${h(r.title)}</div>${r.message ? `<div class="msg">${h(r.message)}</div>` : ''}${showDetail ? detailPanel(r) : ''}</td><td>${cite}</td><td>${h(r.level)}</td><td>${h(r.suite)} / ${h(r.area)}</td><td>${r.durationMs}&nbsp;ms</td></tr>`;
}

export function renderHtml(report: RunReport): string {
  const s = report.summary;
  const expected = new Set(report.baseline?.expectedFailures ?? []);
  const cards = STATUSES.map((k) => `<div class="card"><span class="st ${k}">${k}</span><b>${s[k]}</b></div>`).join('');
  const filters = ['all', ...STATUSES].map((k, i) => `<button type="button" data-status="${k}"${i === 0 ? ' class="on"' : ''}>${k}${k === 'all' ? ` (${report.results.length})` : ` (${s[k as keyof typeof s]})`}</button>`).join('');
  const base = report.baseline
    ? `<p>Baseline: ${report.baseline.regressions.length} regression(s), ${report.baseline.expectedFailures.length} expected failure(s), ${report.baseline.fixed.length} fixed${report.baseline.fixed.length ? `: ${report.baseline.fixed.map((id) => `<code>${h(id)}</code>`).join(', ')}` : ''}.</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>scimcheck: ${h(report.target)}</title><style>${CSS}</style></head>
<body><header><h1>scimcheck report</h1><div class="meta">${h(report.target)} · scimcheck ${h(report.version)} · started ${h(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s · seed ${h(report.seed)}</div></header>
<main><div class="cards">${cards}</div>${base}<div class="filters">${filters}</div>
<table><thead><tr><th>status</th><th>check</th><th>RFC</th><th>level</th><th>suite / area</th><th>time</th></tr></thead>
<tbody>${report.results.map((r) => row(r, expected)).join('\n')}</tbody></table></main>
<script>${JS}</script></body></html>
`;
}
