/**
 * The live provider console (`scimcheck serve --ui`): at /ui a page with the users and groups in the
 * store and the SCIM requests as they arrive. Everything else goes to the provider, through the request
 * log. All state (log, open streams) lives in the object returned: two consoles can share a process.
 */
import type { Provider } from '../create-provider.ts';
import { withRequestLog, type ExchangeGrader, type FetchHandler } from './capture.ts';
import { createConsoleAuth, type ConsoleAuthOptions } from './console-auth.ts';
import { directoryView, type DirectoryView } from './directory.ts';
import { consolePage } from './page.ts';
import { RequestLog, type LogEntry } from './request-log.ts';

export const CONSOLE_PATH = '/ui';

export interface ConsoleOptions {
  /** The provider served: its traffic is logged and its store listed. */
  provider?: Provider;
  /**
   * Instead of a provider (`scimcheck proxy`, issue 14): the handler served as it is, not logged (the caller
   * adds its exchanges to `log` itself, with their findings), and the base path the page shows.
   */
  passthrough?: { fetch: FetchHandler; basePath: string; directory?: () => DirectoryView };
  /** `serve --grade-clients` (issue 14): grades each logged exchange of the provider; its findings show per exchange. */
  grade?: ExchangeGrader;
  auth: ConsoleAuthOptions;
  /** Exchanges kept for pages that open later (default 500). */
  logCapacity?: number;
  /** SSE keep-alive comment interval (default 15 s) so proxies do not drop an idle stream. */
  keepAliveMs?: number;
  /** Bytes one event stream may hold for a reader that is not reading (default 256 KiB). */
  streamBufferBytes?: number;
}

export interface ProviderConsole {
  /** The handler to serve: /ui… is the console, everything else the provider (logged). */
  fetch: FetchHandler;
  log: RequestLog;
  /** Ends every open event stream (so a server can close). */
  close(): void;
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // The page URL may carry ?token=: never send it onwards as a Referer (RFC 7644 §7.5.2).
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS, ...headers } });
}

export function createConsole(opts: ConsoleOptions): ProviderConsole {
  const log = new RequestLog(opts.logCapacity ?? 500);
  const auth = createConsoleAuth(opts.auth);
  const { provider, passthrough } = opts;
  if (!provider && !passthrough) throw new TypeError('createConsole needs a provider or a passthrough handler');
  const api = provider ? withRequestLog((req) => provider.fetch(req), log, undefined, opts.grade) : passthrough!.fetch;
  const basePath = provider?.basePath ?? passthrough!.basePath;
  /** Closes each open event stream (close() ends them all so a server can stop). */
  const streams = new Set<() => void>();
  const keepAliveMs = opts.keepAliveMs ?? 15_000;
  const streamBufferBytes = opts.streamBufferBytes ?? 256 * 1024;

  /**
   * The request log as Server-Sent Events. The stream is fed on demand from the shared log (issue 11
   * #8): it holds at most `streamBufferBytes` (plus the one event that crossed the line) whatever its
   * reader does, because an entry is queued only while the stream has room. A reader so slow that the
   * log drops entries it has not had yet has fallen behind: it gets a `dropped` event saying how many it
   * missed, and the stream ends (the page reconnects from what it has).
   */
  function events(req: Request): Response {
    const url = new URL(req.url);
    // A reconnecting page says what it has seen (Last-Event-ID, as EventSource would, or ?after=).
    const asked = Number(req.headers.get('last-event-id') ?? url.searchParams.get('after') ?? 0) || 0;
    const enc = new TextEncoder();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let ended = false;
    let unsubscribe = () => {};
    let beat: ReturnType<typeof setInterval> | undefined;
    /** The newest entry already queued on this stream. */
    let sentSeq = Math.max(0, Math.min(asked, log.lastSeq));

    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearInterval(beat);
      streams.delete(closeStream);
    };
    const closeStream = () => {
      end();
      try {
        controller.close();
      } catch {
        // already closed or cancelled by the client
      }
    };
    const push = (chunk: string) => {
      try {
        controller.enqueue(enc.encode(chunk));
      } catch {
        end();
      }
    };
    const hasRoom = () => (controller.desiredSize ?? 0) > 0;
    /** Queues kept entries after sentSeq while there is room; a gap means the reader fell behind. */
    let feeding = false;
    const feed = () => {
      // enqueue() may call pull() synchronously, which feeds again: one feeder at a time.
      if (ended || feeding) return;
      feeding = true;
      try {
        const first = log.firstSeq;
        if (sentSeq + 1 < first) {
          push(`event: dropped\ndata: ${JSON.stringify({ missed: first - sentSeq - 1, reason: 'this stream fell behind the request log; reconnect to continue' })}\n\n`);
          closeStream();
          return;
        }
        while (!ended && hasRoom()) {
          const e = log.get(sentSeq + 1);
          if (!e) return;
          sentSeq = e.seq;
          push(`id: ${e.seq}\nevent: request\ndata: ${JSON.stringify(e)}\n\n`);
        }
      } finally {
        feeding = false;
      }
    };

    const body = new ReadableStream<Uint8Array>(
      {
        start(c) {
          controller = c;
          push('retry: 2000\n\n');
          // A page reconnecting after the log moved on is told what it missed, then gets what is kept.
          const first = log.firstSeq;
          if (sentSeq + 1 < first && log.lastSeq > sentSeq) {
            push(`event: missed\ndata: ${JSON.stringify({ missed: first - sentSeq - 1 })}\n\n`);
            sentSeq = first - 1;
          }
          unsubscribe = log.subscribe(feed);
          beat = setInterval(() => {
            if (hasRoom()) push(': keep-alive\n\n');
          }, keepAliveMs);
          streams.add(closeStream);
          feed();
        },
        pull() {
          feed();
        },
        cancel() {
          end();
        },
      },
      // Counted in bytes, so the bound is what the stream holds in memory.
      { highWaterMark: streamBufferBytes, size: (chunk) => chunk.byteLength },
    );
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', ...SECURITY_HEADERS } });
  }

  async function handleConsole(req: Request, sub: string): Promise<Response> {
    if (req.method !== 'GET') return text(405, 'the console is read-only', { allow: 'GET' });
    const isPage = sub === '' || sub === '/';
    if (!auth.allows(req, isPage)) {
      return text(401, `The console needs credentials: open ${CONSOLE_PATH}?token=TOKEN (the API's bearer token, or the --ui-token), or sign in with the API's Basic credentials.`, {
        'www-authenticate': auth.challenge(),
      });
    }
    if (isPage) {
      return new Response(consolePage({ basePath }), {
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
          ...SECURITY_HEADERS,
        },
      });
    }
    if (sub === '/api/state') {
      // A passthrough has no store of its own: it lists what it saw pass, if it keeps that.
      const view = provider ? await directoryView(provider.store) : (passthrough?.directory?.() ?? { users: [], groups: [] });
      return new Response(JSON.stringify(view), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS } });
    }
    if (sub === '/api/events') return events(req);
    return text(404, `no console page at ${CONSOLE_PATH}${sub}`);
  }

  return {
    log,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`)) return handleConsole(req, path.slice(CONSOLE_PATH.length));
      return api(req);
    },
    close() {
      for (const end of [...streams]) end();
    },
  };
}
