/**
 * `reproduce` in report.json (DESIGN.md): a curl command line that replays a transcript entry.
 * Credentials appear as environment variables, never as the secret: transcripts are already redacted.
 */
import type { TranscriptEntry } from './check.ts';

/** POSIX shell single-quoting: close the quote, emit an escaped quote, reopen. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Headers curl sets itself or that would confuse a replay. */
const SKIP = new Set(['content-length', 'host', 'connection', 'user-agent']);

function authHeader(value: string): string {
  const scheme = /^(\S+)/.exec(value)?.[1]?.toLowerCase();
  // Double quotes so the shell expands the variable; the variable holds the secret, the report never does.
  if (scheme === 'bearer') return `-H "Authorization: Bearer \${SCIMCHECK_TOKEN}"`;
  if (scheme === 'basic') return `-u "\${SCIMCHECK_BASIC}"`;
  return `-H ${shellQuote(`Authorization: ${value}`)}`;
}

export function toCurl(entry: TranscriptEntry): string {
  const { method, url, headers, body } = entry.request;
  const parts = ['curl', '-sS', '-i'];
  if (method !== 'GET') parts.push('-X', method);
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (SKIP.has(name)) continue;
    if (name === 'authorization') {
      // A literal header a check chose on purpose (e.g. 'Bearer wrong') is shown as is; redacted ones use env.
      parts.push(v.includes('[REDACTED]') ? authHeader(v) : `-H ${shellQuote(`Authorization: ${v}`)}`);
      continue;
    }
    parts.push('-H', shellQuote(`${k}: ${v}`));
  }
  if (body !== undefined) parts.push('--data-binary', shellQuote(body));
  parts.push(shellQuote(url));
  return parts.join(' ');
}

/** All requests of a transcript, one command per line, so a multi-step failure can be replayed in order. */
export function transcriptToCurl(transcript: readonly TranscriptEntry[]): string {
  return transcript.map(toCurl).join('\n');
}
