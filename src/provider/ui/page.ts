/**
 * The console page: one self-contained HTML document (inline CSS and script, nothing fetched but its
 * own data endpoints). The page holds no data and no credential: the script loads both at run time.
 */
import { readFileSync } from 'node:fs';

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Read per render (no module state); the files sit next to this one. */
function asset(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}

export function consolePage(opts: { basePath: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>scimcheck provider console</title>
<style>${asset('console.css')}</style></head>
<body data-base-path="${escapeHtml(opts.basePath)}">
<header class="bar">
  <div><span class="brand">scimcheck</span> <span class="sub">provider console</span></div>
  <div class="base mono" id="base"></div>
  <div class="conn" id="conn" role="status" aria-live="polite"><span class="dot" aria-hidden="true"></span><span id="conn-text">connecting…</span></div>
</header>
<main class="grid">
  <section class="col" aria-labelledby="users-h">
    <div class="head"><h2 id="users-h">Users <span class="count" id="users-count">0</span></h2></div>
    <div class="scroll"><table class="data" id="users"><thead><tr><th scope="col">userName</th><th scope="col">name</th><th scope="col">active</th><th scope="col">groups</th></tr></thead><tbody></tbody></table>
    <p class="empty" id="users-empty">No users yet. POST one to <span class="mono" data-api="/Users"></span>.</p></div>
    <div class="head"><h2 id="groups-h">Groups <span class="count" id="groups-count">0</span></h2></div>
    <div class="scroll"><table class="data" id="groups"><thead><tr><th scope="col">displayName</th><th scope="col">members</th></tr></thead><tbody></tbody></table>
    <p class="empty" id="groups-empty">No groups yet.</p></div>
  </section>
  <section class="col" aria-labelledby="log-h">
    <div class="head"><h2 id="log-h">Requests <span class="count" id="log-count">0</span></h2>
      <div class="tools"><label><input type="checkbox" id="pause"> pause</label><button type="button" id="clear">clear</button></div></div>
    <div class="scroll log"><table class="data" id="log"><thead><tr><th scope="col">time</th><th scope="col">method</th><th scope="col">path</th><th scope="col">status</th><th scope="col" class="num">ms</th></tr></thead><tbody></tbody></table>
    <p class="empty" id="log-empty">Waiting for requests… they appear here as they arrive.</p></div>
  </section>
</main>
<footer>Credentials and passwords are redacted from the log. Select a request (Enter) to see its headers and bodies.</footer>
<script>${asset('console-client.js')}</script>
</body></html>
`;
}
