/**
 * Security checks: password is writeOnly / returned never (RFC 7643 §4.1.1, §7), User.groups is readOnly
 * (RFC 7643 §4.1.2), and error answers do not reflect credentials (RFC 7644 §7).
 */
import type { Check, CheckContext, HttpResponse } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr, containsPassword, multi } from './support/attributes.ts';
import { filterString } from './support/names.ts';
import { expectNot5xx, expectRefused, userPath, usersPath } from './support/http.ts';
import { GROUPS_READONLY_MUST, PATCH_MUTABILITY_SHALL } from './support/cites.ts';
import { currentUser, getUser, patchBody, postUser, putBodyFrom } from './support/resources.ts';
import { declared } from './support/user-schema.ts';

const CITE_NEVER = {
  rfc: 7643 as const,
  section: '7',
  quote: 'writeOnly: The attribute MAY be updated at any time. Attribute values SHALL NOT be returned (e.g., because the value is a stored hash).',
};
const CITE_PASSWORD = {
  rfc: 7643 as const,
  section: '4.1.1',
  quote: 'The cleartext value or the hashed value of a password SHALL NOT be returnable by a service provider.',
};
const CITE_GROUPS_READONLY = { rfc: 7643 as const, section: '4.1.2', quote: GROUPS_READONLY_MUST };

/** User.groups is readOnly: the same defect fails this area's three checks and groups.user.*, once (issue 10 #4). */
const GROUPS_TOPIC = 'user.groups-readonly';

/** Skips unless the target's User schema defines a password attribute. */
function requirePassword(ctx: CheckContext): void {
  const user = ctx.target.schemas.find((s) => s.id.toLowerCase() === SCHEMA_URN.user.toLowerCase());
  if (!user?.attributes.some((a) => a.name.toLowerCase() === 'password')) ctx.skip('the target\'s User schema defines no password attribute');
}

/** A password no policy should refuse, unique per call. */
function strongPassword(): string {
  return `Sc1m!check-${crypto.randomUUID()}`;
}

function expectNoPassword(ctx: CheckContext, res: HttpResponse, secret: string, what: string): void {
  ctx.expectTrue(!containsPassword(res.json) && !res.text.includes(secret), `${what} should not return the password`, {
    expected: 'no "password" attribute and no password value',
    actual: 'a password attribute or value is present in the answer (redacted in the transcript)',
  });
}

async function userWithPassword(ctx: CheckContext): Promise<{ id: string; secret: string; res: HttpResponse }> {
  requirePassword(ctx);
  const secret = strongPassword();
  const res = await postUser(ctx, ctx.fixtures.userBody({ password: secret }));
  ctx.expectStatus(res, 201, 'POST /Users with a password');
  return { id: String(attr(res.json, 'id')), secret, res };
}

/** One answer that must not carry the password: the request to make on a user created with one, and its name. */
interface PasswordExchange {
  key: string;
  title: string;
  cite: Check['cite'];
  requires: Check['requires'];
  /** The answer to inspect, the secret it must not contain, and how a message names it. */
  exchange(ctx: CheckContext, user: { id: string; secret: string; res: HttpResponse }): Promise<{ res: HttpResponse; secret: string; what: string }>;
}

async function filterByUserName(ctx: CheckContext, id: string): Promise<string> {
  const userName = String(attr(await currentUser(ctx, id), 'userName'));
  return `userName eq ${filterString(userName)}`;
}

const PASSWORD_EXCHANGES: PasswordExchange[] = [
  {
    key: 'post',
    title: 'The POST answer does not return the password',
    cite: CITE_PASSWORD,
    requires: ['write'],
    exchange: async (_ctx, { res, secret }) => ({ res, secret, what: 'the POST answer' }),
  },
  {
    key: 'get',
    title: 'GET of a user does not return the password',
    cite: CITE_PASSWORD,
    requires: ['write'],
    async exchange(ctx, { id, secret }) {
      const res = await getUser(ctx, id);
      ctx.expectStatus(res, 200, 'GET of the user');
      return { res, secret, what: 'GET of the user' };
    },
  },
  {
    key: 'list',
    title: 'A filtered list of users does not return the password',
    cite: CITE_PASSWORD,
    requires: ['write', 'filter'],
    async exchange(ctx, { id, secret }) {
      const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter: await filterByUserName(ctx, id) } });
      ctx.expectStatus(res, 200, 'GET /Users?filter=userName eq ...');
      ctx.expectEqual(attr(res.json, 'totalResults'), 1, 'users found by userName');
      return { res, secret, what: 'the list answer' };
    },
  },
  {
    key: 'put',
    title: 'The PUT answer does not return the password',
    cite: CITE_PASSWORD,
    requires: ['write'],
    async exchange(ctx, { id }) {
      const secret = strongPassword();
      const res = await ctx.http.send({ method: 'PUT', path: userPath(ctx, id), body: { ...putBodyFrom(await currentUser(ctx, id)), password: secret } });
      ctx.expectStatus(res, 200, 'PUT with a new password');
      return { res, secret, what: 'the PUT answer' };
    },
  },
  {
    key: 'patch',
    title: 'The PATCH answer does not return the password',
    cite: CITE_PASSWORD,
    requires: ['write', 'patch'],
    async exchange(ctx, { id }) {
      const secret = strongPassword();
      const res = await ctx.http.send({ method: 'PATCH', path: userPath(ctx, id), body: patchBody([{ op: 'replace', path: 'password', value: secret }]) });
      ctx.expectStatus(res, [200, 204], 'PATCH replacing the password');
      return { res, secret, what: 'the PATCH answer' };
    },
  },
  {
    key: 'when-requested',
    title: 'GET with attributes=password still does not return the password',
    cite: CITE_NEVER,
    requires: ['write'],
    async exchange(ctx, { id, secret }) {
      const res = await getUser(ctx, id, { query: { attributes: 'password' } });
      ctx.expectStatus(res, 200, 'GET ?attributes=password');
      return { res, secret, what: 'GET ?attributes=password' };
    },
  },
  {
    key: 'search',
    title: 'POST /Users/.search asking for password does not return it',
    cite: CITE_NEVER,
    requires: ['write', 'filter'],
    async exchange(ctx, { id, secret }) {
      const res = await ctx.http.send({
        method: 'POST',
        path: `${usersPath(ctx)}/.search`,
        body: { schemas: [SCHEMA_URN.searchRequest], filter: await filterByUserName(ctx, id), attributes: ['userName', 'password'] },
      });
      // RFC 7644 §3.4.3: a target without /.search answers 404/405/501; there is then nothing to leak.
      if ([404, 405, 501].includes(res.status)) ctx.skip(`the target does not support POST /.search (HTTP ${res.status})`);
      ctx.expectStatus(res, 200, 'POST /Users/.search');
      return { res, secret, what: 'the /.search answer' };
    },
  },
];

/** RFC 7643 §4.1.1 / §7: password is returned "never", whatever the request. */
function passwordNotReturned(p: PasswordExchange): Check {
  return {
    id: `security.password.not-returned-${p.key}`,
    title: p.title,
    area: 'security',
    cite: p.cite,
    level: 'MUST',
    // A serializer that writes the password fails every exchange: one root cause.
    topic: 'user.password-returned',
    // Each starts with a created user, and the PATCH one uses PATCH as a tool: those are other checks' verdicts.
    needs: ['users.create.returns-201', ...(p.key === 'patch' ? ['patch.replace.with-path'] : [])],
    requires: p.requires,
    async run(ctx) {
      const { res, secret, what } = await p.exchange(ctx, await userWithPassword(ctx));
      expectNoPassword(ctx, res, secret, what);
    },
  };
}

export const checks: Check[] = [
  ...PASSWORD_EXCHANGES.map(passwordNotReturned),
  {
    id: 'security.password.filter-no-prefix-oracle',
    title: 'A prefix (sw) filter on password never matches: the password cannot be guessed piece by piece',
    area: 'security',
    // RFC 7643 §4.1.1 allows comparing a password for equality only; a prefix match would make it readable.
    cite: {
      rfc: 7643,
      section: '4.1.1',
      quote: 'This attribute is intended to be used as a means to set, replace, or compare (i.e., filter for equality) a password. The cleartext value or the hashed value of a password SHALL NOT be returnable by a service provider.',
    },
    level: 'MUST',
    requires: ['write', 'filter'],
    async run(ctx) {
      const { id, secret } = await userWithPassword(ctx);
      const userName = String(attr(await currentUser(ctx, id), 'userName'));
      const filter = `userName eq ${filterString(userName)} and password sw ${filterString(secret.slice(0, 8))}`;
      const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter } });
      expectNot5xx(ctx, res, 'GET /Users?filter=... password sw ...');
      if (res.status === 400 || res.status === 403) return;
      ctx.expectStatus(res, [200, 400, 403], 'GET /Users?filter=... password sw ...');
      ctx.expectEqual(attr(res.json, 'totalResults'), 0, 'users matched by a prefix of their password (a match reveals the password)');
    },
  },
  {
    id: 'security.password.filter-never-5xx',
    title: 'A filter on password never returns a password (it is refused, or evaluated without returning one)',
    area: 'security',
    cite: CITE_PASSWORD,
    level: 'MUST',
    requires: ['filter'],
    async run(ctx) {
      const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter: 'password eq "guess"' } });
      // Refusing the filter (any error) returns no password; no RFC sentence names the refusal's status.
      if (res.status !== 200) return;
      expectNoPassword(ctx, res, 'guess', 'the list answer');
    },
  },
  {
    id: 'security.password.not-echoed-in-errors',
    title: 'A refused POST does not echo the password in the error',
    area: 'security',
    cite: CITE_NEVER,
    level: 'MUST',
    // Whether a body without userName is refused is that check's verdict; this one reads the refusal.
    needs: ['validation.required.username-missing'],
    requires: ['write'],
    async run(ctx) {
      requirePassword(ctx);
      const secret = strongPassword();
      const body: Record<string, unknown> = { ...ctx.fixtures.userBody({ password: secret }) };
      for (const k of Object.keys(body)) if (k.toLowerCase() === 'username') delete body[k];
      const res = await postUser(ctx, body);
      expectRefused(ctx, res, 'POST /Users without userName');
      ctx.expectTrue(!res.text.includes(secret), 'the error should not repeat the password', { expected: 'no password value', actual: '(password value present; redacted)' });
    },
  },
  {
    id: 'security.groups.readonly-on-create',
    title: 'groups sent on POST /Users is ignored or refused: it never makes the user a member',
    area: 'security',
    cite: CITE_GROUPS_READONLY,
    level: 'MUST',
    topic: GROUPS_TOPIC,
    requires: ['write', 'groups'],
    async run(ctx) {
      const group = await ctx.fixtures.createGroup();
      const res = await postUser(ctx, ctx.fixtures.userBody({ groups: [{ value: group.id }] }));
      expectNot5xx(ctx, res, 'POST /Users with groups');
      if (res.status >= 400) return expectRefused(ctx, res, 'POST /Users with groups');
      ctx.expectStatus(res, 201, 'POST /Users with groups');
      const id = String(attr(res.json, 'id'));
      const members = multi((await ctx.http.send({ method: 'GET', path: `${ctx.target.endpoints.groups}/${encodeURIComponent(group.id)}` })).json, 'members');
      ctx.expectTrue(!members.some((m) => attr(m, 'value') === id), 'the group should not gain the user through User.groups', {
        expected: 'no membership',
        actual: members,
      });
    },
  },
  {
    id: 'security.groups.readonly-on-patch',
    title: 'PATCH adding to User.groups is refused (400 mutability) and changes no membership',
    area: 'security',
    cite: { rfc: 7644, section: '3.5.2', quote: PATCH_MUTABILITY_SHALL },
    level: 'MUST',
    topic: GROUPS_TOPIC,
    requires: ['write', 'groups', 'patch'],
    async run(ctx) {
      const group = await ctx.fixtures.createGroup();
      const user = await ctx.fixtures.createUser();
      const res = await ctx.http.send({ method: 'PATCH', path: userPath(ctx, user.id), body: patchBody([{ op: 'add', path: 'groups', value: [{ value: group.id }] }]) });
      // "the appropriate HTTP response status code": any refusal; a scimType, if given, is Table 9's "mutability".
      // Where the User schema has no groups attribute at all (RFC 7643 §7), invalidPath is the right scimType.
      expectRefused(ctx, res, 'PATCH add groups', declared(ctx, 'groups') ? 'mutability' : undefined);
      const members = multi((await ctx.http.send({ method: 'GET', path: `${ctx.target.endpoints.groups}/${encodeURIComponent(group.id)}` })).json, 'members');
      ctx.expectTrue(!members.some((m) => attr(m, 'value') === user.id), 'the group should not gain the user', { expected: 'no membership', actual: members });
    },
  },
  {
    id: 'security.groups.readonly-on-put',
    title: 'groups in a PUT body is ignored or refused: it never changes membership',
    area: 'security',
    cite: { rfc: 7644, section: '3.5.1', quote: 'readOnly: Any values provided SHALL be ignored.' },
    level: 'MUST',
    topic: GROUPS_TOPIC,
    requires: ['write', 'groups'],
    async run(ctx) {
      const group = await ctx.fixtures.createGroup();
      const user = await ctx.fixtures.createUser();
      const res = await ctx.http.send({ method: 'PUT', path: userPath(ctx, user.id), body: { ...putBodyFrom(await currentUser(ctx, user.id)), groups: [{ value: group.id }] } });
      expectNot5xx(ctx, res, 'PUT with groups');
      ctx.expectTrue(res.status < 300 || res.status >= 400, 'PUT with groups should be applied (groups ignored) or refused', { expected: '2xx or 4xx', actual: res.status });
      const members = multi((await ctx.http.send({ method: 'GET', path: `${ctx.target.endpoints.groups}/${encodeURIComponent(group.id)}` })).json, 'members');
      ctx.expectTrue(!members.some((m) => attr(m, 'value') === user.id), 'the group should not gain the user through User.groups', {
        expected: 'no membership',
        actual: members,
      });
    },
  },
  {
    id: 'security.auth.token-not-echoed',
    title: 'A 401 answer does not repeat the presented token',
    area: 'security',
    cite: { rfc: 7644, section: '7.4', quote: 'Since the possession of a bearer token or cookie MAY authorize the holder to potentially read, modify, or delete resources, bearer tokens and cookies MUST contain sufficient entropy to prevent a random guessing attack.' },
    // No RFC sentence is about reflecting a presented token; it is worth a warning, never a failure.
    level: 'MAY',
    // Whether a wrong token is refused at all is that check's verdict.
    needs: ['auth.wrong-token.list-users'],
    // A wrong token: last, since targets may delay refusals.
    phase: 'bad-credentials',
    async run(ctx) {
      const token = `scimcheck-secret-${crypto.randomUUID()}`;
      const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), auth: { authorization: `Bearer ${token}` } });
      if (res.status !== 401 && res.status !== 403) ctx.skip(`GET /Users with a wrong token was answered with HTTP ${res.status}, not refused (see auth.wrong-token.list-users)`);
      const inHeaders = Object.values(res.headers).some((v) => v.includes(token));
      ctx.expectTrue(!res.text.includes(token) && !inHeaders, 'the answer should not reflect the Authorization header', {
        expected: 'no trace of the presented token',
        actual: '(token reflected; redacted)',
      });
    },
  },
];
