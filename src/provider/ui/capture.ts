/**
 * Wraps the provider's fetch handler so every SCIM exchange lands in the request log: method, path,
 * status, time, and both bodies (redacted, clipped). The provider itself stays unaware of the console.
 *
 * The request body is observed as the provider reads it, never copied ahead of it (issue 11 #7): a
 * `clone()` tees the body, and a tee's cancel only reaches the client once *both* branches are
 * cancelled, so the provider's 413 on an oversized chunked body waited forever on the log's branch. A
 * pass-through stream keeps the provider in charge: the log sees exactly the bytes the provider pulled,
 * the provider's size limits hold, and its cancel goes straight to the connection.
 */
import type { LogEntry, LoggedFinding, RequestLog } from './request-log.ts';
import { redactBody, redactHeaders, redactPathAndQuery } from './redact.ts';

/** Bodies longer than this are cut in the log (the provider accepts up to 1 MiB). */
const BODY_LIMIT = 64 * 1024;
/**
 * Raw bytes kept per body to redact: the provider's default body limit. A longer body cannot be
 * redacted (a clipped JSON document no longer parses), so it is noted, never shown.
 */
const RAW_LIMIT = 1024 * 1024;

/** What a body stream delivered: the first RAW_LIMIT bytes, the total, and whether it ran to its end. */
class BodyTap {
  private readonly chunks: Uint8Array[] = [];
  size = 0;
  ended = false;

  take(chunk: Uint8Array): void {
    if (this.size + chunk.byteLength <= RAW_LIMIT) this.chunks.push(chunk);
    this.size += chunk.byteLength;
  }

  /** The body as sent, when it was read whole and kept ('' when empty); undefined otherwise (for graders). */
  raw(): string | undefined {
    if (this.size === 0) return this.ended ? '' : undefined;
    return this.ended && this.size <= RAW_LIMIT ? Buffer.concat(this.chunks).toString('utf8') : undefined;
  }

  /** The body as logged: redacted and clipped when it was read whole, otherwise a note of what was read. */
  forLog(): string {
    if (this.size === 0) return '';
    if (!this.ended || this.size > RAW_LIMIT) {
      return `(${this.size} bytes read, not shown: ${this.size > RAW_LIMIT ? `more than the ${RAW_LIMIT} bytes the log redacts` : 'the body was not read to its end'})`;
    }
    return forLog(Buffer.concat(this.chunks).toString('utf8'));
  }
}

/** Redacted first (a clipped JSON document would no longer parse), then clipped. */
function forLog(text: string): string {
  const safe = redactBody(text);
  return safe.length > BODY_LIMIT ? `${safe.slice(0, BODY_LIMIT)}… (${safe.length - BODY_LIMIT} more characters)` : safe;
}

/** The same request, its body passing through `tap` as the handler reads it (and cancels straight through). */
function observed(req: Request, tap: BodyTap): Request {
  const source = req.body!.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await source.read();
        if (done) {
          tap.ended = true;
          controller.close();
          return;
        }
        tap.take(value);
        controller.enqueue(value);
      },
      cancel(reason) {
        return source.cancel(reason);
      },
    },
    // Pull only on demand: nothing is read ahead of the provider.
    { highWaterMark: 0 },
  );
  return new Request(req.url, { method: req.method, headers: req.headers, body, signal: req.signal, duplex: 'half' } as RequestInit);
}

/** Reads a response copy for the log up to RAW_LIMIT bytes; past that it stops (without waiting on the cancel). */
async function readResponseCopy(res: Response): Promise<BodyTap> {
  const tap = new BodyTap();
  if (!res.body) return tap;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        tap.ended = true;
        return tap;
      }
      tap.take(value);
      if (tap.size > RAW_LIMIT) {
        // A tee branch's cancel settles only with the other branch: never awaited.
        void reader.cancel().catch(() => undefined);
        return tap;
      }
    }
  } catch {
    return tap;
  }
}

export type FetchHandler = (req: Request) => Promise<Response>;

/** One exchange as captured, for a grader (`serve --grade-clients`, issue 14): the request as sent plus the logged view. */
export interface CapturedExchange {
  method: string;
  url: URL;
  headers: Headers;
  /** The request body as sent; undefined when the handler did not read it whole (a refusal before reading). */
  body: string | undefined;
  hadBody: boolean;
  /** The redacted view the log keeps (for transcripts). */
  logged: Omit<LogEntry, 'seq' | 'findings'>;
}

/** Grades a captured exchange; its findings go on the log entry. A throw is caught: logging never breaks. */
export type ExchangeGrader = (exchange: CapturedExchange) => LoggedFinding[] | undefined;

export function withRequestLog(handler: FetchHandler, log: RequestLog, now: () => number = () => performance.now(), grade?: ExchangeGrader): FetchHandler {
  return async (req) => {
    const arrived = new Date();
    const started = now();
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.body !== null;
    const tap = new BodyTap();
    const res = await handler(hasBody ? observed(req, tap) : req);
    const durationMs = Math.round((now() - started) * 10) / 10;
    const resCopy = res.clone();
    // Logged after the answer is on its way: reading the copy never delays the client.
    void (async () => {
      const resTap = await readResponseCopy(resCopy);
      const logged = {
        time: arrived.toISOString(),
        method: req.method,
        path: redactPathAndQuery(new URL(req.url)),
        status: res.status,
        durationMs,
        request: { headers: redactHeaders(req.headers), body: tap.forLog() },
        response: { headers: redactHeaders(res.headers), body: resTap.forLog() },
      };
      let findings: LoggedFinding[] | undefined;
      try {
        findings = grade?.({ method: req.method, url: new URL(req.url), headers: req.headers, body: tap.raw(), hadBody: hasBody, logged });
      } catch {
        // A grader's bug must not cost the log its entry (the grader reports its own errors).
      }
      log.add(findings ? { ...logged, findings } : logged);
    })();
    return res;
  };
}
