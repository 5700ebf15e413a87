/**
 * The provider's node:http server: @hono/node-server's request listener around a fetch handler, plus SCIM
 * error bodies (RFC 7644 §3.12) for the refusals made before a request ever reaches that handler (issue 11
 * #10). Node's parser answers those itself with an empty body (a 16 KB URL, an unknown method) and the
 * adapter answers a malformed Host with an empty 400; a SCIM client should get an Error it can read
 * wherever the connection still allows an answer.
 */
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { RequestError, getRequestListener } from '@hono/node-server';
import { ScimError } from '../scim/errors.ts';
import { SCIM_CONTENT_TYPE } from './http.ts';

export type FetchHandler = (req: Request) => Promise<Response>;

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

export function createScimServer(fetch: FetchHandler, opts: ScimServerOptions = {}): Server {
  const listener = getRequestListener(fetch, {
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
  // Node's own missing-Host 400 has no body: checked here instead, with one.
  const server = createServer({ requireHostHeader: false }, (incoming: IncomingMessage, outgoing: ServerResponse) => {
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
