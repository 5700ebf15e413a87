/**
 * The live provider console (`scimcheck serve --ui`): at /ui a page with the users and groups in the
 * store and the SCIM requests as they arrive. Everything else goes to the provider, through the request
 * log. All state (log, open streams) lives in the object returned: two consoles can share a process.
 */
import type { Provider } from '../create-provider.ts';
import { withRequestLog, type FetchHandler } from './capture.ts';
import { createConsoleAuth, type ConsoleAuthOptions } from './console-auth.ts';
import { directoryView } from './directory.ts';
import { consolePage } from './page.ts';
import { RequestLog, type LogEntry } from './request-log.ts';

export const CONSOLE_PATH = '/ui';

export interface ConsoleOptions {
  provider: Provider;
  auth: ConsoleAuthOptions;
  /** Exchanges kept for pages that open later (default 500). */
  logCapacity?: number;
  /** SSE keep-alive comment interval (default 15 s) so proxies do not drop an idle stream. */
  keepAliveMs?: number;
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
  const api = withRequestLog((req) => opts.provider.fetch(req), log);
  const streams = new Set<() => void>();
  const keepAliveMs = opts.keepAliveMs ?? 15_000;

  function events(req: Request): Response {
    const url = new URL(req.url);
    // A reconnecting page says what it has seen (Last-Event-ID, as EventSource would, or ?after=).
    const after = Number(req.headers.get('last-event-id') ?? url.searchParams.get('after') ?? 0) || 0;
    const enc = new TextEncoder();
    let stop = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const push = (chunk: string) => {
          try {
            controller.enqueue(enc.encode(chunk));
          } catch {
            stop();
          }
        };
        const send = (e: LogEntry) => push(`id: ${e.seq}\nevent: request\ndata: ${JSON.stringify(e)}\n\n`);
        push('retry: 2000\n\n');
        for (const e of log.since(after)) send(e);
        const unsubscribe = log.subscribe(send);
        const beat = setInterval(() => push(': keep-alive\n\n'), keepAliveMs);
        const end = () => {
          unsubscribe();
          clearInterval(beat);
          streams.delete(end);
        };
        stop = end;
        streams.add(() => {
          end();
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
        });
      },
      cancel() {
        stop();
      },
    });
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
      return new Response(consolePage({ basePath: opts.provider.basePath }), {
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
          ...SECURITY_HEADERS,
        },
      });
    }
    if (sub === '/api/state') {
      const view = await directoryView(opts.provider.store);
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
