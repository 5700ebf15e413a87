/**
 * The harness's only way to the target: an HttpClient over fetch (global, or a provider's fetch handler
 * injected for in-process runs). Every exchange is recorded, redacted, into the current check's transcript.
 *
 * Safety rules: a per-request timeout, a response size cap, redirects are never followed to another origin,
 * credentials are never sent to another origin, 429 + Retry-After is honoured a bounded number of times.
 */
import type { HttpClient, HttpRequest, HttpResponse, TranscriptEntry } from './check.ts';
import { redactBody, redactHeaders, redactSecrets, redactUrl } from './redact.ts';
import { version } from '../version.ts';
import { BodyTooLarge, BodyUnreadable, DEFAULT_MAX_BODY_BYTES, readCappedBody } from '../scim/bounded-body.ts';

export type AuthConfig =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; password: string };

export type FetchLike = (input: Request) => Promise<Response>;

export interface HttpClientOptions {
  /** e.g. https://sp.example/scim/v2 (no trailing slash needed). */
  baseUrl: string;
  auth: AuthConfig;
  /** Defaults to global fetch; pass a provider's handler to run in-process. */
  fetch?: FetchLike;
  /** Per request (DESIGN.md `--timeout`), default 10 s. */
  timeoutMs?: number;
  /** Responses larger than this fail the request (default 5 MiB). */
  maxBodyBytes?: number;
  /** Extra headers from the config file (e.g. an API key header), sent to the target origin only. */
  headers?: Record<string, string>;
  /**
   * Bounded 429 handling: at most `maxRetries` retries, never waiting longer than `maxWaitMs` at once, nor more
   * than `perRequestMs` in all for one request, nor more than `perRunMs` in all for the run (every client made
   * by forCheck/detached shares that budget). Past a bound the 429 is the answer: the target's (issue 11 #12).
   */
  retry?: { maxRetries: number; maxWaitMs: number; perRequestMs?: number; perRunMs?: number };
  /** Internal: the run's Retry-After time spent so far, shared with the clients forCheck/detached make. */
  retrySpent?: { ms: number };
  /** Injected so tests need not wait in real time. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** --read-only: refuse requests that could change the target. */
  readOnly?: boolean;
}

/**
 * Why a request produced no usable response. The runner decides what it means (issue 10 #6, #12): 'timeout' and
 * 'network' (refused, reset, DNS) say nothing about conformance, so the check is `errored`; 'too-large' and
 * 'unreadable' are the target's wrong answer (it answered, badly), so the check fails.
 */
export class TransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network' | 'too-large' | 'unreadable' | 'aborted' | 'read-only',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BODY = DEFAULT_MAX_BODY_BYTES;
const MAX_REDIRECTS = 5;
/**
 * RFC 6585 §4 lets a 429 say when to come back; a run honours that within bounds: 3 retries, at most 10 s at
 * once and 15 s in all per request, 60 s in all per run. Beyond them the 429 is the answer the check judges.
 */
const DEFAULT_RETRY = { maxRetries: 3, maxWaitMs: 10_000, perRequestMs: 15_000, perRunMs: 60_000 };
/**
 * RFC 9110 §9.2.2: these methods are idempotent, so repeating one after a reset connection cannot change the
 * outcome (a keep-alive socket the server closed just as we reused it is the usual cause). POST and PATCH never are.
 */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Transcripts keep at most this much of a body, so one huge response cannot bloat every report. */
const TRANSCRIPT_BODY_LIMIT = 64 * 1024;

export function authorizationHeader(auth: AuthConfig): string | undefined {
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
  if (auth.kind === 'basic') return `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  return undefined;
}

/** Every literal a transcript must never contain for these credentials. */
export function secretsOf(auth: AuthConfig, headers: Record<string, string> = {}): string[] {
  const out: string[] = [];
  if (auth.kind === 'bearer') out.push(auth.token);
  if (auth.kind === 'basic') {
    // Issue 11 #11: the user is a credential too (half of what a Basic header carries).
    out.push(auth.user, auth.password, Buffer.from(`${auth.user}:${auth.password}`).toString('base64'));
  }
  for (const [k, v] of Object.entries(headers)) if (/key|token|secret|auth|password|cookie/i.test(k)) out.push(v);
  return out;
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TransportError('aborted', 'the run was aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new TransportError('aborted', 'the run was aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date. Returns ms, or undefined if absent/bad. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function joinUrl(baseUrl: string, path: string, query?: HttpRequest['query']): URL {
  const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`));
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

/** Reads at most `limit` bytes (the shared reader, issue 11 #13); the signal also bounds a slow-drip body (#12). */
async function readCapped(res: Response, limit: number, signal?: AbortSignal): Promise<string> {
  try {
    return await readCappedBody(res.body, limit, signal);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new TransportError('too-large', err.message);
    // The status line and headers came, the body did not (bad encoding, truncated): an answer, a broken one.
    throw new UnreadableBody(err instanceof BodyUnreadable ? err.cause : err);
  }
}

/** A body that failed mid-read; `once` turns it into 'unreadable' unless the run's timeout/abort caused it. */
class UnreadableBody extends Error {
  constructor(override readonly cause: unknown) {
    super('unreadable body');
  }
}

function headersToRecord(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((v, k) => {
    out[k.toLowerCase()] = v;
  });
  const cookies = h.getSetCookie?.() ?? [];
  if (cookies.length > 1) out['set-cookie'] = cookies.join(', ');
  return out;
}

function clip(text: string): string {
  return text.length > TRANSCRIPT_BODY_LIMIT ? `${text.slice(0, TRANSCRIPT_BODY_LIMIT)}… [${text.length - TRANSCRIPT_BODY_LIMIT} more characters]` : text;
}

function describeFetchError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message ?? 'fetch failed'} (${cause})` : (e?.message ?? String(err));
}

/** A connection the peer reset or closed under us (undici: UND_ERR_SOCKET "other side closed"; node: socket hang up). */
export function isResetConnection(err: unknown): boolean {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  const codes = [e?.code, e?.cause?.code];
  if (codes.some((c) => c === 'ECONNRESET' || c === 'EPIPE' || c === 'UND_ERR_SOCKET')) return true;
  return /socket hang up|other side closed|ECONNRESET|EPIPE/i.test(`${e?.message ?? ''} ${e?.cause?.message ?? ''}`);
}

/** POST /.search reads (RFC 7644 §3.4.3), so --read-only allows it. */
function isWrite(method: string, url: URL): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  return !(method === 'POST' && url.pathname.endsWith('/.search'));
}

export interface RecordingHttpClient extends HttpClient {
  /** A client sharing this configuration that records into `transcript` and stops when `signal` aborts. */
  forCheck(transcript: TranscriptEntry[], signal?: AbortSignal): RecordingHttpClient;
  /** A client sharing this configuration that the run's signal does not stop (cleanup after Ctrl-C). */
  detached(transcript: TranscriptEntry[]): RecordingHttpClient;
}

export function createHttpClient(
  opts: HttpClientOptions,
  transcript: TranscriptEntry[] = [],
  runSignal?: AbortSignal,
): RecordingHttpClient {
  const doFetch: FetchLike = opts.fetch ?? ((r) => fetch(r));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const retry = { ...DEFAULT_RETRY, ...opts.retry };
  const retrySpent = opts.retrySpent ?? { ms: 0 };
  const shared: HttpClientOptions = { ...opts, retrySpent };
  const sleep = opts.sleep ?? defaultSleep;
  const origin = new URL(opts.baseUrl).origin;
  const secrets = secretsOf(opts.auth, opts.headers);

  function record(entry: TranscriptEntry, literalAuth: string | undefined): void {
    const reqHeaders = redactHeaders(entry.request.headers, secrets);
    // A deliberately wrong credential a check chose (e.g. 'Bearer wrong') is evidence, not a secret; keep it
    // readable unless it embeds one of the run's real secrets.
    if (literalAuth !== undefined && 'authorization' in reqHeaders) reqHeaders.authorization = redactSecrets(literalAuth, secrets);
    transcript.push({
      request: {
        method: entry.request.method,
        url: redactUrl(entry.request.url, secrets),
        headers: reqHeaders,
        ...(entry.request.body !== undefined ? { body: clip(redactBody(entry.request.body, secrets)) } : {}),
      },
      response:
        'error' in entry.response
          ? { error: entry.response.error }
          : {
              status: entry.response.status,
              headers: redactHeaders(entry.response.headers, secrets),
              ...(entry.response.body !== undefined ? { body: clip(redactBody(entry.response.body, secrets)) } : {}),
            },
    });
  }

  function buildHeaders(req: HttpRequest, url: URL, bodyText: string | undefined): Record<string, string> {
    const sameOrigin = url.origin === origin;
    const h: Record<string, string> = {
      // RFC 7644 §3.8 / §8.1: SCIM's own media type only. Listing application/json too would let a server legally
      // answer with it, and then checks that expect application/scim+json would blame it for our choice.
      accept: 'application/scim+json',
      'user-agent': `scimcheck/${version}`,
    };
    // Never send the run's credentials or config headers to another origin (e.g. an absolute meta.location).
    if (sameOrigin) for (const [k, v] of Object.entries(opts.headers ?? {})) h[k.toLowerCase()] = v;
    // RFC 7644 §3.8: SCIM bodies are application/scim+json.
    if (bodyText !== undefined && typeof req.body !== 'string') h['content-type'] = 'application/scim+json';
    for (const [k, v] of Object.entries(req.headers ?? {})) h[k.toLowerCase()] = v;
    const auth = req.auth ?? 'default';
    if (auth === 'default') {
      const value = authorizationHeader(opts.auth);
      if (value && sameOrigin) h.authorization = value;
    } else if (auth !== 'none') {
      if (sameOrigin) h.authorization = auth.authorization;
    }
    return h;
  }

  /**
   * One exchange, recorded. `retryOnReset`: a reset connection is recorded as such and answered with
   * `'retry'` instead of an error, so the caller repeats the request once.
   */
  async function once(method: string, url: URL, headers: Record<string, string>, bodyText: string | undefined, literalAuth: string | undefined, retryOnReset: boolean): Promise<HttpResponse | 'retry'> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signals = [timeout, ...(runSignal ? [runSignal] : [])];
    const started = performance.now();
    const entry: TranscriptEntry = { request: { method, url: url.toString(), headers, ...(bodyText !== undefined ? { body: bodyText } : {}) }, response: { error: '' } };
    try {
      const signal = AbortSignal.any(signals);
      const res = await doFetch(new Request(url, { method, headers, body: bodyText, redirect: 'manual', signal }));
      const text = method === 'HEAD' ? '' : await readCapped(res, maxBody, signal);
      const resHeaders = headersToRecord(res.headers);
      entry.response = { status: res.status, headers: resHeaders, ...(text !== '' ? { body: text } : {}) };
      record(entry, literalAuth);
      let json: unknown;
      if (text.trim() !== '') {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      return { status: res.status, headers: resHeaders, text, json, durationMs: Math.round(performance.now() - started) };
    } catch (err) {
      let failure: TransportError;
      if (err instanceof TransportError) failure = err;
      else if (timeout.aborted) failure = new TransportError('timeout', `${method} ${url.pathname} timed out after ${timeoutMs} ms (no answer)`);
      else if (runSignal?.aborted) failure = new TransportError('aborted', `${method} ${url.pathname} was aborted`);
      else if (err instanceof UnreadableBody) {
        failure = new TransportError('unreadable', `${method} ${url.pathname}: the response body could not be read: ${describeFetchError(err.cause)}`);
      } else if (retryOnReset && isResetConnection(err)) {
        entry.response = { error: `${method} ${url.pathname} failed: ${describeFetchError(err)}; retried once (an idempotent request on a reset connection)` };
        record(entry, literalAuth);
        return 'retry';
      } else failure = new TransportError('network', `${method} ${url.pathname} failed: ${describeFetchError(err)}`);
      entry.response = { error: failure.message };
      record(entry, literalAuth);
      throw failure;
    }
  }

  async function send(req: HttpRequest): Promise<HttpResponse> {
    let url = joinUrl(opts.baseUrl, req.path, req.query);
    const method: string = req.method;
    if (opts.readOnly && isWrite(method, url)) {
      throw new TransportError('read-only', `--read-only: refused ${method} ${url.pathname}`);
    }
    const bodyText = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    let headers = buildHeaders(req, url, bodyText);
    const literalAuth = typeof req.auth === 'object' ? req.auth.authorization : undefined;
    let retries = 0;
    let waited = 0;
    let redirects = 0;
    let resetRetried = false;
    for (;;) {
      const got = await once(method, url, headers, bodyText, literalAuth, IDEMPOTENT.has(method) && !resetRetried);
      if (got === 'retry') {
        resetRetried = true;
        continue;
      }
      const res = got;
      // RFC 6585 §4: 429 Too Many Requests; honour Retry-After, bounded so a run always ends.
      if (res.status === 429 && retries < retry.maxRetries) {
        const wait = parseRetryAfter(res.headers['retry-after']) ?? 1000 * 2 ** retries;
        // Issue 11 #12: 'Retry-After: 30' on every request once cost 90 s a check; waits come out of budgets.
        if (wait <= retry.maxWaitMs && waited + wait <= retry.perRequestMs && retrySpent.ms + wait <= retry.perRunMs) {
          retries++;
          waited += wait;
          retrySpent.ms += wait;
          await sleep(wait, runSignal);
          continue;
        }
      }
      // Only same-origin redirects of reads are followed; anything else is returned as-is for the check to judge.
      if (res.status >= 300 && res.status < 400 && res.headers.location && (method === 'GET' || method === 'HEAD') && redirects < MAX_REDIRECTS) {
        // Issue 11 #16: a Location that is no URL is the target's wrong answer, returned for the check to judge.
        const next = URL.canParse(res.headers.location, url) ? new URL(res.headers.location, url) : undefined;
        if (!next || next.origin !== origin || url.origin !== origin) return res;
        redirects++;
        url = next;
        headers = buildHeaders(req, url, bodyText);
        continue;
      }
      return res;
    }
  }

  return {
    send,
    forCheck: (t, signal) => createHttpClient(shared, t, signal ? (runSignal ? AbortSignal.any([signal, runSignal]) : signal) : runSignal),
    detached: (t) => createHttpClient(shared, t),
  };
}
