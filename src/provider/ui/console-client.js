// The console page's script: loads users and groups, follows the request log over a Server-Sent Events
// stream (read with fetch so it can carry an Authorization header), and re-reads the directory after
// each successful write. Data reaches the page through textContent only, never as HTML.
(function () {
  'use strict';
  var basePath = document.body.getAttribute('data-base-path') || '';
  var token = new URLSearchParams(location.search).get('token');
  // A ?token= authenticates the data requests as a bearer header; Basic is sent by the browser itself.
  var headers = token ? { Authorization: 'Bearer ' + token } : {};
  var logBody = document.querySelector('#log tbody');
  var lastSeq = 0;
  var seen = 0;
  var conn = document.getElementById('conn');
  var connText = document.getElementById('conn-text');
  document.getElementById('base').textContent = location.origin + basePath;
  document.querySelectorAll('[data-api]').forEach(function (n) { n.textContent = basePath + n.getAttribute('data-api'); });

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') n.textContent = String(v); else if (k === 'class') n.className = v; else n.setAttribute(k, String(v));
    });
    (children || []).forEach(function (c) { if (c !== null && c !== undefined && c !== false) n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return n;
  }
  function setConn(state, text) { conn.className = 'conn ' + state; connText.textContent = text; }

  // ---- users and groups ------------------------------------------------------------------------
  var loading = false, again = false;
  function loadDirectory() {
    if (loading) { again = true; return; }
    loading = true;
    fetch('/ui/api/state', { headers: headers, credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(renderDirectory)
      .catch(function (e) { setConn('down', 'cannot load the directory: ' + e.message); })
      .then(function () { loading = false; if (again) { again = false; loadDirectory(); } });
  }
  function renderDirectory(d) {
    var ub = document.querySelector('#users tbody'), gb = document.querySelector('#groups tbody');
    ub.textContent = ''; gb.textContent = '';
    d.users.forEach(function (u) {
      ub.appendChild(el('tr', { 'data-id': u.id }, [
        el('td', null, [el('div', { class: 'mono', text: u.userName }), el('div', { class: 'uid mono', text: u.id })]),
        el('td', null, [u.displayName || u.name || '', u.emails.length ? el('div', { class: 'uid', text: u.emails.join(', ') }) : null]),
        el('td', null, [u.active === undefined ? '—' : el('span', { class: u.active ? 'yes' : 'no', text: u.active ? '✓ active' : '✗ inactive' })]),
        el('td', null, u.groups.length ? u.groups.map(function (g) { return el('span', { class: 'pill', text: g.displayName }); }) : ['—'])
      ]));
    });
    d.groups.forEach(function (g) {
      gb.appendChild(el('tr', { 'data-id': g.id }, [
        el('td', null, [el('div', { text: g.displayName }), el('div', { class: 'uid mono', text: g.id })]),
        el('td', null, [el('div', { class: 'uid mcount', text: g.members.length + ' member' + (g.members.length === 1 ? '' : 's') })].concat(
          g.members.map(function (m) { return el('span', { class: 'pill mono', title: m.value, text: m.display || m.value }); })))
      ]));
    });
    document.getElementById('users-count').textContent = d.users.length;
    document.getElementById('groups-count').textContent = d.groups.length;
    document.getElementById('users-empty').hidden = d.users.length > 0;
    document.getElementById('groups-empty').hidden = d.groups.length > 0;
  }

  // ---- the request log ---------------------------------------------------------------------------
  function pretty(t) {
    if (!t) return '';
    try { var v = JSON.parse(t); if (v !== null && typeof v === 'object') return JSON.stringify(v, null, 2); } catch (e) { /* not JSON */ }
    return t;
  }
  function message(label, m) {
    var box = el('div', { class: 'hdrs mono' });
    Object.keys(m.headers).forEach(function (k) { box.appendChild(el('span', { class: 'k', text: k + ':' })); box.appendChild(el('span', { class: 'v', text: m.headers[k] })); });
    return el('div', null, [el('div', { class: 'lbl', text: label }), box, m.body ? el('pre', { text: pretty(m.body) }) : el('div', { class: 'uid', text: '(no body)' })]);
  }
  // Findings of a graded exchange (serve --grade-clients, proxy; issue 14): worst level first, one line each.
  var LEVELS = ['MUST', 'SHOULD', 'MAY', 'INFO'];
  function byLevel(findings) {
    return findings.slice().sort(function (a, b) { return LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level); });
  }
  function findingBadge(findings) {
    if (!findings || !findings.length) return null;
    var worst = byLevel(findings)[0].level;
    var n = findings.filter(function (f) { return f.level === worst; }).length;
    return el('span', { class: 'fb f-' + worst, title: findings.length + ' finding' + (findings.length === 1 ? '' : 's'), text: n + ' ' + worst + (findings.length > n ? ' +' + (findings.length - n) : '') });
  }
  function findingList(findings) {
    if (!findings) return null;
    if (!findings.length) return el('div', { class: 'uid findings-none', text: 'graded: no findings' });
    return el('ul', { class: 'findings' }, byLevel(findings).map(function (f) {
      return el('li', { class: 'f-' + f.level }, [
        el('span', { class: 'lvl', text: f.level }), ' ', el('span', { class: 'side', text: f.side }), ' ',
        el('span', { class: 'mono', text: f.id }), ' ', el('span', { text: f.message }), ' ', el('span', { class: 'uid', text: f.rfc })
      ]);
    }));
  }
  function toggle(tr, e) {
    var open = tr.getAttribute('aria-expanded') === 'true';
    var next = tr.nextSibling;
    if (open) { if (next && next.classList.contains('detail')) next.remove(); tr.setAttribute('aria-expanded', 'false'); return; }
    tr.setAttribute('aria-expanded', 'true');
    tr.after(el('tr', { class: 'detail' }, [el('td', { colspan: '5' }, [findingList(e.findings), el('div', { class: 'pair' }, [message('request', e.request), message('response · HTTP ' + e.status, e.response)])])]));
  }
  function addEntry(e) {
    if (e.seq <= lastSeq) return;
    lastSeq = e.seq;
    seen++;
    document.getElementById('log-count').textContent = seen;
    document.getElementById('log-empty').hidden = true;
    var time = e.time.slice(11, 23);
    var tr = el('tr', { class: 'req fresh', tabindex: '0', 'aria-expanded': 'false', 'data-seq': e.seq, 'data-method': e.method, 'data-status': e.status }, [
      el('td', { class: 'mono', text: time, title: e.time }),
      el('td', null, [el('span', { class: 'm', text: e.method })]),
      el('td', { class: 'path mono', text: e.path }),
      el('td', null, [el('span', { class: 'st s' + String(e.status).charAt(0), text: e.status }), findingBadge(e.findings)]),
      el('td', { class: 'num', text: e.durationMs })
    ]);
    tr.addEventListener('click', function () { toggle(tr, e); });
    tr.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); toggle(tr, e); } });
    logBody.insertBefore(tr, logBody.firstChild);
    if (e.method !== 'GET' && e.status >= 200 && e.status < 300) loadDirectory();
  }
  document.getElementById('clear').addEventListener('click', function () {
    logBody.textContent = ''; seen = 0; document.getElementById('log-count').textContent = '0'; document.getElementById('log-empty').hidden = false;
  });

  // ---- the event stream ----------------------------------------------------------------------------
  var paused = [];
  var pause = document.getElementById('pause');
  pause.addEventListener('change', function () { if (!pause.checked) { paused.splice(0).forEach(addEntry); } });
  // The server drops a stream that fell behind its request log (it keeps the newest entries only) and,
  // on reconnect, says how many requests are gone: shown as a gap row so the log never looks complete.
  function gap(n) {
    logBody.insertBefore(el('tr', { class: 'gap' }, [el('td', { colspan: '5', class: 'uid', text: n + ' request' + (n === 1 ? '' : 's') + ' not shown: the console fell behind' })]), logBody.firstChild);
  }
  function onEvent(name, data) {
    if (name === 'missed') { gap(JSON.parse(data).missed); return; }
    if (name === 'dropped') { setConn('down', 'fell behind, reconnecting…'); return; }
    if (name !== 'request') return;
    var entry = JSON.parse(data);
    if (pause.checked) paused.push(entry); else addEntry(entry);
  }
  function connect() {
    setConn('', 'connecting…');
    fetch('/ui/api/events?after=' + lastSeq, { headers: headers, credentials: 'same-origin', cache: 'no-store' }).then(function (res) {
      if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
      setConn('live', 'live');
      var reader = res.body.getReader(), dec = new TextDecoder(), buf = '';
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) throw new Error('stream ended');
          buf += dec.decode(r.value, { stream: true });
          var i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            var block = buf.slice(0, i); buf = buf.slice(i + 2);
            var name = 'message', data = [];
            block.split('\n').forEach(function (line) {
              if (line.indexOf('event:') === 0) name = line.slice(6).trim();
              else if (line.indexOf('data:') === 0) data.push(line.slice(5).replace(/^ /, ''));
            });
            if (data.length) onEvent(name, data.join('\n'));
          }
          return pump();
        });
      }
      return pump();
    }).catch(function (e) {
      setConn('down', 'disconnected (' + e.message + '), retrying…');
      setTimeout(connect, 2000);
    });
  }
  loadDirectory();
  connect();
})();
