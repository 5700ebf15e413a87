// The report page's script: renders the checks table from the embedded JSON, keeps filters, sort and
// the expanded row in the URL hash, and builds each detail panel on demand. Data only ever reaches the
// page through textContent / attribute setters: never as HTML.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var results = data.results;
  results.forEach(function (r, i) { r.index = i; });
  var ICON = { passed: '✓', failed: '✗', warned: '⚠', skipped: '○', errored: '‼' };
  var SEVERITY = { failed: 0, errored: 1, warned: 2, passed: 3, skipped: 4 };
  var LEVEL = { MUST: 0, SHOULD: 1, MAY: 2 };
  var CHANGE = { 'newly-failing': 'newly failing', new: 'new', fixed: 'fixed', 'still-failing': 'still failing', 'not-run': 'not run now' };
  var BASELINE = { regression: 'regression', expected: 'expected by baseline', fixed: 'fixed since baseline' };
  var tbody = document.getElementById('rows');
  var shown = document.getElementById('shown');
  var live = document.getElementById('live');

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') n.textContent = String(v);
      else if (k === 'class') n.className = v;
      else n.setAttribute(k, String(v));
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return n;
  }

  // ---- state <-> hash -------------------------------------------------------------------------
  function readState() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ''));
    var list = function (k) { var v = p.get(k); return v ? v.split(',').filter(Boolean) : []; };
    return {
      status: list('status'), area: p.get('area') || '', level: p.get('level') || '', profile: p.get('profile') || '',
      change: p.get('change') || '', q: p.get('q') || '', sort: p.get('sort') || 'status', dir: p.get('dir') === 'desc' ? 'desc' : 'asc',
      open: p.get('open') || ''
    };
  }
  function writeState(s) {
    var p = new URLSearchParams();
    if (s.status.length) p.set('status', s.status.join(','));
    ['area', 'level', 'profile', 'change', 'q'].forEach(function (k) { if (s[k]) p.set(k, s[k]); });
    if (s.sort !== 'status' || s.dir !== 'asc') { p.set('sort', s.sort); p.set('dir', s.dir); }
    if (s.open) p.set('open', s.open);
    var h = p.toString();
    history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
    render(s);
  }
  function update(change) {
    var s = readState();
    Object.keys(change).forEach(function (k) { s[k] = change[k]; });
    writeState(s);
  }

  // ---- filtering and sorting ------------------------------------------------------------------
  function matches(r, s) {
    if (s.status.length && s.status.indexOf(r.status) < 0) return false;
    if (s.area && r.bucket !== s.area && r.area !== s.area) return false;
    if (s.level && r.level !== s.level) return false;
    if (s.profile && r.profile !== s.profile) return false;
    if (s.change && r.change !== s.change && !(s.change === 'regression' && r.baseline === 'regression')) return false;
    if (s.q) {
      var hay = [r.id, r.title, r.message || '', r.rfc, r.area, r.profile || '', r.status].join('\n').toLowerCase();
      var words = s.q.toLowerCase().split(/\s+/).filter(Boolean);
      for (var i = 0; i < words.length; i++) if (hay.indexOf(words[i]) < 0) return false;
    }
    return true;
  }
  var KEYS = {
    status: function (r) { return SEVERITY[r.status]; },
    id: function (r) { return r.id; },
    area: function (r) { return r.bucket; },
    level: function (r) { return LEVEL[r.level]; },
    rfc: function (r) { return r.rfc.replace(/\d+/g, function (d) { return ('00000' + d).slice(-5); }); },
    time: function (r) { return r.durationMs; }
  };
  function sorted(list, s) {
    var key = KEYS[s.sort] || KEYS.status;
    var sign = s.dir === 'desc' ? -1 : 1;
    return list.slice().sort(function (a, b) {
      var ka = key(a), kb = key(b);
      if (ka < kb) return -sign;
      if (ka > kb) return sign;
      return a.index - b.index;
    });
  }

  // ---- the table ------------------------------------------------------------------------------
  function statusBadge(status) {
    return el('span', { class: 'status s-' + status }, [el('span', { class: 'ic', 'aria-hidden': 'true', text: ICON[status] }), status]);
  }
  function rowFor(r, open) {
    var tags = [];
    if (r.profile) tags.push(el('span', { class: 'tag', text: r.profile }));
    if (r.baseline) tags.push(el('span', { class: 'tag ' + r.baseline, text: BASELINE[r.baseline] }));
    if (r.change) tags.push(el('span', { class: 'tag ' + r.change, text: CHANGE[r.change] }));
    if (r.rootCause) tags.push(el('span', { class: 'tag', text: (r.status === 'skipped' ? 'blocked, root cause ' : 'root cause ') + r.rootCause }));
    var tr = el('tr', { class: 'row s-' + r.status, tabindex: '0', 'aria-expanded': open ? 'true' : 'false', 'data-id': r.id, 'data-status': r.status }, [
      el('td', null, [statusBadge(r.status)]),
      el('td', null, [
        el('div', null, [el('span', { class: 'title', text: r.title })].concat(tags)),
        el('div', { class: 'cid mono', text: r.id }),
        r.message ? el('div', { class: 'msg', text: r.message.length > 300 ? r.message.slice(0, 300) + '…' : r.message }) : null
      ]),
      el('td', { text: r.bucket }),
      el('td', { text: r.level }),
      el('td', null, [r.cite ? el('a', { href: r.cite.url, target: '_blank', rel: 'noopener', text: r.rfc, title: r.cite.title || '' }) : r.rfc]),
      el('td', { class: 'num', text: r.durationMs + ' ms' })
    ]);
    return tr;
  }

  function render(s) {
    // Controls mirror the state (so a link opens the same view).
    document.querySelectorAll('[data-filter-status]').forEach(function (b) {
      b.setAttribute('aria-pressed', s.status.indexOf(b.getAttribute('data-filter-status')) >= 0 ? 'true' : 'false');
    });
    ['area', 'level', 'profile', 'change'].forEach(function (k) { var c = document.getElementById('f-' + k); if (c) c.value = s[k]; });
    var q = document.getElementById('f-q');
    if (document.activeElement !== q) q.value = s.q;
    document.querySelectorAll('th[data-sort]').forEach(function (th) {
      var k = th.getAttribute('data-sort');
      if (k === s.sort) th.setAttribute('aria-sort', s.dir === 'desc' ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
    var list = sorted(results.filter(function (r) { return matches(r, s); }), s);
    var focusedId = document.activeElement && document.activeElement.getAttribute && document.activeElement.getAttribute('data-id');
    tbody.textContent = '';
    list.forEach(function (r) {
      var open = s.open === r.id;
      var tr = rowFor(r, open);
      tbody.appendChild(tr);
      if (open) tbody.appendChild(detailRow(r));
    });
    if (list.length === 0) tbody.appendChild(el('tr', null, [el('td', { colspan: '6', class: 'empty', text: 'No check matches these filters.' })]));
    shown.textContent = list.length + ' of ' + results.length + ' checks';
    if (focusedId) { var f = tbody.querySelector('tr.row[data-id="' + CSS.escape(focusedId) + '"]'); if (f) f.focus(); }
  }

  // ---- the detail panel -----------------------------------------------------------------------
  function section(label, body, extra) {
    return el('div', { class: 'sect' }, [el('div', { class: 'lbl' }, [label].concat(extra || []))].concat(body));
  }
  function pretty(text) {
    if (text === undefined || text === null) return '';
    var t = String(text);
    try { var v = JSON.parse(t); if (v !== null && typeof v === 'object') return JSON.stringify(v, null, 2); } catch (e) { /* not JSON */ }
    return t;
  }
  function headerList(h) {
    var box = el('div', { class: 'hdrs mono' });
    Object.keys(h || {}).forEach(function (k) {
      box.appendChild(el('span', { class: 'k', text: k + ':' }));
      box.appendChild(el('span', { class: 'v', text: h[k] }));
    });
    return box;
  }
  function exchange(t, i, open) {
    var res = t.response;
    var summaryText = (i + 1) + '. ' + t.request.method + ' ' + t.request.url;
    var outcome = res.error !== undefined ? 'no response: ' + res.error : 'HTTP ' + res.status;
    var body = el('div', { class: 'body' }, [
      el('div', null, [el('div', { class: 'lbl mono', text: '→ ' + t.request.method + ' ' + t.request.url }), headerList(t.request.headers),
        t.request.body !== undefined && t.request.body !== '' ? el('pre', { text: pretty(t.request.body) }) : null]),
      el('div', null, res.error !== undefined ? [el('div', { class: 'lbl', text: '← ' + outcome })] : [
        el('div', { class: 'lbl mono', text: '← ' + outcome }), headerList(res.headers),
        res.body !== undefined && res.body !== '' ? el('pre', { text: pretty(res.body) }) : null])
    ]);
    var d = el('details', { class: 'x' }, [el('summary', null, [el('span', { class: 'mono', text: summaryText }), ' → ', el('span', { class: 'code', text: outcome })]), body]);
    d.open = !!open;
    return d;
  }
  function diffView(lines) {
    var box = el('div', { class: 'diff mono', role: 'region', 'aria-label': 'differences: lines starting with minus are expected only, plus are actual only' });
    lines.forEach(function (l) {
      var sign = l.op === 'del' ? '− ' : l.op === 'add' ? '+ ' : l.op === 'fold' ? '⋯ ' : '  ';
      box.appendChild(el('div', { class: l.op, text: sign + l.text }));
    });
    return box;
  }
  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var ta = el('textarea', { class: 'sr', 'aria-hidden': 'true' });
      ta.value = text; document.body.appendChild(ta); ta.select();
      var ok = document.execCommand('copy'); document.body.removeChild(ta);
      if (ok) resolve(); else reject(new Error('copy refused'));
    });
  }
  function detailRow(r) {
    var parts = [];
    // The row shows the first 300 characters; a longer message gets its own section.
    if (r.message && r.message.length > 300) parts.push(section('message', [el('pre', { text: r.message })]));
    if (r.cite) {
      var heading = [el('a', { href: r.cite.url, target: '_blank', rel: 'noopener', text: r.rfc.replace(/^RFC(\d)/, 'RFC $1') + (r.cite.title ? ' — ' + r.cite.title : '') })];
      parts.push(section('specification', [el('div', null, heading), r.cite.quote ? el('blockquote', { text: r.cite.quote }) : null, el('div', { class: 'msg', text: r.level + ' · ' + r.suite + ' · ' + r.area + (r.profile ? ' · ' + r.profile : '') })]));
    }
    if (r.diff) {
      parts.push(section('expected vs actual', [diffView(r.diff)], [el('span', { class: 'legend' }, [el('span', { class: 'd', text: '− expected' }), ' ', el('span', { class: 'a', text: '+ actual' })])]));
    } else if (r.expected !== undefined || r.actual !== undefined) {
      parts.push(el('div', { class: 'pair' }, [
        r.expected !== undefined ? section('expected', [el('pre', { text: r.expected })]) : null,
        r.actual !== undefined ? section('actual', [el('pre', { text: r.actual })])
          : section('actual', [el('pre', { class: 'absent', text: '(no value: absent from the answer, or not recorded)' })])
      ]));
    }
    if (r.shrunk) parts.push(section('shrunk counterexample', [el('pre', { class: 'shrunk', text: r.shrunk })]));
    if (r.reproduce) {
      var note = el('span', { class: 'copied', role: 'status' });
      var btn = el('button', { type: 'button', class: 'copy-curl', 'data-curl': r.reproduce, text: 'Copy curl' });
      btn.addEventListener('click', function (ev) {
        ev.stopPropagation();
        copyText(btn.getAttribute('data-curl')).then(function () { note.textContent = '✓ copied'; live.textContent = 'curl command copied'; },
          function () { note.textContent = 'copy refused by the browser: select the text'; });
      });
      parts.push(section('reproduce', [el('pre', { class: 'curl', text: r.reproduce }), el('div', { class: 'msg', text: 'Set SCIMCHECK_TOKEN (or SCIMCHECK_BASIC) in your shell first: credentials are never written into reports.' })], [btn, note]));
    }
    if (r.transcript.length) {
      var many = r.transcript.length > 3;
      parts.push(section('transcript (' + r.transcript.length + ' exchange' + (r.transcript.length === 1 ? '' : 's') + ')', r.transcript.map(function (t, i) {
        return exchange(t, i, !many || i === r.transcript.length - 1);
      })));
    }
    if (!parts.length) parts.push(el('div', { class: 'msg', text: 'Nothing recorded for this check.' }));
    return el('tr', { class: 'detail s-' + r.status }, [el('td', { colspan: '6' }, parts)]);
  }

  // ---- wiring ---------------------------------------------------------------------------------
  document.querySelectorAll('[data-filter-status]').forEach(function (b) {
    b.addEventListener('click', function () {
      var s = readState(), k = b.getAttribute('data-filter-status'), i = s.status.indexOf(k);
      if (i >= 0) s.status.splice(i, 1); else s.status.push(k);
      writeState(s);
    });
  });
  ['area', 'level', 'profile', 'change'].forEach(function (k) {
    var c = document.getElementById('f-' + k);
    if (c) c.addEventListener('change', function () { var o = {}; o[k] = c.value; update(o); });
  });
  document.getElementById('f-q').addEventListener('input', function (e) { update({ q: e.target.value }); });
  document.getElementById('f-reset').addEventListener('click', function () { writeState({ status: [], area: '', level: '', profile: '', change: '', q: '', sort: 'status', dir: 'asc', open: '' }); });
  document.querySelectorAll('th[data-sort] button').forEach(function (b) {
    b.addEventListener('click', function () {
      var s = readState(), k = b.parentNode.getAttribute('data-sort');
      if (s.sort === k) s.dir = s.dir === 'asc' ? 'desc' : 'asc'; else { s.sort = k; s.dir = 'asc'; }
      writeState(s);
    });
  });
  function toggle(tr) {
    var id = tr.getAttribute('data-id'), s = readState();
    s.open = s.open === id ? '' : id;
    writeState(s);
    var again = tbody.querySelector('tr.row[data-id="' + CSS.escape(id) + '"]');
    if (again) again.focus();
  }
  tbody.addEventListener('click', function (e) {
    if (e.target.closest('a, button, pre, details, .diff')) return;
    var tr = e.target.closest('tr.row');
    if (tr) toggle(tr);
  });
  tbody.addEventListener('keydown', function (e) {
    var tr = e.target.closest && e.target.closest('tr.row');
    if (!tr || e.target !== tr) return;
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(tr); }
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      var rows = Array.prototype.slice.call(tbody.querySelectorAll('tr.row'));
      var next = rows[rows.indexOf(tr) + (e.key === 'ArrowDown' ? 1 : -1)];
      if (next) next.focus();
    }
  });
  window.addEventListener('hashchange', function () {
    var s = readState();
    render(s);
    if (s.open) { var tr = tbody.querySelector('tr.row[data-id="' + CSS.escape(s.open) + '"]'); if (tr) { tr.scrollIntoView({ block: 'start' }); tr.focus(); } }
  });
  var first = readState();
  render(first);
  if (first.open) { var openRow = tbody.querySelector('tr.row[data-id="' + CSS.escape(first.open) + '"]'); if (openRow) openRow.scrollIntoView({ block: 'start' }); }
})();
