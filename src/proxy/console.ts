/**
 * `scimcheck proxy --ui` (issue 14): the provider's live console (src/provider/ui) in passthrough mode: /ui shows
 * every proxied exchange as it passes, each with the findings it drew on either side. The console is opened with
 * its own token (--ui-token, or a random one printed at start): the proxy holds no credentials of the target's.
 */
import { randomBytes } from 'node:crypto';
import type { FetchHandler } from '../provider/http-server.ts';
import { createConsole, type ProviderConsole } from '../provider/ui/console.ts';
import { ObservedDirectory } from './observed-directory.ts';
import type { SessionEntry } from './session.ts';

export interface ProxyConsole {
  token: string;
  /** The handler to serve: /ui… is the console, everything else `forward`. */
  wrap(forward: FetchHandler): FetchHandler;
  add(entry: SessionEntry): void;
  close(): void;
}

/** Bodies longer than this are cut in the console (as the provider's console does: the log keeps 500 exchanges). */
const BODY_LIMIT = 64 * 1024;

const clip = (text: string) => (text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}… (${text.length - BODY_LIMIT} more characters)` : text);

/** The body of a transcript side, as the console shows it ('' when none). */
const bodyText = (m: { body?: string } | { error: string }) => clip('body' in m && m.body !== undefined ? m.body : 'error' in m ? `(no answer: ${m.error})` : '');

export function createProxyConsole(opts: { basePath: string; uiToken?: string }): ProxyConsole {
  const token = opts.uiToken ?? randomBytes(18).toString('base64url');
  let console: ProviderConsole | undefined;
  const seen = new ObservedDirectory();
  return {
    token,
    wrap(forward) {
      console = createConsole({ passthrough: { fetch: forward, basePath: opts.basePath, directory: () => seen.view() }, auth: { api: { tokens: [] }, uiToken: token } });
      return console.fetch;
    },
    add(entry) {
      seen.see(entry.exchange);
      const t = entry.transcript;
      const path = t.request.url.replace(/^[a-z]+:\/\/[^/]+/i, '');
      console?.log.add({
        time: entry.exchange.time,
        method: entry.exchange.request.method,
        path,
        status: entry.exchange.status,
        durationMs: entry.exchange.durationMs,
        request: { headers: t.request.headers, body: clip(t.request.body ?? '') },
        response: { headers: 'headers' in t.response ? t.response.headers : {}, body: bodyText(t.response) },
        findings: entry.findings.map((f) => ({ id: f.id, side: f.side, level: f.level, rfc: f.rfc, message: f.message })),
      });
    },
    close() {
      console?.close();
    },
  };
}
