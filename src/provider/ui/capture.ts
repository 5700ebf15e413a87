/**
 * Wraps the provider's fetch handler so every SCIM exchange lands in the request log: method, path,
 * status, time, and both bodies (redacted, clipped). The provider itself stays unaware of the console.
 */
import type { RequestLog } from './request-log.ts';
import { redactBody, redactHeaders, redactPathAndQuery } from './redact.ts';

/** Bodies longer than this are cut in the log (the provider accepts up to 1 MiB). */
const BODY_LIMIT = 64 * 1024;

async function readText(r: Request | Response): Promise<string> {
  try {
    return await r.text();
  } catch {
    return '';
  }
}

/** Redacted first (a clipped JSON document would no longer parse), then clipped. */
function forLog(text: string): string {
  const safe = redactBody(text);
  return safe.length > BODY_LIMIT ? `${safe.slice(0, BODY_LIMIT)}… (${safe.length - BODY_LIMIT} more characters)` : safe;
}

export type FetchHandler = (req: Request) => Promise<Response>;

export function withRequestLog(handler: FetchHandler, log: RequestLog, now: () => number = () => performance.now()): FetchHandler {
  return async (req) => {
    const arrived = new Date();
    const started = now();
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.body !== null;
    const copy = hasBody ? req.clone() : undefined;
    const res = await handler(req);
    const durationMs = Math.round((now() - started) * 10) / 10;
    const resCopy = res.clone();
    // Logged after the answer is on its way: reading the copies never delays the client.
    void (async () => {
      const [reqBody, resBody] = await Promise.all([copy ? readText(copy) : Promise.resolve(''), readText(resCopy)]);
      log.add({
        time: arrived.toISOString(),
        method: req.method,
        path: redactPathAndQuery(new URL(req.url)),
        status: res.status,
        durationMs,
        request: { headers: redactHeaders(req.headers), body: forLog(reqBody) },
        response: { headers: redactHeaders(res.headers), body: forLog(resBody) },
      });
    })();
    return res;
  };
}
