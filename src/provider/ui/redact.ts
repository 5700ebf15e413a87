/**
 * What the console shows of a request or response: credentials and passwords never. RFC 7644 §7.4
 * (bearer tokens must not leak) and §7.7 (sensitive data such as passwords handled with care).
 * The provider does not import the harness, so this is its own small redactor.
 */

export const REDACTED = '[REDACTED]';

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key)$|token|secret|password/i;
const SECRET_KEY = /^(password|newpassword|oldpassword|currentpassword|secret|client_secret|access_token|refresh_token|token)$/i;
const PASSWORD_PATH = /(^|:)password$/i;

/** Authorization keeps its scheme (useful to see Basic vs Bearer); every other secret header is blanked. */
export function redactHeader(name: string, value: string): string {
  if (!SECRET_HEADER.test(name)) return value;
  if (/^(proxy-)?authorization$/i.test(name)) {
    const m = /^(\S+)\s+\S/.exec(value);
    return m ? `${m[1]} ${REDACTED}` : value.trim() === '' ? value : REDACTED;
  }
  return REDACTED;
}

export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = redactHeader(name, value);
  });
  return out;
}

function redactJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redactJson);
  if (v === null || typeof v !== 'object') return v;
  const obj = v as Record<string, unknown>;
  // RFC 7644 §3.5.2: a PATCH operation whose path names the password carries it in `value`.
  const patchesPassword = typeof obj.path === 'string' && PASSWORD_PATH.test(obj.path.trim());
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(obj)) {
    if ((SECRET_KEY.test(k) || /:password$/i.test(k)) && val !== null && val !== undefined) out[k] = REDACTED;
    else if (patchesPassword && k === 'value') out[k] = REDACTED;
    else out[k] = redactJson(val);
  }
  return out;
}

/** JSON bodies are walked; anything else gets a best-effort scrub of `"password": "…"` and `password=…`. */
export function redactBody(text: string): string {
  if (text === '') return text;
  try {
    return JSON.stringify(redactJson(JSON.parse(text)));
  } catch {
    return text
      .replace(/("(?:password|secret|token|access_token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`)
      .replace(/\b(password|secret|access_token|token)=([^&\s]*)/gi, `$1=${REDACTED}`);
  }
}

/** Path and query as logged: secret-named parameters and `password eq "…"` filters blanked (RFC 7644 §7.5.2). */
export function redactPathAndQuery(url: URL): string {
  const params = new URLSearchParams(url.search);
  for (const [k, v] of [...params.entries()]) {
    if (SECRET_KEY.test(k) || /password/i.test(k)) params.set(k, REDACTED);
    else if (/password/i.test(v)) params.set(k, v.replace(/(password"?\s+[a-z]{2}\s+)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`));
  }
  const q = params.toString();
  return q ? `${url.pathname}?${q}` : url.pathname;
}
