/**
 * Who may open the console. With a --ui-token, that token and nothing else; otherwise the API's own
 * credentials (RFC 7644 §2: standard HTTP authentication). The page may carry a bearer token as
 * `?token=` (a browser cannot add a header to a typed URL); its data requests send an Authorization header.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createAuthenticator, type AuthOptions } from '../auth.ts';

export interface ConsoleAuthOptions {
  /** The API's credentials (used when there is no uiToken). */
  api: AuthOptions;
  /** A separate token for the console only. */
  uiToken?: string;
}

export interface ConsoleAuth {
  /** True when the request may see the console; `allowQueryToken` only for the HTML page itself. */
  allows(req: Request, allowQueryToken: boolean): boolean;
  /** WWW-Authenticate for a 401 (Basic makes a browser ask for the API's user and password). */
  challenge(): string;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function createConsoleAuth(opts: ConsoleAuthOptions): ConsoleAuth {
  const api = createAuthenticator(opts.api);
  const uiDigest = opts.uiToken ? digest(opts.uiToken) : undefined;

  function bearerOf(req: Request, allowQueryToken: boolean): string | undefined {
    const header = req.headers.get('authorization');
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (m) return m[1];
    return allowQueryToken ? (new URL(req.url).searchParams.get('token') ?? undefined) : undefined;
  }

  return {
    allows(req, allowQueryToken) {
      const token = bearerOf(req, allowQueryToken);
      if (uiDigest) return token !== undefined && token.length > 0 && timingSafeEqual(digest(token), uiDigest);
      // The API's credentials: a query token is checked as if it came as a bearer header.
      const probe = token !== undefined && !req.headers.get('authorization') ? new Request(req.url, { headers: { authorization: `Bearer ${token}` } }) : req;
      try {
        api.check(probe);
        return true;
      } catch {
        return false;
      }
    },
    challenge() {
      return uiDigest ? 'Bearer realm="scimcheck console"' : api.challenge();
    },
  };
}
