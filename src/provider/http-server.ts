/**
 * The provider's node:http server, plus SCIM error bodies (RFC 7644 §3.12) for the refusals made before a
 * request ever reaches the handler (issue 11 #10). Node's parser answers those itself with an empty body (a
 * 16 KB URL, an unknown method) and a malformed Host would get an empty 400; a SCIM client should get an
 * Error it can read wherever the connection still allows an answer.
 *
 * Two mounts: the provider itself is answered straight from IncomingMessage/ServerResponse (node-request.ts
 * and `writeAnswer` here), without a WHATWG Request and Response per request (issue 11, "Honest benchmarks");
 * any other fetch handler (the `--ui` console, which wraps the provider) goes through @hono/node-server.
 */
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { RequestError, getRequestListener } from '@hono/node-server';
import { ScimError } from '../scim/errors.ts';
import { SCIM_CONTENT_TYPE } from './http.ts';
import { drainUnreadBody, nodeScimRequest } from './node-request.ts';
import type { PlainGet, ScimAnswer, ScimRequest } from './scim-request.ts';

export type FetchHandler = (req: Request) => Promise<Response>;

/**
 * The provider's core handler (`provider.answer`): the node mount calls it with no WHATWG objects in between.
 * Each answer is the mount's to write: its `headers` object (built per answer) is handed to writeHead as it is.
 */
export interface ScimApp {
  answer(req: ScimRequest): Promise<ScimAnswer>;
  /**
   * Optional: a GET answered at once (the provider's fast lane, fast-lane.ts), or undefined to go the general way.
   * Tried first, before any ScimRequest or URL is built; it must answer exactly as `answer` would.
   */
  answerNow?(get: PlainGet): ScimAnswer | undefined;
}

export interface ScimServerOptions {
  /** Host used for an HTTP/1.0 request without a Host header (the address the server listens on). */
  defaultHost?: string;
}

/** Node's request line + header limit (--max-http-header-size, 16 KiB by default). */
const REQUEST_LINE_LIMIT = 8 * 1024;

function errorText(status: number, detail: string): string {
  return JSON.stringify(new ScimError(status, detail).toBody());
}

/** What a parser error means for the client. `rawPacket` is what the parser had when it gave up. */
function refusalOf(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): [number, string] {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW': {
      // RFC 9110 §15.5.15: a request line that alone passes the limit is 414; otherwise the headers are 431 (RFC 6585 §5).
      const packet = err.rawPacket ?? Buffer.alloc(0);
      const lineEnd = packet.indexOf('\r\n');
      return (lineEnd < 0 ? packet.length : lineEnd) > REQUEST_LINE_LIMIT
        ? [414, 'The request URL is longer than this server accepts (16 KiB with the headers)']
        : [431, 'The request headers are larger than this server accepts (16 KiB)'];
    }
    case 'HPE_INVALID_METHOD':
      // RFC 9110 §15.6.2: a method (a token, §9.1) the server does not recognize is 501; anything else is no request line.
      if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /.test((err.rawPacket ?? Buffer.alloc(0)).subarray(0, 64).toString('latin1'))) {
        return [501, 'Unknown HTTP method: SCIM uses GET, POST, PUT, PATCH and DELETE (RFC 7644 §3)'];
      }
      return [400, 'The request does not start with an HTTP request line'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'The request did not arrive in time'];
    default:
      return [400, `The request is not valid HTTP/1.1 (${err.code ?? 'parse error'})`];
  }
}

/** `server.on('clientError')`: answer with a SCIM error and close, when the socket can still take one. */
function answerClientError(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
    // The client is gone, or a response is already being written on this socket: nothing more to say.
    socket.destroy();
    return;
  }
  const [status, detail] = refusalOf(err);
  const body = errorText(status, detail);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: ${SCIM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function answerDirectly(outgoing: ServerResponse, status: number, detail: string): void {
  const body = errorText(status, detail);
  outgoing.writeHead(status, { 'Content-Type': SCIM_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  outgoing.end(body);
}

/**
 * Writes a provider answer. A text body gets its Content-Length (one write, no chunked framing), as the
 * fetch adapter's listener did; node:http leaves the body of a HEAD answer out itself.
 */
function writeAnswer(outgoing: ServerResponse, answer: ScimAnswer): void {
  if (answer.body === null) {
    outgoing.writeHead(answer.status, answer.headers);
    outgoing.end();
    return;
  }
  // The answer's own header object takes the length (it is built per answer and read by nobody after this).
  answer.headers['Content-Length'] = String(Buffer.byteLength(answer.body));
  outgoing.writeHead(answer.status, answer.headers);
  outgoing.end(answer.body);
}

/**
 * A GET as PlainGet, read from the raw header list in one pass (node builds `incoming.headers` lazily; the fast lane
 * never asks for it): only with one non-empty Host, at most one Authorization and no If-None-Match.
 */
function plainGetOf(incoming: IncomingMessage): PlainGet | undefined {
  const target = incoming.url;
  if (target === undefined || target.charCodeAt(0) !== 47) return undefined;
  const raw = incoming.rawHeaders;
  let host: string | undefined;
  let authorization: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4) {
      if (name.toLowerCase() !== 'host') continue;
      if (host !== undefined) return undefined;
      host = raw[i + 1]!;
    } else if (name.length === 13) {
      const lower = name.toLowerCase();
      if (lower === 'if-none-match') return undefined;
      if (lower !== 'authorization') continue;
      if (authorization !== null) return undefined;
      authorization = raw[i + 1]!.trim();
    }
  }
  if (!host) return undefined;
  return { target, host, secure: (incoming.socket as { encrypted?: boolean } | null)?.encrypted === true, authorization };
}

/** The fast lane's mount: true when `answerNow` answered (and the answer is written). */
function fastListener(answerNow: (get: PlainGet) => ScimAnswer | undefined): (incoming: IncomingMessage, outgoing: ServerResponse) => boolean {
  return (incoming, outgoing) => {
    if (incoming.method !== 'GET') return false;
    const get = plainGetOf(incoming);
    const answer = get && answerNow(get);
    if (answer === undefined) return false;
    writeAnswer(outgoing, answer);
    return true;
  };
}

/** The direct mount: IncomingMessage -> ScimRequest -> provider.answer -> writeHead + end. */
function directListener(app: ScimApp, defaultHost: string | undefined): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  return (incoming, outgoing) => {
    let req: ScimRequest;
    try {
      req = nodeScimRequest(incoming, defaultHost);
    } catch (err) {
      // A Host that is no host, an invalid URL: the same 400 the fetch mount gives (RequestError below).
      answerDirectly(outgoing, 400, `Bad request: ${err instanceof Error ? err.message : String(err)}`);
      drainUnreadBody(incoming, outgoing);
      return;
    }
    app.answer(req).then(
      (answer) => {
        if (outgoing.headersSent || outgoing.destroyed) return;
        writeAnswer(outgoing, answer);
        // A body the handler did not read (a 413, an error before the body) is drained, bounded, as the adapter did.
        drainUnreadBody(incoming, outgoing);
      },
      () => {
        // provider.answer never rejects (it answers 500 itself); this is for any other ScimApp.
        if (!outgoing.headersSent && !outgoing.destroyed) answerDirectly(outgoing, 500, 'Internal server error');
      },
    );
  };
}

export function createScimServer(handler: FetchHandler | ScimApp, opts: ScimServerOptions = {}): Server {
  const listener = typeof handler === 'function' ? fetchListener(handler, opts) : directListener(handler, opts.defaultHost);
  const fast = typeof handler !== 'function' && handler.answerNow ? fastListener(handler.answerNow.bind(handler)) : undefined;
  // Node's own missing-Host 400 has no body: checked here instead, with one.
  const server = createServer({ requireHostHeader: false }, (incoming: IncomingMessage, outgoing: ServerResponse) => {
    // A plain GET the fast lane answers carries a Host (plainGetOf), so the check below has nothing to say to it.
    if (fast !== undefined && fast(incoming, outgoing)) return;
    if (incoming.httpVersion === '1.1' && !incoming.headers.host) {
      // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host header.
      answerDirectly(outgoing, 400, 'An HTTP/1.1 request needs a Host header (RFC 9112 §3.2)');
      incoming.resume();
      return;
    }
    void listener(incoming, outgoing);
  });
  server.on('clientError', answerClientError);
  return server;
}

/** The fetch mount, for handlers that need WHATWG objects (the console's SSE stream, its request log). */
function fetchListener(fetch: FetchHandler, opts: ScimServerOptions) {
  return getRequestListener(fetch, {
    hostname: opts.defaultHost,
    // Reached when the adapter cannot build a Request (a Host that is no host, an invalid URL), or the
    // handler throws (the provider never does: it answers 500 itself).
    errorHandler: (err) => {
      const bad = err instanceof RequestError;
      return new Response(errorText(bad ? 400 : 500, bad ? `Bad request: ${err.message}` : 'Internal server error'), {
        status: bad ? 400 : 500,
        headers: { 'Content-Type': SCIM_CONTENT_TYPE, Connection: 'close' },
      });
    },
  });
}
