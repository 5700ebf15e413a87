/**
 * The IdP's HTTP client: a transport (the injected or global fetch by default) with a timeout, bounded
 * retries on 429 / 5xx the way the profile says, and a redacted transcript of every attempt.
 * It knows nothing about the target: only a base URL and credentials.
 */
import type { TranscriptEntry } from '../scim/results.ts';
import { ScimError } from '../scim/errors.ts';
import { redactBody, redactHeaders } from './redact.ts';
import { BodyTooLarge, DEFAULT_MAX_BODY_BYTES, readCappedBody } from '../scim/bounded-body.ts';
import { bareTransport } from './bare-transport.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface IdpRequest {
  method: Method;
  /** Relative to the base URL, e.g. '/Users/abc'. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Why the request is sent, for the printed transcript (e.g. 'match-before-create'). */
  purpose?: string;
  /**
   * A documented habit of the IdP that departs from RFC 7643/7644 (e.g. Entra's active "False" as a string), in
   * words that finish "<IdP> …". A target may legally refuse it; the scenario then reports the step not applicable.
   */
  quirk?: string;
}

export interface IdpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

/** One attempt on the wire, as a transport sends it. */
export interface WireRequest {
  method: Method;
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Covers the whole attempt, the body included (a slow-drip body is cut off at it too). */
  timeoutMs: number;
  /** The most of an answer the transport reads (default 5 MiB); more is ResponseTooLarge. */
  maxBodyBytes?: number;
}

/** An answer read to its last byte; header names in lower case. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * Sends one attempt; rejects when there is no answer (refused, reset, timed out, aborted), or with
 * ResponseTooLarge when the answer exceeds `maxBodyBytes`. Redirects are followed only as the harness follows
 * them (src/harness/http-client.ts): a GET to the same origin; any other 3xx is returned as the answer.
 */
export type Transport = (req: WireRequest) => Promise<WireResponse>;

export interface RetryPolicy {
  /** Extra attempts after the first; bounded so a broken target cannot hold the run. */
  limit: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** RFC 6585 §4 / RFC 7231 §7.1.3: wait what Retry-After says on 429 (capped by maxDelayMs). */
  honorRetryAfter: boolean;
}

export interface IdpHttpOptions {
  baseUrl: string;
  authorization?: string;
  fetch?: typeof fetch;
  /** Sends the attempts instead of `fetch` (the load generator's keep-alive node:http client). */
  transport?: Transport;
  timeoutMs: number;
  /** The most of one answer the client reads (default 5 MiB); more fails the request as the target's. */
  maxBodyBytes?: number;
  headers: Record<string, string>;
  retry: RetryPolicy;
  signal?: AbortSignal;
  /** Called once per attempt with the redacted exchange (the CLI prints it as it goes). */
  onExchange?: (entry: TranscriptEntry, purpose?: string) => void;
  /** Injectable so tests of the backoff do not wait on the clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Shared transcript (the IdP's and the verifier's requests in one order); a new one when absent. */
  transcript?: TranscriptEntry[];
  /**
   * false: keep no transcript (at IdP scale it would be gigabytes; the load meter keeps figures instead).
   * Entries are then built and redacted only when `onExchange` wants them.
   */
  keepTranscript?: boolean;
}

/** The target could not be reached at all (connection refused, DNS, timeout after all retries). */
export class TargetUnreachable extends ScimError {
  constructor(detail: string) {
    super(503, detail);
    this.name = 'TargetUnreachable';
  }
}

/**
 * Issue 11 #13: the target answered with more than the client reads. It answered (wrongly), so it is never
 * retried and never "unreachable": the step that sent it fails with this message.
 */
export class ResponseTooLarge extends ScimError {
  constructor(method: string, url: string, limit: number) {
    super(502, `${method} ${new URL(url).pathname}: the target's answer exceeds ${limit} bytes (the IdP reads at most that much)`);
    this.name = 'ResponseTooLarge';
  }
}

const MAX_REDIRECTS = 5;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function buildUrl(baseUrl: string, path: string, query?: Record<string, string>): string {
  const base = baseUrl.replace(/\/+$/, '');
  const url = new URL(/^https?:/i.test(path) ? path : base + (path.startsWith('/') ? path : `/${path}`));
  // RFC 7644 §3.4.2: filter and paging travel as URL query parameters; URLSearchParams encodes them.
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  return url.toString();
}

/** Seconds or an HTTP date (RFC 7231 §7.1.3), in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Plain fetch with the timeout and the caller's abort signal combined; the body is read to its end (at most
 * `maxBodyBytes`, within the same timeout), so the attempt's latency and any connection reuse are the same
 * whether the target is remote or in-process.
 *
 * Issue 11 #14: fetch's own redirect handling would follow a 307/308 to any origin and re-send the POST body
 * (users' attributes) there. Redirects are handled here instead, by the harness's rule: only a GET, only to the
 * origin the request went to; anything else is returned as the target's answer for the step to judge.
 */
export function fetchTransport(inner: typeof fetch): Transport {
  return async (req) => {
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const origin = new URL(req.url).origin;
    let url = req.url;
    for (let redirects = 0; ; redirects++) {
      const r = await inner(url, { method: req.method, headers: req.headers, body: req.body, signal, redirect: 'manual' });
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
      // A Location that is no URL is never followed: the 3xx is the target's answer, as any other it sends.
      const next = r.status >= 300 && r.status < 400 && headers.location && URL.canParse(headers.location, url) ? new URL(headers.location, url) : undefined;
      if (next && req.method === 'GET' && next.origin === origin && redirects < MAX_REDIRECTS) {
        await r.body?.cancel().catch(() => undefined);
        url = next.toString();
        continue;
      }
      let text: string;
      try {
        text = await readCappedBody(r.body, req.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, signal);
      } catch (e) {
        if (e instanceof BodyTooLarge) throw new ResponseTooLarge(req.method, url, e.limit);
        // A body cut off by the timeout is no answer in time, as fetch itself names it.
        if (timeout.aborted) throw Object.assign(new Error(`no complete answer within ${req.timeoutMs} ms`), { name: 'TimeoutError' });
        throw e;
      }
      return { status: r.status, headers, text };
    }
  };
}

export class IdpHttp {
  readonly transcript: TranscriptEntry[];
  private readonly transport: Transport;
  private readonly keepTranscript: boolean;

  constructor(private readonly opts: IdpHttpOptions) {
    this.transcript = opts.transcript ?? [];
    this.keepTranscript = opts.keepTranscript ?? true;
    // Node's fetch adds `user-agent: node` to a request without one: an IdP that sends none (Entra) goes out through
    // node:http instead, so the target sees what the IdP really sends (src/idp/bare-transport.ts).
    const sendsUserAgent = Object.keys(opts.headers).some((h) => h.toLowerCase() === 'user-agent');
    this.transport = opts.transport ?? (opts.fetch || sendsUserAgent ? fetchTransport(opts.fetch ?? globalThis.fetch) : bareTransport());
  }

  /** Sends with the profile's retry policy. Never throws for an HTTP status; throws TargetUnreachable. */
  async send(req: IdpRequest): Promise<IdpResponse> {
    const sleep = this.opts.sleep ?? defaultSleep;
    const { limit, baseDelayMs, maxDelayMs, honorRetryAfter } = this.opts.retry;
    let lastError = '';
    for (let attempt = 0; attempt <= limit; attempt++) {
      if (this.opts.signal?.aborted) throw new TargetUnreachable('aborted');
      let res: IdpResponse | undefined;
      try {
        res = await this.once(req);
      } catch (e) {
        // An oversized answer is an answer: the target's failure, not worth repeating.
        if (e instanceof ResponseTooLarge) throw e;
        // A stopped run (deadline, Ctrl-C) ends now: no backoff, no further attempt (issue 11 #12).
        if (this.opts.signal?.aborted) throw new TargetUnreachable('aborted');
        lastError = e instanceof Error ? e.message : String(e);
      }
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
      if (res) {
        // RFC 7644 §3.12 lists 429-like throttling and 5xx as transient; everything else is an answer.
        const transient = res.status === 429 || res.status >= 500;
        if (!transient || attempt === limit) return res;
        const hinted = res.status === 429 && honorRetryAfter ? retryAfterMs(res.headers['retry-after']) : undefined;
        await this.pause(sleep, Math.min(maxDelayMs, hinted ?? backoff));
      } else if (attempt < limit) {
        await this.pause(sleep, backoff);
      }
    }
    throw new TargetUnreachable(`${req.method} ${req.path}: ${lastError || 'no answer'}`);
  }

  /** A backoff the run's stop cuts short (the next attempt then sees the aborted signal and gives up). */
  private async pause(sleep: (ms: number) => Promise<void>, ms: number): Promise<void> {
    const signal = this.opts.signal;
    if (!signal) return sleep(ms);
    if (signal.aborted) return;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([sleep(ms), stopped]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }

  /** One attempt on the wire; a subclass may wrap it (the load meter times and counts each one). */
  protected attempt(_req: IdpRequest, wire: WireRequest): Promise<WireResponse> {
    return this.transport(wire);
  }

  private async once(req: IdpRequest): Promise<IdpResponse> {
    const url = buildUrl(this.opts.baseUrl, req.path, req.query);
    const headers: Record<string, string> = { ...this.opts.headers };
    if (this.opts.authorization) headers.Authorization = this.opts.authorization;
    const hasBody = req.body !== undefined;
    if (!hasBody) delete headers['Content-Type'];
    const body = hasBody ? (typeof req.body === 'string' ? req.body : JSON.stringify(req.body)) : undefined;
    // Redaction parses every body: only done when someone keeps or prints the exchange.
    const entry: TranscriptEntry | undefined =
      this.keepTranscript || this.opts.onExchange
        ? { request: { method: req.method, url, headers: redactHeaders(headers), body: redactBody(body) }, response: { error: 'no response' } }
        : undefined;
    if (entry && this.keepTranscript) this.transcript.push(entry);
    try {
      const r = await this.attempt(req, { method: req.method, url, headers, body, signal: this.opts.signal, timeoutMs: this.opts.timeoutMs, maxBodyBytes: this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES });
      let json: any;
      try {
        json = r.text ? JSON.parse(r.text) : undefined;
      } catch {
        json = undefined;
      }
      if (entry) {
        entry.response = { status: r.status, headers: r.headers, body: redactBody(r.text) };
        this.opts.onExchange?.(entry, req.purpose);
      }
      return { status: r.status, headers: r.headers, text: r.text, json };
    } catch (e) {
      if (entry) {
        entry.response = { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
        this.opts.onExchange?.(entry, req.purpose);
      }
      throw e;
    }
  }
}
