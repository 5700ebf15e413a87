/**
 * A bash script that replays a shrunk run against an empty target: server-assigned ids are captured
 * from each 201 answer into shell variables and substituted into later requests, so the script does not
 * depend on the ids the original run happened to get. Credentials come from the environment.
 */
import type { TranscriptEntry } from '../check.ts';
import { shellQuote } from '../curl.ts';

const SKIP = new Set(['content-length', 'host', 'connection', 'user-agent', 'authorization', 'accept']);

/** Text with every known id replaced by its variable, quoted for the shell. */
function quoteWithVars(text: string, vars: Map<string, string>): string {
  if (vars.size === 0) return shellQuote(text);
  const ids = [...vars.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index! > last) parts.push(shellQuote(text.slice(last, m.index)));
    parts.push(`"\${${vars.get(m[0])}}"`);
    last = m.index! + m[0].length;
  }
  if (last < text.length) parts.push(shellQuote(text.slice(last)));
  return parts.join('') || "''";
}

function idFromCreate(entry: TranscriptEntry): string | undefined {
  if (entry.request.method !== 'POST' || 'error' in entry.response || entry.response.status !== 201 || !entry.response.body) return undefined;
  try {
    const id = JSON.parse(entry.response.body)?.id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

export function reproduceScript(transcript: readonly TranscriptEntry[], opts: { baseUrl: string; title: string }): string {
  const lines = [
    '#!/usr/bin/env bash',
    `# ${opts.title}`,
    '# Replays the shrunk counterexample against an empty target. Needs curl and jq.',
    '# Set SCIMCHECK_TARGET (base URL) and SCIMCHECK_TOKEN (bearer token) first.',
    'set -u',
    `BASE="\${SCIMCHECK_TARGET:-${opts.baseUrl.replace(/["$`\\]/g, '\\$&')}}"`,
    'AUTH="Authorization: Bearer ${SCIMCHECK_TOKEN:-}"',
  ];
  const base = opts.baseUrl.replace(/\/+$/, '');
  const vars = new Map<string, string>();
  for (const entry of transcript) {
    const { method, url, headers, body } = entry.request;
    const rel = url.startsWith(base) ? url.slice(base.length) : url;
    const urlArg = url.startsWith(base) ? `"\${BASE}"${quoteWithVars(rel, vars)}` : quoteWithVars(url, vars);
    const parts = ['curl', '-sS'];
    if (method !== 'GET') parts.push('-X', method);
    parts.push('-H', '"$AUTH"');
    for (const [k, v] of Object.entries(headers)) if (!SKIP.has(k.toLowerCase())) parts.push('-H', shellQuote(`${k}: ${v}`));
    if (body !== undefined) parts.push('--data-binary', quoteWithVars(body, vars));
    parts.push(urlArg);
    const expected = 'error' in entry.response ? `no answer (${entry.response.error})` : `HTTP ${entry.response.status}`;
    const created = idFromCreate(entry);
    if (created && !vars.has(created)) {
      const name = `ID${vars.size + 1}`;
      lines.push(`# the run got ${expected}`, `${name}=$(${parts.join(' ')} | jq -r .id)`, `echo "${name}=\${${name}}"`);
      vars.set(created, name);
    } else {
      lines.push(`# the run got ${expected}`, `${parts.join(' ')} -w '\\n=> HTTP %{http_code}\\n'`);
    }
  }
  return lines.join('\n');
}
