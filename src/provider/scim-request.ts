/**
 * The small request/answer pair the provider's core handler works on, so that `scimcheck serve` can answer
 * straight from node:http's IncomingMessage/ServerResponse (http-server.ts) without building a WHATWG
 * Request and Response per request (together ~20 µs of a GET that the provider answers in ~12 µs; see
 * docs/provider.md "Benchmarks"). `provider.fetch` adapts a WHATWG Request to it and the answer back, for
 * msw, tests and embedded use: both mounts run the very same handler.
 */
import { readBodyText, type BodyLimits } from './http.ts';

/** Header look-up by lower-case name; several fields of one name come joined with ", " (as WHATWG Headers.get). */
export interface HeaderLookup {
  get(name: string): string | null;
}

export interface ScimRequest {
  /** As sent (node:http and WHATWG Request both upper-case the standard methods). */
  readonly method: string;
  /** Absolute URL of the request (scheme, the Host it was sent to, path and query). */
  readonly url: string;
  readonly headers: HeaderLookup;
  /**
   * The body as UTF-8 text, read at most once: more than `maxBodyBytes` (declared or read) is 413 before it is
   * all buffered, invalid UTF-8 is 400 (http.ts). An absent body is ''.
   */
  readBody(limits: BodyLimits): Promise<string>;
  /** A WHATWG Request standing for this one (without its body), for onInternalError. Built only when asked. */
  toRequest(): Request;
}

/**
 * A GET as the node mount hands it to the provider's fast lane (fast-lane.ts) before building a ScimRequest: the
 * raw target and the only header fields that lane reads. The mount offers it only when Host came exactly once
 * (non-empty), Authorization at most once, and no If-None-Match (a 304 is the general path's to give).
 */
export interface PlainGet {
  /** The request target as sent (origin-form when it starts with '/'). */
  readonly target: string;
  readonly host: string;
  /** True on a TLS socket: the base URL's scheme. */
  readonly secure: boolean;
  /** The Authorization field, trimmed as HeaderLookup gives it; null when not sent. */
  readonly authorization: string | null;
}

/** What the core handler answers: a status, header fields and a body that is already text (or none). */
export interface ScimAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

export function scimRequestFromFetch(req: Request): ScimRequest {
  return {
    method: req.method,
    url: req.url,
    headers: req.headers,
    readBody: (limits) => readBodyText(req, limits),
    toRequest: () => req,
  };
}

export function answerToResponse(answer: ScimAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
