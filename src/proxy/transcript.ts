/**
 * An exchange as the reports and the recording show it: credentials and passwords never (DESIGN.md; reuses
 * src/harness/redact.ts). The proxy does not know the client's credentials in advance: it learns them from the
 * Authorization headers it forwards, so a target that echoes a token in a body is scrubbed too.
 */
import { redactBody, redactHeaders, redactUrl, scrubSecrets } from '../harness/redact.ts';
import type { TranscriptEntry } from '../scim/results.ts';
import type { ProxiedExchange } from './forward.ts';

/** Secret literals seen in a session's Authorization headers (bearer tokens; Basic user, password, base64). */
export class SeenSecrets {
  readonly #secrets = new Set<string>();

  learn(headers: Record<string, string>): void {
    for (const name of ['authorization', 'proxy-authorization']) {
      const value = headers[name];
      if (!value) continue;
      const m = /^(\S+)\s+(\S.*)$/.exec(value.trim());
      if (!m) {
        this.#secrets.add(value.trim());
        continue;
      }
      const credential = (m[2] as string).trim();
      this.#secrets.add(credential);
      if ((m[1] as string).toLowerCase() === 'basic') {
        const decoded = Buffer.from(credential, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) {
          this.#secrets.add(decoded.slice(0, colon));
          this.#secrets.add(decoded.slice(colon + 1));
        }
      }
    }
  }

  list(): string[] {
    return [...this.#secrets];
  }
}

/** One exchange as a transcript entry, redacted. */
export function transcriptOf(ex: ProxiedExchange, secrets: readonly string[]): TranscriptEntry {
  const request: TranscriptEntry['request'] = {
    method: ex.request.method,
    url: redactUrl(ex.url, secrets),
    headers: redactHeaders(ex.request.headers, secrets),
    ...(ex.request.rawBody !== undefined ? { body: redactBody(ex.request.rawBody, secrets) } : {}),
  };
  const response: TranscriptEntry['response'] = ex.answer
    ? { status: ex.answer.status, headers: redactHeaders(ex.answer.headers, secrets), ...(ex.answer.rawBody !== undefined ? { body: redactBody(ex.answer.rawBody, secrets) } : {}) }
    : { error: ex.error ?? `the proxy answered ${ex.status}` };
  // A target echoing a credential inside a header value or a non-JSON body: every known literal, everywhere.
  return scrubSecrets({ request, response }, secrets, { keys: false });
}
