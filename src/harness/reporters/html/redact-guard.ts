/**
 * A second look for secrets before anything reaches the page. report.json is redacted when it is written,
 * but `scimcheck report` also renders files from elsewhere (older versions, hand-edited): an
 * Authorization credential must never show, whatever the file holds.
 */
import type { TranscriptEntry } from '../../check.ts';
import { isSensitiveHeader, redactBody, redactUrl, REDACTED } from '../../redact.ts';

/** The harness's own deliberately wrong credentials (src/harness/checks/auth.ts) start with this. */
const HARNESS_FAKE = 'scimcheck-';

function isHarnessFake(scheme: string, credential: string): boolean {
  if (credential.startsWith(HARNESS_FAKE)) return true;
  if (/^basic$/i.test(scheme)) {
    try {
      return Buffer.from(credential, 'base64').toString('utf8').startsWith(HARNESS_FAKE);
    } catch {
      return false;
    }
  }
  return false;
}

/** Authorization-like header value with any real credential replaced; the scheme stays readable. */
export function guardAuthorization(value: string): string {
  const m = /^\s*(\S+)(?:\s+(.*))?$/.exec(value);
  if (!m) return value; // empty or whitespace: nothing secret
  const [, scheme = '', credential = ''] = m;
  // One word: a bare scheme ("Bearer ") is harmless, anything else may be a raw key.
  if (credential.trim() === '') return scheme === REDACTED || /^(bearer|basic)$/i.test(scheme) ? value : REDACTED;
  if (credential.trim() === REDACTED || isHarnessFake(scheme, credential.trim())) return value;
  return `${scheme} ${REDACTED}`;
}

function guardHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const value = String(v);
    if (/^(proxy-)?authorization$/i.test(k)) out[k] = guardAuthorization(value);
    else out[k] = isSensitiveHeader(k) && value !== REDACTED ? REDACTED : value;
  }
  return out;
}

export function guardTranscript(transcript: readonly TranscriptEntry[]): TranscriptEntry[] {
  return transcript.map((t) => ({
    request: {
      method: t.request.method,
      url: redactUrl(t.request.url),
      headers: guardHeaders(t.request.headers),
      ...(t.request.body !== undefined ? { body: redactBody(t.request.body) } : {}),
    },
    response:
      'error' in t.response
        ? { error: t.response.error }
        : {
            status: t.response.status,
            headers: guardHeaders(t.response.headers),
            ...(t.response.body !== undefined ? { body: redactBody(t.response.body) } : {}),
          },
  }));
}

/** curl lines carry credentials as ${SCIMCHECK_TOKEN} / ${SCIMCHECK_BASIC}; anything literal is redacted. */
export function guardCurl(curl: string): string {
  return curl
    .replace(/(Authorization:\s*)(\S+)\s+([^'"\s]+)/gi, (all, head: string, scheme: string, cred: string) =>
      cred.startsWith('${SCIMCHECK_') || cred === REDACTED || isHarnessFake(scheme, cred) ? all : `${head}${scheme} ${REDACTED}`,
    )
    .replace(/(\s-u\s+)(['"]?)([^'"\s]+)\2/g, (all, flag: string, q: string, cred: string) => (cred.startsWith('${SCIMCHECK_') ? all : `${flag}${q}${REDACTED}${q}`));
}
