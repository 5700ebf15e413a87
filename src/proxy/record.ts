/**
 * `scimcheck proxy --record FILE` (issue 14): the exchanges as JSON lines, one per exchange, for replay. The
 * Authorization header (and every other credential header) is left out entirely, never written redacted, and
 * password values are replaced (RFC 7643 §4.1.1; src/harness/redact.ts); any credential literal the session
 * learned is scrubbed from what remains.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isSensitiveHeader, redactBody, redactJson, scrubSecrets } from '../harness/redact.ts';
import type { SessionEntry } from './session.ts';

/** One line of a recording. */
export interface RecordedExchange {
  seq: number;
  time: string;
  durationMs: number;
  request: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body?: unknown; rawBody?: string };
  response: { status: number; headers: Record<string, string>; body?: unknown; rawBody?: string } | { error: string; status: number };
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !isSensitiveHeader(k)));
}

/** A body as recorded: parsed JSON with passwords replaced, or the raw text redacted. */
function bodyOf(body: unknown, raw: string | undefined): { body?: unknown; rawBody?: string } {
  if (body !== undefined) return { body: redactJson(body) };
  if (raw !== undefined) return { rawBody: redactBody(raw) };
  return {};
}

export function recordedExchange(entry: SessionEntry, secrets: readonly string[]): RecordedExchange {
  const { exchange: ex } = entry;
  const line: RecordedExchange = {
    seq: entry.seq,
    time: ex.time,
    durationMs: ex.durationMs,
    request: { method: ex.request.method, path: ex.request.path, query: ex.request.query, headers: withoutCredentials(ex.request.headers), ...bodyOf(ex.request.body, ex.request.rawBody) },
    response: ex.answer
      ? { status: ex.answer.status, headers: withoutCredentials(ex.answer.headers), ...bodyOf(ex.answer.body, ex.answer.rawBody) }
      : { error: ex.error ?? 'no answer', status: ex.status },
  };
  return scrubSecrets(line, secrets, { keys: false });
}

/** Opens (truncates) the file and returns a writer of one line per exchange. */
export function openRecording(file: string): (entry: SessionEntry, secrets: readonly string[]) => void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  return (entry, secrets) => appendFileSync(file, `${JSON.stringify(recordedExchange(entry, secrets))}\n`);
}
