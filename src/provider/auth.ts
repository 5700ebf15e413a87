/**
 * RFC 7644 §2: SCIM rides on standard HTTP authentication; this provider takes OAuth bearer tokens
 * (RFC 6750) and HTTP Basic (RFC 7617). Secrets are compared as SHA-256 digests with timingSafeEqual, so
 * neither the length nor the content of a guess leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ScimError } from '../scim/errors.ts';

export interface AuthOptions {
  tokens?: { token: string; expiresAt?: Date }[];
  basic?: { user: string; password: string }[];
}

const REALM = 'scimcheck';

/**
 * How long the slow-bad-login variant holds a 401 (wrong or missing credentials), as servers that slow down
 * password guessing do. RFC 7644 §3.12 names the status only; nothing bounds the time to answer.
 */
export const BAD_LOGIN_DELAY_MS = 2000;

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

interface Credential {
  digest: Buffer;
  expiresAt?: Date;
}

export interface Authenticator {
  /** Throws a 401 ScimError (with the challenge to send) unless the request carries a valid credential. */
  check(req: { headers: { get(name: string): string | null } }, now?: Date): void;
  /** RFC 7235 §4.1: the WWW-Authenticate challenges a 401 carries. */
  challenge(): string;
}

export class AuthError extends ScimError {
  constructor(detail: string) {
    super(401, detail);
  }
}

export function createAuthenticator(options: AuthOptions): Authenticator {
  // An empty secret never matches: it is dropped here, so `Bearer ` can never authenticate.
  const bearers: Credential[] = (options.tokens ?? [])
    .filter((t) => t.token.length > 0)
    .map((t) => ({ digest: digest(t.token), expiresAt: t.expiresAt }));
  const basics: Credential[] = (options.basic ?? [])
    .filter((b) => b.user.length > 0 && b.password.length > 0)
    .map((b) => ({ digest: digest(`${b.user}:${b.password}`) }));

  const schemes: string[] = [];
  if (bearers.length > 0 || basics.length === 0) schemes.push(`Bearer realm="${REALM}"`);
  if (basics.length > 0) schemes.push(`Basic realm="${REALM}", charset="UTF-8"`);

  // The digests of secrets that matched a credential, so a client's every request does not re-hash its token
  // (SHA-256 was ~4 % of a GET, docs/provider.md Benchmarks). Only matching secrets enter, so it holds at most
  // one entry per configured credential; the constant-time comparison below still runs on every request.
  const knownDigests = new Map<string, Buffer>();

  // Compares against every credential (no early exit) so timing does not tell which one matched.
  function matches(list: Credential[], secret: string, now: Date): boolean {
    if (secret.length === 0) return false;
    const d = knownDigests.get(secret) ?? digest(secret);
    let ok = false;
    for (const c of list) {
      const equal = timingSafeEqual(d, c.digest);
      const live = c.expiresAt === undefined || c.expiresAt.getTime() > now.getTime();
      ok = (equal && live) || ok;
      if (equal && !knownDigests.has(secret)) knownDigests.set(secret, d);
    }
    return ok;
  }

  return {
    challenge: () => schemes.join(', '),
    check(req: { headers: { get(name: string): string | null } }, now = new Date()): void {
      const header = req.headers.get('authorization');
      if (!header) throw new AuthError('Authentication required');
      const space = header.indexOf(' ');
      const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
      const param = space < 0 ? '' : header.slice(space + 1).trim();
      if (scheme === 'bearer') {
        if (matches(bearers, param, now)) return;
        throw new AuthError('Invalid or expired bearer token');
      }
      if (scheme === 'basic') {
        let decoded = '';
        try {
          decoded = Buffer.from(param, 'base64').toString('utf8');
        } catch {
          decoded = '';
        }
        if (decoded.includes(':') && matches(basics, decoded, now)) return;
        throw new AuthError('Invalid credentials');
      }
      throw new AuthError(`Unsupported authorization scheme '${scheme}'`);
    },
  };
}
