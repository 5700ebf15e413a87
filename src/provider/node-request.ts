/**
 * A node:http IncomingMessage as the provider's ScimRequest (scim-request.ts), for the direct mount in
 * http-server.ts. It keeps what the @hono/node-server adapter did before it, so both mounts answer alike:
 * the same absolute URL (and the same 400 for a Host or target that makes none), header look-up with repeated
 * fields joined by ", " (as WHATWG Headers.get), no body on GET/HEAD, the body limits of http.ts (413 by
 * Content-Length or by the bytes read, invalid UTF-8 400), and a bounded drain of a body nobody read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { scimError } from '../scim/errors.ts';
import { BodyBytes, refuseDeclaredLength, type BodyLimits } from './http.ts';
import type { HeaderLookup, ScimRequest } from './scim-request.ts';

/** A request target or Host that yields no URL; the mount answers 400 with this message. */
export class BadRequestTarget extends Error {}

// The checks of @hono/node-server's buildUrl (its fast path for an ordinary Host and origin-form target).
const PLAIN_TARGET = /^\/[!#$&-;=?-\[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;
/** A Host taken as written (no URL parse); also the fast lane's test for a Host it may serve (fast-lane.ts). */
export const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

function refuseBackslashInPath(target: string): void {
  const backslash = target.indexOf('\\');
  if (backslash !== -1) {
    const query = target.indexOf('?');
    if (query === -1 || backslash < query) throw new BadRequestTarget('Backslash in request path');
  }
}

/** RFC 9112 §3.2–§3.3: the target URI from the request target and Host (absolute-form wins). */
export function requestUrl(incoming: IncomingMessage, defaultHost: string | undefined): string {
  const target = incoming.url || '';
  if (target[0] !== '/' && (target.startsWith('http://') || target.startsWith('https://'))) {
    try {
      refuseBackslashInPath(target);
      return new URL(target).href;
    } catch {
      throw new BadRequestTarget('Invalid absolute URL');
    }
  }
  const host = incoming.headers.host || defaultHost;
  if (!host) throw new BadRequestTarget('Missing host header');
  const scheme = (incoming.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
  const url = `${scheme}://${host}${target}`;
  try {
    if (!PLAIN_HOST.test(host)) {
      refuseBackslashInPath(target);
      const parsed = new URL(url);
      // A Host the URL parser reads as something else (userinfo, a path) names no host of ours.
      if (parsed.hostname.length !== host.length && parsed.hostname !== (host.includes(':') ? host.replace(/:\d+$/, '') : host).toLowerCase()) {
        throw new BadRequestTarget('Invalid host header');
      }
      return parsed.href;
    }
    if (target.length === 0) return `${url}/`;
    if (target.charCodeAt(0) !== 47) throw new BadRequestTarget('Invalid URL');
    if (!PLAIN_TARGET.test(target) || DOT_SEGMENT.test(target)) {
      refuseBackslashInPath(target);
      return new URL(url).href;
    }
    return url;
  } catch (err) {
    throw err instanceof BadRequestTarget ? err : new BadRequestTarget('Invalid URL');
  }
}

/**
 * Header fields by lower-case name from the raw list, so a repeated field reads "a, b" as WHATWG Headers gives it
 * (node's `headers` keeps only the first of some, e.g. Authorization). A name node's `headers` lacks was not sent.
 */
function rawHeader(incoming: IncomingMessage, name: string): string | null {
  if (incoming.headers[name] === undefined) return null;
  const raw = incoming.rawHeaders;
  let value: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const field = raw[i]!;
    if (field.length === name.length && field.toLowerCase() === name) {
      const v = raw[i + 1]!.trim();
      value = value === null ? v : `${value}, ${v}`;
    }
  }
  return value;
}

/** Reads the body within the limits of http.ts, without buffering past the limit: 413 stops the reading. */
function readIncomingBody(incoming: IncomingMessage, headers: HeaderLookup, limits: BodyLimits): Promise<string> {
  refuseDeclaredLength(headers.get('content-length'), limits);
  if (incoming.method === 'GET' || incoming.method === 'HEAD' || incoming.readableEnded) return Promise.resolve('');
  return new Promise<string>((resolve, reject) => {
    const bytes = new BodyBytes(limits);
    const stop = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onBroken);
      incoming.off('close', onBroken);
    };
    const onData = (chunk: Buffer) => {
      try {
        bytes.add(chunk);
      } catch (err) {
        // 413: stop reading here; drainUnreadBody deals with the rest once the answer is written.
        stop();
        incoming.pause();
        reject(err);
      }
    };
    const onEnd = () => {
      stop();
      try {
        resolve(bytes.size === 0 ? '' : bytes.text());
      } catch (err) {
        reject(err);
      }
    };
    // The client went away mid-body: nobody will read the answer, but the handler must not wait forever.
    const onBroken = () => {
      stop();
      reject(scimError.invalidSyntax('The request body did not arrive whole'));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onBroken);
    incoming.on('close', onBroken);
  });
}

/**
 * One object per request, its own header look-up, methods on the prototype: no closures per request (issue 11
 * "Honest benchmarks": fewer allocations on the GET path).
 */
class NodeScimRequest implements ScimRequest, HeaderLookup {
  readonly method: string;
  readonly headers: HeaderLookup = this;
  constructor(
    private readonly incoming: IncomingMessage,
    readonly url: string,
  ) {
    this.method = incoming.method ?? 'GET';
  }

  get(name: string): string | null {
    return rawHeader(this.incoming, name);
  }

  readBody(limits: BodyLimits): Promise<string> {
    return readIncomingBody(this.incoming, this, limits);
  }

  toRequest(): Request {
    const h = new Headers();
    const raw = this.incoming.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      try {
        h.append(raw[i]!, raw[i + 1]!);
      } catch {
        // A field WHATWG Headers refuses is left out of this picture of the request.
      }
    }
    try {
      return new Request(this.url, { method: this.method, headers: h });
    } catch {
      return new Request(this.url);
    }
  }
}

export function nodeScimRequest(incoming: IncomingMessage, defaultHost: string | undefined): ScimRequest {
  return new NodeScimRequest(incoming, requestUrl(incoming, defaultHost));
}

/** What the drain reads at most, and for how long, before it closes the connection (the adapter's bounds). */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 500;

/**
 * Once the answer is written, a request body nobody read to the end (a 413, a refusal before the body) is
 * read and dropped so the connection can carry the next request, up to 64 MiB or 500 ms; past that the
 * socket is closed. GET and HEAD are left to node:http, which discards their bodies itself.
 */
export function drainUnreadBody(incoming: IncomingMessage, outgoing: ServerResponse): void {
  if (incoming.method === 'GET' || incoming.method === 'HEAD' || incoming.readableEnded) return;
  outgoing.once('finish', () => {
    if (incoming.readableEnded || incoming.destroyed) return;
    let read = 0;
    const cleanup = () => {
      clearTimeout(timer);
      incoming.off('data', onData);
      incoming.off('end', cleanup);
      incoming.off('error', cleanup);
    };
    const forceClose = () => {
      cleanup();
      const socket = incoming.socket;
      if (socket && !socket.destroyed) socket.destroySoon();
    };
    const timer = setTimeout(forceClose, DRAIN_TIMEOUT_MS);
    timer.unref();
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > DRAIN_MAX_BYTES) forceClose();
    };
    incoming.on('data', onData);
    incoming.on('end', cleanup);
    incoming.on('error', cleanup);
    incoming.resume();
  });
}
