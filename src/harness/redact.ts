/**
 * Secrets never leave the process in a transcript (DESIGN.md: report.json, JUnit, HTML, Markdown, curl).
 * Three layers: sensitive header names, `password`-like values inside JSON bodies and query strings, and
 * finally every known secret literal (the run's token, basic password) wherever it still appears.
 */

export const REDACTED = '[REDACTED]';

/** Header names whose values are credentials. */
const SENSITIVE_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|apikey)$|api[-_]?key|token|secret|password|session/i;

/** JSON keys / query parameters whose values are secrets; RFC 7643 §4.1.1 `password` is the main one. */
const SENSITIVE_KEY = /^(password|newpassword|oldpassword|currentpassword|secret|client_secret|access_token|refresh_token|token|api[-_]?key)$/i;

/** A PATCH `path` that targets the password (RFC 7644 §3.5.2; URN-qualified or not). */
const PASSWORD_PATH = /(^|:)password$/i;

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

/** Keeps the scheme of an Authorization header (useful to read) and drops the credential. */
function redactHeaderValue(name: string, value: string): string {
  if (/^(proxy-)?authorization$/i.test(name)) {
    const scheme = /^(\S+)\s+\S/.exec(value);
    return scheme ? `${scheme[1]} ${REDACTED}` : value.trim() === '' ? value : REDACTED;
  }
  return REDACTED;
}

export function redactHeaders(headers: Record<string, string>, secrets: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k] = isSensitiveHeader(k) ? redactHeaderValue(k, v) : redactSecrets(v, secrets);
  }
  return out;
}

/** Deep copy of a JSON value with secret values replaced (incl. PATCH ops `{path:'password', value}`). */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // RFC 7644 §3.5.2: a PATCH operation naming the password in `path` carries it in `value`.
  const patchOnPassword = typeof obj.path === 'string' && PASSWORD_PATH.test(obj.path.trim()) && 'value' in obj;
  for (const [k, v] of Object.entries(obj)) {
    if (SENSITIVE_KEY.test(k) || /:password$/i.test(k)) out[k] = v === null || v === undefined ? v : REDACTED;
    else if (patchOnPassword && k === 'value') out[k] = REDACTED;
    else out[k] = redactJson(v);
  }
  return out;
}

/** Redacts a body: JSON is walked; other text gets a best-effort `"password": "..."` scrub. */
export function redactBody(text: string, secrets: readonly string[] = []): string {
  if (text === '') return text;
  let out: string;
  try {
    out = JSON.stringify(redactJson(JSON.parse(text)));
  } catch {
    out = text
      .replace(/("(?:password|secret|token|access_token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`)
      .replace(/\b(password|secret|access_token|api[-_]?key)=([^&\s]*)/gi, `$1=${REDACTED}`);
  }
  return redactSecrets(out, secrets);
}

/** Query strings: secret-named parameters, and `password eq "..."` inside a filter (RFC 7644 §3.4.2.2). */
export function redactUrl(url: string, secrets: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactSecrets(url, secrets);
  }
  if (parsed.username || parsed.password) {
    parsed.username = parsed.username ? REDACTED : '';
    parsed.password = parsed.password ? REDACTED : '';
  }
  for (const [k, v] of [...parsed.searchParams.entries()]) {
    if (SENSITIVE_KEY.test(k) || /password/i.test(k)) parsed.searchParams.set(k, REDACTED);
    else if (/password/i.test(v)) parsed.searchParams.set(k, redactFilterPasswords(v));
  }
  return redactSecrets(parsed.toString(), secrets);
}

function redactFilterPasswords(filter: string): string {
  return filter.replace(/(password"?\s+[a-z]{2}\s+)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`);
}

/**
 * The forms a secret takes once a target (or our own encoders) has handled it: raw, URL-encoded (both hex
 * cases, `+` for space as in a form body), JSON-escaped, HTML-escaped. Longest first, so a longer form is never cut by a
 * shorter one it contains.
 */
export function secretForms(s: string): string[] {
  const url = encodeURIComponent(s);
  // HTML-escaped too: a target that renders the header into an HTML error page hands it back that way.
  const html = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  const forms = new Set([s, url, url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()), url.replace(/%20/g, '+'), JSON.stringify(s).slice(1, -1), html]);
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * The shortest credential literal scrubbed from text. A 1-3 character literal ("abc", "GET", "id") also spells
 * method names, JSON keys and words of every report: scrubbing it everywhere would wreck the reports, and scrubbing
 * it only as a whole value still hits our own vocabulary (a password "GET" is a transcript's method). So it is
 * left alone, and the command says so once at start (shortSecretWarnings).
 */
export const MIN_SCRUBBED_LENGTH = 4;

/** A credential the command was given, by the name a user knows it by ("the Basic password"). */
export interface NamedSecret {
  what: string;
  value: string;
}

/**
 * The credentials of `run`, `idp` and `load` by name: the bearer token, the Basic user and password, and the
 * values of config headers whose names look like credentials (the same set secretsOf scrubs).
 */
export function namedSecrets(auth: { kind: 'bearer'; token: string } | { kind: 'basic'; user: string; password: string } | { kind: 'none' }, headers: Record<string, string> = {}): NamedSecret[] {
  const out: NamedSecret[] = [];
  if (auth.kind === 'bearer') out.push({ what: 'the bearer token', value: auth.token });
  if (auth.kind === 'basic') out.push({ what: 'the Basic user', value: auth.user }, { what: 'the Basic password', value: auth.password });
  for (const [k, v] of Object.entries(headers)) if (/key|token|secret|auth|password|cookie/i.test(k)) out.push({ what: `the value of header ${k}`, value: v });
  return out;
}

/**
 * Issue 11 #11: one warning line per credential too short to scrub (1 to 3 characters; an empty one cannot leak),
 * e.g. "warning: the Basic password is 3 characters: too short to scrub from reports safely".
 */
export function shortSecretWarnings(secrets: readonly NamedSecret[]): string[] {
  return secrets
    .filter((s) => s.value.length > 0 && s.value.length < MIN_SCRUBBED_LENGTH)
    .map((s) => `warning: ${s.what} is ${s.value.length} character${s.value.length === 1 ? '' : 's'}: too short to scrub from reports safely`);
}

/** Replaces every occurrence of each known secret (and its URL-encoded / JSON-escaped forms). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    // Very short strings would shred unrelated text (MIN_SCRUBBED_LENGTH); the command warned at start.
    if (!s || s.length < MIN_SCRUBBED_LENGTH) continue;
    for (const form of secretForms(s)) if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  return out;
}

/**
 * Issue 11 #11: a deep copy of any value (a CheckResult, a report) with every known secret replaced in every
 * string and every object key, however deep: a target that echoes the Authorization value in `detail`, in an
 * attribute value or as a JSON key must not carry it into report.json, JUnit, HTML, Markdown or the console.
 */
export function scrubSecrets<T>(value: T, secrets: readonly string[], opts: { keys?: boolean } = {}): T {
  const live = secrets.filter((s) => s && s.length >= MIN_SCRUBBED_LENGTH);
  if (live.length === 0) return value;
  // Keys are scrubbed only in what the target wrote (expected/actual): our own field names (`users`, `status`)
  // must survive a Basic user that happens to spell part of them.
  const keys = opts.keys ?? true;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactSecrets(v, live);
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    // defineProperty: a target's `__proto__` key stays a plain key instead of replacing the copy's prototype.
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      Object.defineProperty(out, keys ? redactSecrets(k, live) : k, { value: walk(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return walk(value) as T;
}

/** A result's own vocabulary (ids, titles, levels): ours, never the target's, and what prerequisites look up. */
const RESULT_OWN_FIELDS = ['id', 'title', 'suite', 'area', 'rfc', 'level', 'status', 'profile', 'blockedBy'] as const;

/**
 * One result scrubbed of every credential literal (issue 11 #11): every string the target could have shaped
 * (message, expected, actual, reproduce, transcript), and the keys of the target's JSON in expected/actual. The
 * result's field names and its own vocabulary stay as they are: a Basic user named `user` must not rename
 * `users.create.returns-201` (its prerequisites are looked up by id).
 */
export function scrubResult<R extends { expected?: unknown; actual?: unknown }>(r: R, secrets: readonly string[]): R {
  const out = scrubSecrets(r, secrets, { keys: false });
  const own = r as Record<string, unknown>;
  for (const f of RESULT_OWN_FIELDS) if (own[f] !== undefined) (out as Record<string, unknown>)[f] = own[f];
  if (r.expected !== undefined) out.expected = scrubSecrets(r.expected, secrets);
  if (r.actual !== undefined) out.actual = scrubSecrets(r.actual, secrets);
  return out;
}
