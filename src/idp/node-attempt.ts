/**
 * One HTTP attempt over node:http / node:https, shared by the IdP's bare transport (no headers added, one
 * connection per attempt) and the load generator's keep-alive transport: exactly the headers given, a timeout
 * over the whole attempt (a slow-drip body is cut off at it too), at most maxBodyBytes of an answer (issue 11 #13).
 * node:http never follows a redirect: a 3xx is the answer, and callers decide what to do with it.
 */
import { request as httpRequest, type Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import { ScimError } from '../scim/errors.ts';
import { BodyTooLarge, CappedBuffer, DEFAULT_MAX_BODY_BYTES } from '../scim/bounded-body.ts';
import { ResponseTooLarge, type WireRequest, type WireResponse } from './http.ts';

/** The attempt got no complete answer within the IdP's timeout (named TimeoutError, as fetch names it). */
class AttemptTimeout extends ScimError {
  constructor(ms: number) {
    super(504, `no complete answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

function headersOf(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  // node lower-cases the names already; repeated fields are joined as fetch joins them.
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Sends `wire` to `url` (which may differ from wire.url after a redirect) through `agent` (false: a fresh connection). */
export function nodeAttempt(wire: WireRequest, url: URL, agent: HttpAgent | HttpsAgent | false): Promise<WireResponse> {
  return new Promise<WireResponse>((resolve, reject) => {
    const headers: Record<string, string | number> = { ...wire.headers };
    if (wire.body !== undefined) headers['Content-Length'] = Buffer.byteLength(wire.body);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: wire.method, headers, agent, signal: wire.signal });
    const timer = setTimeout(() => req.destroy(new AttemptTimeout(wire.timeoutMs)), wire.timeoutMs);
    let settled = false;
    const fail = (err: Error) => {
      clearTimeout(timer);
      settled = true;
      reject(err);
    };
    req.once('error', fail);
    req.once('response', (res) => {
      const body = new CappedBuffer(wire.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
      res.on('data', (c: Buffer) => {
        try {
          body.add(c);
        } catch (e) {
          if (!(e instanceof BodyTooLarge)) throw e;
          // Settled here: the rest of the answer is not read, and 'end' must not resolve it.
          fail(new ResponseTooLarge(wire.method, url.toString(), e.limit));
          req.destroy();
        }
      });
      res.once('error', fail);
      res.once('end', () => {
        clearTimeout(timer);
        if (!settled) resolve({ status: res.statusCode ?? 0, headers: headersOf(res), text: body.text() });
      });
    });
    req.end(wire.body);
  });
}
