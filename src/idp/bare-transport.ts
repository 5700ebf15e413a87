/**
 * A transport that sends exactly the headers it is given. Node's fetch adds `user-agent: node` to a request that
 * has none, so an IdP that sends no User-Agent (Entra publishes none, and a WAF rule against UA-less requests broke a
 * real integration at its Test Connection) would not be reproduced on the wire. node:http adds nothing.
 *
 * One connection per attempt (no keep-alive: nothing to close when the run ends); redirects are followed by the
 * harness's rule as fetchTransport follows them (issue 11 #14): a GET, to the same origin, at most 5 times.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ScimError } from '../scim/errors.ts';
import { BodyTooLarge, CappedBuffer, DEFAULT_MAX_BODY_BYTES } from '../scim/bounded-body.ts';
import { ResponseTooLarge, type Transport, type WireRequest, type WireResponse } from './http.ts';

const MAX_REDIRECTS = 5;

/** The attempt got no complete answer within the IdP's timeout (named TimeoutError, as fetch names it). */
class AttemptTimeout extends ScimError {
  constructor(ms: number) {
    super(504, `no complete answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

function headersOf(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function once(wire: WireRequest, url: URL): Promise<WireResponse> {
  return new Promise<WireResponse>((resolve, reject) => {
    const headers: Record<string, string | number> = { ...wire.headers };
    if (wire.body !== undefined) headers['Content-Length'] = Buffer.byteLength(wire.body);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: wire.method, headers, agent: false, signal: wire.signal });
    // The timeout covers the whole attempt, the body included (a slow-drip body is cut off at it too).
    const timer = setTimeout(() => req.destroy(new AttemptTimeout(wire.timeoutMs)), wire.timeoutMs);
    let settled = false;
    const fail = (err: Error) => {
      clearTimeout(timer);
      settled = true;
      reject(err);
    };
    req.once('error', fail);
    req.once('response', (res) => {
      // Issue 11 #13: at most maxBodyBytes of an answer.
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

export function bareTransport(): Transport {
  return async (wire) => {
    const origin = new URL(wire.url).origin;
    let url = new URL(wire.url);
    for (let redirects = 0; ; redirects++) {
      const res = await once(wire, url);
      const location = res.headers.location;
      // A Location that is no URL is never followed: the 3xx is the target's answer, as any other it sends.
      const next = res.status >= 300 && res.status < 400 && location && URL.canParse(location, url) ? new URL(location, url) : undefined;
      if (next && wire.method === 'GET' && next.origin === origin && redirects < MAX_REDIRECTS) {
        url = next;
        continue;
      }
      return res;
    }
  };
}
