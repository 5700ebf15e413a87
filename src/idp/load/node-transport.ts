/**
 * The load generator's wire client: node:http / node:https over a keep-alive agent with one socket per
 * worker. At IdP scale fetch's per-request Request, AbortSignal and web-stream objects cost about a
 * millisecond of CPU each, taken from the target when both share a machine; this sends the same method,
 * URL, headers and body (the transcript is unchanged) for a fraction of that.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Transport } from '../http.ts';
import { nodeAttempt } from '../node-attempt.ts';

export interface NodeTransport {
  send: Transport;
  /** Closes the kept-alive sockets (the run is over). */
  close(): void;
}

export function nodeTransport(opts: { maxSockets: number }): NodeTransport {
  const agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: opts.maxSockets }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: opts.maxSockets }),
  };
  // node:http never follows a redirect: a 3xx is the answer, as the harness's rule wants (issue 11 #14).
  const send: Transport = (wire) => {
    const url = new URL(wire.url);
    return nodeAttempt(wire, url, url.protocol === 'https:' ? agents.https : agents.http);
  };
  return {
    send,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
