/**
 * The load generator's wire client: node:http / node:https over a keep-alive agent with one socket per
 * worker. At IdP scale fetch's per-request Request, AbortSignal and web-stream objects cost about a
 * millisecond of CPU each, taken from the target when both share a machine; this sends the same method,
 * URL, headers and body (the transcript is unchanged) for a fraction of that.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ScimError } from '../../scim/errors.ts';
import { ResponseTooLarge, type Transport, type WireResponse } from '../http.ts';
import { BodyTooLarge, CappedBuffer, DEFAULT_MAX_BODY_BYTES } from '../../scim/bounded-body.ts';

export interface NodeTransport {
  send: Transport;
  /** Closes the kept-alive sockets (the run is over). */
  close(): void;
}

/** The attempt got no answer within the IdP's timeout (named TimeoutError, as fetch names it). */
class AttemptTimeout extends ScimError {
  constructor(ms: number) {
    super(504, `no answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

function headersOf(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  // node lower-cases the names already; repeated fields are joined as fetch joins them.
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function nodeTransport(opts: { maxSockets: number }): NodeTransport {
  const agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: opts.maxSockets }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: opts.maxSockets }),
  };
  const send: Transport = (wire) =>
    new Promise<WireResponse>((resolve, reject) => {
      const url = new URL(wire.url);
      const https = url.protocol === 'https:';
      const headers: Record<string, string | number> = { ...wire.headers };
      if (wire.body !== undefined) headers['Content-Length'] = Buffer.byteLength(wire.body);
      const req = (https ? httpsRequest : httpRequest)(url, { method: wire.method, headers, agent: https ? agents.https : agents.http, signal: wire.signal });
      const timer = setTimeout(() => req.destroy(new AttemptTimeout(wire.timeoutMs)), wire.timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      req.once('error', fail);
      // node:http never follows a redirect: a 3xx is the answer, as the harness's rule wants (issue 11 #14).
      req.once('response', (res) => {
        // Issue 11 #13: at most maxBodyBytes of an answer; the timer above also covers a slow-drip body.
        const body = new CappedBuffer(wire.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
        res.on('data', (c: Buffer) => {
          try {
            body.add(c);
          } catch (e) {
            if (!(e instanceof BodyTooLarge)) throw e;
            req.destroy(new ResponseTooLarge(wire.method, wire.url, e.limit));
          }
        });
        res.once('error', fail);
        res.once('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: headersOf(res), text: body.text() });
        });
      });
      req.end(wire.body);
    });
  return {
    send,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
