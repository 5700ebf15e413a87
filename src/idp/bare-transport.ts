/**
 * A transport that sends exactly the headers it is given. Node's fetch adds `user-agent: node` to a request that
 * has none, so an IdP that sends no User-Agent (Entra publishes none, and a WAF rule against UA-less requests broke a
 * real integration at its Test Connection) would not be reproduced on the wire. node:http adds nothing.
 *
 * One connection per attempt (no keep-alive: nothing to close when the run ends); redirects are followed by the
 * harness's rule as fetchTransport follows them (issue 11 #14): a GET, to the same origin, at most 5 times.
 */
import { nodeAttempt } from './node-attempt.ts';
import type { Transport } from './http.ts';

const MAX_REDIRECTS = 5;

export function bareTransport(): Transport {
  return async (wire) => {
    const origin = new URL(wire.url).origin;
    let url = new URL(wire.url);
    for (let redirects = 0; ; redirects++) {
      const res = await nodeAttempt(wire, url, false);
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
