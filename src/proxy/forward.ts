/**
 * The forwarding half of `scimcheck proxy` (issue 14): a fetch-style handler that sends every request to the
 * target as it came (method, path, query, headers with the credentials, body), hands the target's answer back
 * with URLs on the target's origin rewritten to the proxy's (rewrite.ts), and reports each exchange — the
 * request and the answer as the target sent it, before any rewriting — to `onExchange` for grading.
 *
 * Bounded like the harness client (src/scim/bounded-body.ts): request and answer bodies past `maxBodyBytes`
 * and a target slower than `timeoutMs` get a SCIM error from the proxy itself (413 / 502 / 504), marked as the
 * proxy's answer so the target is never graded on it.
 */
import { ERROR_SCHEMA } from '../scim/errors.ts';
import { BodyTooLarge, CappedBuffer, DEFAULT_MAX_BODY_BYTES } from '../scim/bounded-body.ts';
import type { GradedAnswer, GradedRequest } from '../grading/finding.ts';
import { URL_HEADERS, rewriteJson, rewriteUrl } from './rewrite.ts';

export interface ProxiedExchange {
  /** ISO time the request arrived. */
  time: string;
  durationMs: number;
  /** The URL the request went to at the target. */
  url: string;
  request: GradedRequest;
  /** The target's answer as it sent it (undefined when the proxy answered itself). */
  answer?: GradedAnswer;
  /** Why the proxy answered itself: the target unreachable, too slow, a body too large. */
  error?: string;
  /** The status the client got (the target's, or the proxy's own 413 / 502 / 504). */
  status: number;
}

export interface ForwardOptions {
  /** The target's SCIM base URL, e.g. https://sp.example/scim/v2 (no trailing slash). */
  target: string;
  /** Per exchange, the body included (default 30 s: IdPs wait longer than the harness does). */
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** The origin clients reach the proxy at, when it differs from the Host they send (a TLS tunnel in front). */
  publicOrigin?: string;
  fetch?: typeof fetch;
  onExchange(exchange: ProxiedExchange): void;
}

/**
 * RFC 9110 §7.6.1: a proxy removes the Connection header, the fields it names, and these hop-by-hop fields
 * before forwarding. Host, Content-Length and the encodings are the outgoing connection's own business.
 */
const HOP_BY_HOP = ['connection', 'proxy-connection', 'keep-alive', 'te', 'transfer-encoding', 'upgrade', 'trailer', 'proxy-authenticate', 'proxy-authorization'];
const CONNECTION_OWN = ['host', 'content-length', 'expect'];
/** fetch decodes compressed answers: the decoded body goes back without the encoding it no longer has. */
const DECODED = ['content-encoding', 'content-length'];

function forwardable(headers: Headers, drop: readonly string[]): Headers {
  const out = new Headers();
  const named = (headers.get('connection') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  headers.forEach((value, name) => {
    const n = name.toLowerCase();
    if (HOP_BY_HOP.includes(n) || named.includes(n) || drop.includes(n)) return;
    out.append(name, value);
  });
  return out;
}

function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

/** Reads a body to its end, at most `limit` bytes (BodyTooLarge past it). */
async function readBytes(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  const cap = new CappedBuffer(limit);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      cap.add(value);
      chunks.push(value);
    }
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    throw err;
  }
  // A copy on its own ArrayBuffer: what fetch and Response take as a body.
  return new Uint8Array(Buffer.concat(chunks));
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The proxy's own SCIM error (RFC 7644 §3.12), for answers the target never gave. */
function proxyError(status: number, detail: string): Response {
  return new Response(JSON.stringify({ schemas: [ERROR_SCHEMA], status: String(status), detail: `scimcheck proxy: ${detail}` }), {
    status,
    headers: { 'content-type': 'application/scim+json; charset=utf-8' },
  });
}

/** A base-relative path, each segment percent-decoded (finding.ts: GradedRequest.path). */
export function relativePath(pathname: string, basePath: string): string {
  const rest = basePath !== '/' && (pathname === basePath || pathname.startsWith(`${basePath}/`)) ? pathname.slice(basePath.length) : pathname;
  return (
    rest
      .split('/')
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      })
      .join('/') || '/'
  );
}

export function createForwarder(opts: ForwardOptions): (req: Request) => Promise<Response> {
  const target = new URL(opts.target);
  const targetOrigin = target.origin;
  const basePath = target.pathname.replace(/\/+$/, '') || '/';
  const limit = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const send = opts.fetch ?? fetch;

  return async (req) => {
    const arrived = new Date();
    const started = performance.now();
    const incoming = new URL(req.url);
    const proxyOrigin = opts.publicOrigin ?? incoming.origin;
    const url = `${targetOrigin}${incoming.pathname}${incoming.search}`;
    const request: GradedRequest = {
      method: req.method,
      path: relativePath(incoming.pathname, basePath),
      query: Object.fromEntries(incoming.searchParams),
      headers: headerRecord(req.headers),
    };
    const done = (status: number, extra: Pick<ProxiedExchange, 'answer' | 'error'>) =>
      opts.onExchange({ time: arrived.toISOString(), durationMs: Math.round((performance.now() - started) * 10) / 10, url, request, status, ...extra });

    let body: Uint8Array<ArrayBuffer> | undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.body) {
      try {
        body = await readBytes(req.body, limit);
      } catch (err) {
        const tooLarge = err instanceof BodyTooLarge;
        const status = tooLarge ? 413 : 400;
        const error = tooLarge ? `the request body exceeds ${limit} bytes; not forwarded` : `the request body could not be read: ${(err as Error).message}`;
        done(status, { error });
        return proxyError(status, error);
      }
      const text = Buffer.from(body).toString('utf8');
      if (text !== '') request.rawBody = text;
      const json = parseJson(text);
      if (json !== undefined) request.body = json;
    }

    const signal = AbortSignal.timeout(timeoutMs);
    let res: Response;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      const headers = forwardable(req.headers, [...CONNECTION_OWN, 'accept-encoding']);
      // RFC 9110 §7.6.3: an HTTP-to-HTTP gateway MUST send a Via header field in each inbound request.
      headers.append('via', '1.1 scimcheck-proxy');
      res = await send(new Request(url, { method: req.method, headers, body: body && body.byteLength > 0 ? body : undefined, redirect: 'manual', signal }));
      bytes = req.method === 'HEAD' ? new Uint8Array() : await readBytes(res.body, limit);
    } catch (err) {
      const timedOut = signal.aborted;
      const tooLarge = err instanceof BodyTooLarge;
      const status = timedOut ? 504 : 502;
      const error = timedOut
        ? `the target did not answer within ${timeoutMs} ms`
        : tooLarge
          ? `the target's answer exceeds ${limit} bytes`
          : `the target could not be reached: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`;
      done(status, { error });
      return proxyError(status, error);
    }

    const text = Buffer.from(bytes).toString('utf8');
    const answer: GradedAnswer = { status: res.status, headers: headerRecord(res.headers) };
    if (text !== '') answer.rawBody = text;
    const json = parseJson(text);
    if (json !== undefined) answer.body = json;

    // Back to the client: the same answer, URLs on the target's origin pointing at the proxy instead.
    const outHeaders = forwardable(res.headers, DECODED);
    for (const h of URL_HEADERS) {
      const v = outHeaders.get(h);
      const next = v === null ? undefined : rewriteUrl(v, targetOrigin, proxyOrigin);
      if (next !== undefined) outHeaders.set(h, next);
    }
    let outBody: Uint8Array<ArrayBuffer> | string = bytes;
    if (json !== undefined) {
      const rewritten = rewriteJson(json, targetOrigin, proxyOrigin);
      if (rewritten.changed > 0) outBody = JSON.stringify(rewritten.value);
    }
    done(res.status, { answer });
    const noBody = req.method === 'HEAD' || res.status === 204 || res.status === 304 || (res.status >= 100 && res.status < 200);
    return new Response(noBody ? null : outBody, { status: res.status, statusText: res.statusText, headers: outHeaders });
  };
}
