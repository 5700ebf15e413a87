/**
 * Redaction of secrets in transcripts (DESIGN.md: Authorization headers and password values never appear
 * in a written transcript). Pure functions so every writer (console, JSON, CheckResult) shares them.
 */
const REDACTED = '[REDACTED]';

/** Authorization keeps its scheme so a reader can still tell bearer from basic. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === 'authorization') {
      const scheme = v.split(' ')[0];
      out[k] = scheme && scheme !== v ? `${scheme} ${REDACTED}` : REDACTED;
    } else out[k] = v;
  }
  return out;
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // RFC 7643 §4.1.1: password is writeOnly and never to be shown; a pathless PATCH may carry it too.
      out[k] = k.toLowerCase() === 'password' ? REDACTED : redactValue(v);
    }
    // RFC 7644 §3.5.2: a PATCH op with path "password" carries the secret in `value`.
    if (typeof out.path === 'string' && out.path.toLowerCase() === 'password' && 'value' in out) out.value = REDACTED;
    return out;
  }
  return value;
}

/** Redacts password values in a JSON body; a non-JSON body is returned unchanged. */
export function redactBody(body: string | undefined): string | undefined {
  if (body === undefined || body === '') return body;
  try {
    return JSON.stringify(redactValue(JSON.parse(body)));
  } catch {
    return body;
  }
}
