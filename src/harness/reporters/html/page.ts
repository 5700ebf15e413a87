/**
 * The report page around the checks table: header, status cards, pass-rate bars per area, baseline and
 * comparison lists, the filter controls. Rendered here (escaped); the table itself is drawn by
 * report-client.js from the embedded JSON so filters, sort and expanded rows can live in the URL hash.
 */
import { readFileSync } from 'node:fs';
import type { Status } from '../../check.ts';
import { STATUSES } from '../common.ts';
import { escapeHtml as h, jsonForScript } from './escape.ts';
import type { AreaView, ReportView } from './view-model.ts';

const ICON: Record<Status, string> = { passed: '✓', failed: '✗', warned: '⚠', skipped: '○', errored: '‼' };

/** Read on each render (no module state); both files ship next to this one. */
function asset(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}

const hashLink = (params: Record<string, string>) => `#${new URLSearchParams(params).toString()}`;

function formatStart(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function areaRow(a: AreaView): string {
  const total = STATUSES.reduce((n, s) => n + a.counts[s], 0);
  const ran = total - a.counts.skipped;
  const rate = ran > 0 ? Math.round((a.counts.passed / ran) * 100) : undefined;
  const segs = STATUSES.filter((s) => a.counts[s] > 0)
    .map((s) => `<span class="s-${s}" style="width:${((a.counts[s] / total) * 100).toFixed(2)}%"></span>`)
    .join('');
  const words = STATUSES.filter((s) => a.counts[s] > 0).map((s) => `${a.counts[s]} ${s}`).join(', ');
  return `<a class="area${ran === 0 ? ' idle' : ''}" href="${h(hashLink({ area: a.name }))}" title="${h(words)}"><span class="name">${h(a.name)}</span><span class="bar" role="img" aria-label="${h(words)}">${segs}</span><span class="rate">${rate === undefined ? 'not run' : `${a.counts.passed}/${ran} · ${rate}%`}</span></a>`;
}

function idList(ids: readonly string[]): string {
  return `<ul class="idlist">${ids.map((id) => `<li><a href="${h(hashLink({ q: id, open: id }))}">${h(id)}</a></li>`).join('')}</ul>`;
}

function baselinePanel(v: ReportView): string {
  const b = v.baseline;
  if (!b) return '';
  const part = (title: string, ids: string[], none: string) => `<h3>${h(title)} (${ids.length})</h3>${ids.length ? idList(ids) : `<p class="msg">${h(none)}</p>`}`;
  return `<section class="panel" aria-labelledby="bl"><h2 id="bl" style="margin-top:4px">Against the baseline</h2>${part('✗ Regressions: failing and not in the baseline', b.regressions, 'None: every failure is a known one.')}${part('✓ Fixed: in the baseline, passing now (remove them from it)', b.fixed, 'None.')}<p class="msg">${b.expectedFailures.length} expected failure(s) listed in the baseline still fail.</p></section>`;
}

function comparisonPanel(v: ReportView): string {
  const c = v.comparison;
  if (!c) return '';
  const part = (title: string, change: string, ids: string[]) =>
    `<h3><a href="${h(hashLink({ change }))}">${h(title)}</a> (${ids.length})</h3>${ids.length ? idList(ids) : '<p class="msg">None.</p>'}`;
  return `<section class="panel" aria-labelledby="cmp"><h2 id="cmp" style="margin-top:4px">Compared with the run of ${h(formatStart(c.previous.startedAt))}</h2><p class="msg">earlier target ${h(c.previous.target)} · scimcheck ${h(c.previous.version)}</p>${part('✗ Newly failing', 'newly-failing', c.newlyFailing)}${c.newChecks.length ? part('✗ New checks (not in the earlier run), failing', 'new', c.newChecks) : ''}${part('✓ Fixed', 'fixed', c.fixed)}${part('… Still failing', 'still-failing', c.stillFailing)}${c.notRun.length ? part('○ Failing before, not run now', 'not-run', c.notRun) : ''}</section>`;
}

/** Root causes before anything else (issue 10 #4), server-rendered so they read without JavaScript. */
function causesPanel(v: ReportView): string {
  const items = v.causes.items;
  if (items.length === 0) return '';
  const open = (id: string) => h(hashLink({ q: id, open: id }));
  const li = (c: ReportView['causes']['items'][number]) => {
    const rfc = c.citeUrl ? `<a href="${h(c.citeUrl)}" target="_blank" rel="noopener">${h(c.rfc)}</a>` : h(c.rfc);
    const deps = c.dependents.length
      ? `<details><summary>${c.dependents.length} more failing check${c.dependents.length === 1 ? '' : 's'} with this cause</summary><ul class="deps">${c.dependents
          .map((d) => `<li><a class="mono" href="${open(d.id)}">${h(d.id)}</a>${d.message ? ` <span class="msg">${h(d.message)}</span>` : ''}</li>`)
          .join('')}</ul></details>`
      : '';
    const blocked = c.blocked.length
      ? `<details><summary>${c.blocked.length} blocked (skipped, not counted)</summary>${idList(c.blocked)}</details>`
      : '';
    return `<li class="cause"><div><span class="status s-${c.status}"><span class="ic" aria-hidden="true">${ICON[c.status]}</span>${c.status}</span> <a class="mono" href="${open(c.id)}">${h(c.id)}</a> · ${rfc} · ${h(c.level)}</div><div class="title">${h(c.title)}</div>${c.message ? `<div class="msg">${h(c.message)}</div>` : ''}${c.likely ? `<div class="likely">likely: ${h(c.likely)}</div>` : ''}${deps}${blocked}</li>`;
  };
  return `<section class="panel" aria-labelledby="rc"><h2 id="rc" style="margin-top:4px">${h(v.causes.headline)}</h2><ol class="causes">${items.map(li).join('')}</ol></section>`;
}

function leftBehindPanel(v: ReportView): string {
  return v.leftBehind ? `<section class="panel" aria-labelledby="lb"><h2 id="lb" style="margin-top:4px">Cleanup</h2><p class="msg">${h(v.leftBehind)}</p></section>` : '';
}

function options(values: readonly string[], all: string, label: (v: string) => string = (x) => x): string {
  return [`<option value="">${h(all)}</option>`, ...values.map((x) => `<option value="${h(x)}">${h(label(x))}</option>`)].join('');
}

function controls(v: ReportView): string {
  const chips = STATUSES.map(
    (s) => `<button type="button" class="chip s-${s}" data-filter-status="${s}" aria-pressed="false">${ICON[s]} ${s} <span class="mono">${v.summary[s]}</span></button>`,
  ).join('');
  const profiles = [...new Set(v.results.map((r) => r.profile).filter((p): p is string => !!p))].sort();
  const changes = v.comparison ? ['newly-failing', 'new', 'fixed', 'still-failing', 'not-run'] : [];
  const changeLabel: Record<string, string> = { 'newly-failing': 'newly failing', new: 'new', fixed: 'fixed', 'still-failing': 'still failing', 'not-run': 'not run now' };
  return `<div class="controls" role="search" aria-label="filter checks">
<div class="chips" role="group" aria-label="status">${chips}</div>
<label>area <select id="f-area">${options(v.areas.map((a) => a.name), 'all areas')}</select></label>
<label>level <select id="f-level">${options(['MUST', 'SHOULD', 'MAY'], 'all levels')}</select></label>
${profiles.length ? `<label>IdP profile <select id="f-profile">${options(profiles, 'all profiles')}</select></label>` : ''}
${changes.length ? `<label>change <select id="f-change">${options(changes, 'any change', (c) => changeLabel[c] ?? c)}</select></label>` : ''}
<label><span class="sr">search</span><input id="f-q" type="search" placeholder="search id, title, message…" aria-label="search checks"></label>
<button type="button" id="f-reset">reset</button>
<span class="shown" id="shown" aria-live="polite"></span>
</div>`;
}

/**
 * The table before the script runs (issue 12: readable with JavaScript off): every failing (failed or errored)
 * result with its message and clause, then a line saying where the rest is. The script replaces all of it.
 */
function staticRows(v: ReportView): string {
  const failing = v.results.filter((r) => r.status === 'failed' || r.status === 'errored');
  const rows = failing.map((r) => {
    const rfc = r.cite ? `<a href="${h(r.cite.url)}" target="_blank" rel="noopener">${h(r.rfc)}</a>` : h(r.rfc);
    const msg = r.message ? `<div class="msg">${h(r.message.split('\n')[0] ?? '')}</div>` : '';
    return `<tr class="static" data-id="${h(r.id)}"><td>${ICON[r.status]} ${r.status}</td><td><span class="mono">${h(r.id)}</span>${r.profile ? ` (${h(r.profile)})` : ''}<div>${h(r.title)}</div>${msg}</td><td>${h(r.bucket)}</td><td>${r.level}</td><td>${rfc}</td><td class="num">${r.durationMs} ms</td></tr>`;
  });
  const rest = v.results.length - failing.length;
  const note = `${failing.length > 0 ? `Above: the ${failing.length} failing check${failing.length === 1 ? '' : 's'}. ` : ''}${rest} other result${rest === 1 ? ' is' : 's are'} listed with JavaScript on; report.json next to this file holds every result.`;
  return `${rows.join('')}<tr class="static"><td colspan="6" class="empty">${note}</td></tr>`;
}

export function renderPage(v: ReportView): string {
  const failing = v.summary.failed + v.summary.errored;
  const regressions = v.baseline?.regressions.length;
  const verdict =
    regressions !== undefined
      ? regressions > 0
        ? `<div class="verdict bad">✗ ${regressions} regression${regressions === 1 ? '' : 's'} against the baseline</div>`
        : `<div class="verdict good">✓ no regressions against the baseline${failing ? ` (${failing} known failure${failing === 1 ? '' : 's'})` : ''}</div>`
      : failing > 0
        ? `<div class="verdict bad">✗ ${h(v.causes.headline)}</div>`
        : '<div class="verdict good">✓ every required check passed</div>';
  const cards = STATUSES.map(
    (s) => `<a class="card s-${s}" href="${h(hashLink({ status: s }))}"><span class="w">${ICON[s]} ${s}</span><span class="n">${v.summary[s]}</span></a>`,
  ).join('');
  const th = (key: string, label: string, cls = '') => `<th scope="col" data-sort="${key}"${cls ? ` class="${cls}"` : ''}><button type="button">${label}</button></th>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>scimcheck · ${h(v.target)} · ${failing} failing</title>
<style>${asset('report.css')}</style></head>
<body>
<header class="top"><div class="wrap">
<div class="brand">scimcheck conformance report</div>
<h1>${h(v.target)}</h1>
<dl class="meta"><div><dt>started</dt><dd>${h(formatStart(v.startedAt))}</dd></div><div><dt>duration</dt><dd>${h(formatDuration(v.durationMs))}</dd></div><div><dt>checks</dt><dd>${v.results.length}</dd></div><div><dt>seed</dt><dd>${h(v.seed)}</dd></div><div><dt>scimcheck</dt><dd>${h(v.version)}</dd></div></dl>
${verdict}
</div></header>
<main class="wrap">
${causesPanel(v)}${leftBehindPanel(v)}
<nav class="cards" aria-label="counts by status">${cards}</nav>
<h2>Pass rate by area</h2>
<div class="areas">${v.areas.map(areaRow).join('')}</div>
${baselinePanel(v)}${comparisonPanel(v)}
<h2 id="checks-h">Checks</h2>
${controls(v)}
<table class="checks" aria-labelledby="checks-h"><thead><tr>${th('status', 'status')}${th('id', 'check')}${th('area', 'area')}${th('level', 'level')}${th('rfc', 'RFC')}${th('time', 'time', 'num')}</tr></thead>
<tbody id="rows">${staticRows(v)}</tbody></table>
<div id="live" class="sr" aria-live="polite"></div>
<footer>Rows are keyboard reachable: Tab to a row, Enter to open it, ↑/↓ to move. The view is kept in the address, so a link opens the same filters and row. Credentials are redacted from every transcript.</footer>
</main>
<script type="application/json" id="report-data">${jsonForScript(v)}</script>
<script>${asset('report-client.js')}</script>
</body></html>
`;
}
