/**
 * Authentication checks (RFC 7644 §2, §3.12): every protected endpoint refuses requests without valid
 * credentials with a SCIM error body and does nothing; the refusal is a 401 (Table 8, a SHOULD) carrying a
 * WWW-Authenticate challenge (§2, a SHALL).
 */
import type { Check, CheckContext, HttpRequest, HttpResponse } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { unknownId } from './support/names.ts';
import { expect2xx, header, userPath, usersPath } from './support/http.ts';
import { ACCESS_POLICY_MUST, table8 } from './support/cites.ts';
import { currentUser, getUser, patchBody, postUser, putBodyFrom } from './support/resources.ts';
import { changeableSlot, changedValue, type AttributeSlot } from './support/writable.ts';

/** RFC 7644 §2: without an authenticated client there is no access policy that lets the request through. */
const CITE_REFUSAL = { rfc: 7644 as const, section: '2', quote: ACCESS_POLICY_MUST };

/**
 * Every check about the answer to wrong or missing credentials: one defect there (no authentication at all, a
 * plain-text 401 from a gateway) fails them all, and is one root cause (issue 10 #4).
 */
const AUTH_TOPIC = 'auth.refusal';

/** A token no target can have issued. */
function wrongToken(): string {
  return `scimcheck-wrong-${crypto.randomUUID()}`;
}

/**
 * Fails unless the request was refused (401, or 403 "not permitted based on the supplied authorization") with a SCIM
 * error body (RFC 7644 §3.12: errors MUST be JSON). That it is exactly 401 is auth.missing.status-401's (a SHOULD).
 */
function expectRefused(ctx: CheckContext, res: HttpResponse): void {
  ctx.expectScimError(res, [401, 403]);
}

function unauthenticated(
  id: string,
  title: string,
  auth: HttpRequest['auth'] | (() => HttpRequest['auth']),
  request: (ctx: CheckContext) => HttpRequest,
): Check {
  return {
    id,
    title,
    area: 'auth',
    cite: CITE_REFUSAL,
    topic: AUTH_TOPIC,
    level: 'MUST',
    // Targets may delay refusals (anti-brute-force): bad credentials go last, after every other check.
    phase: 'bad-credentials',
    async run(ctx) {
      const a = typeof auth === 'function' ? auth() : auth;
      const res = await ctx.http.send({ ...request(ctx), auth: a });
      expectRefused(ctx, res);
    },
  };
}

/**
 * A write that changes one attribute (picked from the target's schema, else userName: support/writable.ts) to
 * `value`, sent with the given (wrong) credentials.
 */
const WRONG_TOKEN_WRITES: {
  verb: 'PUT' | 'PATCH';
  requires: Check['requires'];
  send(ctx: CheckContext, id: string, slot: AttributeSlot, value: string, auth: { authorization: string }): Promise<HttpResponse>;
}[] = [
  {
    verb: 'PUT',
    requires: ['write'],
    async send(ctx, id, slot, value, auth) {
      const body = slot.set(putBodyFrom(await currentUser(ctx, id)), value);
      return ctx.http.send({ method: 'PUT', path: userPath(ctx, id), body, auth });
    },
  },
  {
    verb: 'PATCH',
    requires: ['write', 'patch'],
    send: (ctx, id, slot, value, auth) =>
      ctx.http.send({ method: 'PATCH', path: userPath(ctx, id), body: patchBody([{ op: 'replace', path: slot.path, value }]), auth }),
  },
];

/** RFC 7644 §3.12: a write with a wrong token is refused with 401 before it changes anything. */
function wrongTokenWriteRefused(w: (typeof WRONG_TOKEN_WRITES)[number]): Check {
  return {
    id: `auth.wrong-token.${w.verb.toLowerCase()}-user`,
    title: `${w.verb} with a wrong token is refused (401/403) and changes nothing`,
    area: 'auth',
    cite: CITE_REFUSAL,
    topic: AUTH_TOPIC,
    level: 'MUST',
    requires: w.requires,
    phase: 'bad-credentials',
    async run(ctx) {
      const slot = changeableSlot(ctx);
      const user = await ctx.fixtures.createUser();
      const value = changedValue(slot, user, 'unauthorised-change');
      const res = await w.send(ctx, user.id, slot, value, { authorization: `Bearer ${wrongToken()}` });
      expectRefused(ctx, res);
      const after = await currentUser(ctx, user.id);
      ctx.expectTrue(slot.get(after) !== value, `the refused ${w.verb} should not have changed the user's ${slot.path}`, {
        expected: slot.get(user) ?? '(absent)',
        actual: slot.get(after),
      });
    },
  };
}

export const checks: Check[] = [
  unauthenticated('auth.missing.list-users', 'GET /Users without an Authorization header is refused (401/403)', 'none', (ctx) => ({
    method: 'GET',
    path: usersPath(ctx),
  })),
  // Answering 404 here would tell an anonymous caller which ids exist.
  unauthenticated('auth.missing.get-user', 'GET /Users/{id} without credentials is refused (401/403), not answered 404', 'none', (ctx) => ({
    method: 'GET',
    path: userPath(ctx, unknownId()),
  })),
  unauthenticated('auth.empty-bearer.list-users', 'GET /Users with an empty bearer token ("Bearer ") is refused (401/403)', { authorization: 'Bearer ' }, (ctx) => ({
    method: 'GET',
    path: usersPath(ctx),
  })),
  unauthenticated('auth.wrong-token.list-users', 'GET /Users with a bearer token the target never issued is refused (401/403)', () => ({ authorization: `Bearer ${wrongToken()}` }), (ctx) => ({
    method: 'GET',
    path: usersPath(ctx),
  })),
  unauthenticated(
    'auth.wrong-basic.list-users',
    'GET /Users with Basic credentials the target does not know is refused (401/403)',
    () => ({ authorization: `Basic ${Buffer.from(`scimcheck-nobody:${wrongToken()}`).toString('base64')}` }),
    (ctx) => ({ method: 'GET', path: usersPath(ctx) }),
  ),
  unauthenticated('auth.wrong-scheme.list-users', 'GET /Users with an unknown authentication scheme is refused (401/403)', () => ({ authorization: `ScimcheckUnknown ${wrongToken()}` }), (ctx) => ({
    method: 'GET',
    path: usersPath(ctx),
  })),
  {
    id: 'auth.www-authenticate.on-401',
    title: 'A 401 answer carries a WWW-Authenticate challenge',
    area: 'auth',
    topic: AUTH_TOPIC,
    needs: ['auth.missing.list-users'],
    cite: {
      rfc: 7644,
      section: '2',
      quote: 'a SCIM service provider SHALL indicate supported HTTP authentication schemes via the "WWW-Authenticate" header.',
    },
    level: 'MUST',
    phase: 'bad-credentials',
    async run(ctx) {
      const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), auth: 'none' });
      // RFC 7235 §4.1: the challenge goes with a 401; a target refusing with 403 owes none.
      if (res.status !== 401) ctx.skip(`the target refused the request with HTTP ${res.status}, not 401; a challenge belongs to a 401`);
      const challenge = header(res, 'www-authenticate');
      ctx.expectTrue(typeof challenge === 'string' && challenge.trim() !== '', 'the 401 answer should carry a WWW-Authenticate header', {
        expected: 'WWW-Authenticate: Bearer realm="..." (or Basic ...)',
        actual: challenge ?? '(absent)',
      });
    },
  },
  {
    id: 'auth.missing.status-401',
    title: 'GET /Users without credentials is refused with 401 Unauthorized (not 403)',
    area: 'auth',
    cite: table8(401),
    // Table 8 names 401 for missing credentials; the refusal itself is the MUST checks' above.
    level: 'SHOULD',
    topic: AUTH_TOPIC,
    needs: ['auth.missing.list-users'],
    phase: 'bad-credentials',
    async run(ctx) {
      ctx.expectStatus(await ctx.http.send({ method: 'GET', path: usersPath(ctx), auth: 'none' }), 401, 'GET /Users without credentials');
    },
  },
  {
    id: 'auth.missing.search',
    title: 'POST /.search-style query without credentials is refused (401/403)',
    area: 'auth',
    cite: CITE_REFUSAL,
    topic: AUTH_TOPIC,
    level: 'MUST',
    phase: 'bad-credentials',
    async run(ctx) {
      // RFC 7644 §3.4.3: the search endpoint is a read like GET and is protected the same way.
      const res = await ctx.http.send({
        method: 'POST',
        path: `${usersPath(ctx)}/.search`,
        body: { schemas: [SCHEMA_URN.searchRequest], count: 1 },
        auth: 'none',
      });
      expectRefused(ctx, res);
    },
  },
  {
    id: 'auth.missing.create-user',
    title: 'POST /Users without credentials is refused (401/403) and creates nothing',
    area: 'auth',
    cite: CITE_REFUSAL,
    topic: AUTH_TOPIC,
    level: 'MUST',
    requires: ['write'],
    phase: 'bad-credentials',
    async run(ctx) {
      // postUser tracks any resource a broken target creates anyway, so cleanup removes it.
      const res = await postUser(ctx, ctx.fixtures.userBody(), { auth: 'none' });
      expectRefused(ctx, res);
    },
  },
  {
    id: 'auth.wrong-token.delete-user',
    title: 'DELETE with a wrong token is refused (401/403) and the user still exists',
    area: 'auth',
    cite: CITE_REFUSAL,
    topic: AUTH_TOPIC,
    level: 'MUST',
    requires: ['write'],
    phase: 'bad-credentials',
    async run(ctx) {
      const user = await ctx.fixtures.createUser();
      const res = await ctx.http.send({ method: 'DELETE', path: userPath(ctx, user.id), auth: { authorization: `Bearer ${wrongToken()}` } });
      expectRefused(ctx, res);
      const after = await getUser(ctx, user.id);
      ctx.expectStatus(after, 200, 'GET of the user after the refused DELETE');
    },
  },
  ...WRONG_TOKEN_WRITES.map(wrongTokenWriteRefused),
  // No check judges discovery without credentials: a public answer and a refusal are both legal (RFC 7643 §5 only
  // asks, with a SHOULD, that authenticationSchemes be readable), and a refusal's body is judged by the checks above.
  {
    id: 'auth.valid.accepted',
    title: 'The run\'s own credentials are accepted on GET /Users',
    area: 'auth',
    cite: {
      rfc: 7644,
      section: '2',
      quote: 'SCIM depends on the use of Transport Layer Security (TLS) and/or standard HTTP authentication and authorization schemes as per [RFC7235].',
    },
    level: 'MUST',
    async run(ctx) {
      // The control for the checks above: the same request with valid credentials succeeds.
      const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { count: 1 } });
      expect2xx(ctx, res, 'GET /Users with the run\'s credentials');
    },
  },
];
