/**
 * Media type checks (RFC 7644 §3.1, §3.8, §8.1): the target answers application/scim+json when asked for it,
 * on every kind of response, and accepts JSON request bodies.
 */
import type { Check, CheckContext, HttpRequest, HttpResponse } from '../check.ts';
import { attr } from './support/attributes.ts';
import { unknownId } from './support/names.ts';
import { header, mediaType, SCIM_MEDIA_TYPE, userPath, usersPath } from './support/http.ts';
import { currentUser, patchBody, postUser, putBodyFrom } from './support/resources.ts';
import { changeableSlot, changedValue } from './support/writable.ts';

const CITE_ACCEPT = {
  rfc: 7644 as const,
  section: '3.8',
  quote: 'Service providers MUST support the "Accept" header "Accept: application/scim+json".',
};

const ACCEPT_SCIM = { Accept: SCIM_MEDIA_TYPE };

/** Fails unless the response declares application/scim+json (parameters such as charset allowed). */
function expectScimJson(ctx: CheckContext, res: HttpResponse, what: string): void {
  ctx.expectTrue(mediaType(res) === SCIM_MEDIA_TYPE, `${what} should be served as ${SCIM_MEDIA_TYPE}`, {
    expected: `Content-Type: ${SCIM_MEDIA_TYPE}`,
    actual: `Content-Type: ${header(res, 'content-type') ?? '(absent)'} (HTTP ${res.status})`,
  });
}

/** A check that one kind of response carries the SCIM media type. */
function servesScimJson(
  id: string,
  title: string,
  requires: Check['requires'],
  exchange: (ctx: CheckContext) => Promise<HttpResponse>,
  phase?: Check['phase'],
  more: Pick<Check, 'needs' | 'topic'> = {},
): Check {
  return {
    id,
    title,
    area: 'content-type',
    cite: CITE_ACCEPT,
    level: 'MUST',
    // A target that labels its answers application/json fails every one of these: one root cause.
    topic: 'content-type.scim-json',
    requires,
    ...(phase ? { phase } : {}),
    ...more,
    async run(ctx) {
      const res = await exchange(ctx);
      expectScimJson(ctx, res, title.split(' is ')[0]);
    },
  };
}

/**
 * Which status an error request gets is another check's verdict (often a SHOULD of Table 8); this area judges only
 * the media type of that kind of answer, so a different status skips with a pointer to that check.
 */
function expectErrorKind(ctx: CheckContext, res: HttpResponse, statuses: number[], what: string, statusCheck: string): void {
  if (!statuses.includes(res.status)) ctx.skip(`${what} was answered with HTTP ${res.status}, not ${statuses.join(' or ')} (see ${statusCheck})`);
}

function send(ctx: CheckContext, req: HttpRequest): Promise<HttpResponse> {
  return ctx.http.send({ ...req, headers: { ...ACCEPT_SCIM, ...(req.headers ?? {}) } });
}

export const checks: Check[] = [
  servesScimJson('content-type.response.get-user', 'GET /Users/{id} is served as application/scim+json', ['write'], async (ctx) => {
    const user = await ctx.fixtures.createUser();
    const res = await send(ctx, { method: 'GET', path: userPath(ctx, user.id) });
    ctx.expectStatus(res, 200, 'GET of the created user');
    return res;
  }),
  servesScimJson('content-type.response.list-users', 'GET /Users (a ListResponse) is served as application/scim+json', [], async (ctx) => {
    const res = await send(ctx, { method: 'GET', path: usersPath(ctx), query: { count: 1 } });
    ctx.expectStatus(res, 200, 'GET /Users');
    return res;
  }),
  servesScimJson('content-type.response.post-user', 'The 201 answer to POST /Users is served as application/scim+json', ['write'], async (ctx) => {
    const res = await postUser(ctx, ctx.fixtures.userBody(), { headers: ACCEPT_SCIM });
    ctx.expectStatus(res, 201, 'POST /Users');
    return res;
  }, undefined, { needs: ['users.create.returns-201'] }),
  servesScimJson('content-type.response.put-user', 'The answer to PUT /Users/{id} is served as application/scim+json', ['write'], async (ctx) => {
    const user = await ctx.fixtures.createUser();
    const res = await send(ctx, { method: 'PUT', path: userPath(ctx, user.id), body: putBodyFrom(await currentUser(ctx, user.id)) });
    ctx.expectStatus(res, 200, 'PUT of the user');
    return res;
  }),
  {
    id: 'content-type.response.patch-user',
    title: 'A PATCH answer with a body is served as application/scim+json',
    area: 'content-type',
    cite: CITE_ACCEPT,
    level: 'MUST',
    topic: 'content-type.scim-json',
    // PATCH as a tool here: whether PATCH works at all is the patch area's verdict.
    needs: ['patch.replace.with-path'],
    requires: ['write', 'patch'],
    async run(ctx) {
      // An attribute the target's schema declares (else userName, with a unique value).
      const slot = changeableSlot(ctx);
      const user = await ctx.fixtures.createUser();
      const value = changedValue(slot, user, 'ct');
      const res = await send(ctx, { method: 'PATCH', path: userPath(ctx, user.id), body: patchBody([{ op: 'replace', path: slot.path, value }]) });
      ctx.expectStatus(res, [200, 204], 'PATCH of the user');
      // RFC 7644 §3.5.2: a 204 has no body, so there is no media type to check.
      if (res.status === 204) ctx.skip('the target answered 204 No Content, which carries no body');
      expectScimJson(ctx, res, 'the PATCH answer');
    },
  },
  servesScimJson('content-type.response.error-404', 'A 404 error is served as application/scim+json', [], async (ctx) => {
    const res = await send(ctx, { method: 'GET', path: userPath(ctx, unknownId()) });
    expectErrorKind(ctx, res, [404], 'GET of an unknown user', 'users.get.unknown-404');
    return res;
  }),
  servesScimJson('content-type.response.error-400', 'A 400 error is served as application/scim+json', ['write'], async (ctx) => {
    const res = await postUser(ctx, '{"userName": ', { headers: { ...ACCEPT_SCIM, 'Content-Type': SCIM_MEDIA_TYPE } });
    expectErrorKind(ctx, res, [400], 'POST of malformed JSON', 'validation.json.malformed');
    return res;
  }),
  servesScimJson('content-type.response.error-401', 'A 401 error is served as application/scim+json', [], async (ctx) => {
    const res = await send(ctx, { method: 'GET', path: usersPath(ctx), auth: 'none' });
    expectErrorKind(ctx, res, [401, 403], 'GET /Users without credentials', 'auth.missing.list-users');
    return res;
    // Sent without credentials: last, since targets may delay refusals. Part of the one "refusal" root cause.
  }, 'bad-credentials', { needs: ['auth.missing.list-users'], topic: 'auth.refusal' }),

  servesScimJson('content-type.response.error-409', 'A 409 conflict is served as application/scim+json', ['write'], async (ctx) => {
    const first = await ctx.fixtures.createUser();
    const res = await postUser(ctx, ctx.fixtures.userBody({ userName: attr(first, 'userName') }), { headers: ACCEPT_SCIM });
    expectErrorKind(ctx, res, [409], 'duplicate POST /Users', 'uniqueness.username.duplicate-409');
    return res;
  }, undefined, { needs: ['uniqueness.username.duplicate-409'] }),
  servesScimJson('content-type.response.service-provider-config', 'GET /ServiceProviderConfig is served as application/scim+json', [], async (ctx) => {
    const res = await send(ctx, { method: 'GET', path: '/ServiceProviderConfig' });
    ctx.expectStatus(res, 200, 'GET /ServiceProviderConfig');
    return res;
  }),
  servesScimJson('content-type.response.schemas', 'GET /Schemas is served as application/scim+json', [], async (ctx) => {
    const res = await send(ctx, { method: 'GET', path: '/Schemas' });
    ctx.expectStatus(res, 200, 'GET /Schemas');
    return res;
  }),
  servesScimJson('content-type.response.resource-types', 'GET /ResourceTypes is served as application/scim+json', [], async (ctx) => {
    const res = await send(ctx, { method: 'GET', path: '/ResourceTypes' });
    ctx.expectStatus(res, 200, 'GET /ResourceTypes');
    return res;
  }),
  {
    id: 'content-type.request.application-json-accepted',
    title: 'A POST body sent as application/json is accepted',
    area: 'content-type',
    cite: { rfc: 7644, section: '3.8', quote: 'Servers MUST accept requests and be able to return JSON structured responses using UTF-8 encoding [RFC3629].' },
    level: 'MUST',
    // Creating a user at all is users.create.returns-201's verdict; this one varies only the media type.
    needs: ['users.create.returns-201'],
    requires: ['write'],
    async run(ctx) {
      const res = await postUser(ctx, JSON.stringify(ctx.fixtures.userBody()), { headers: { 'Content-Type': 'application/json' } });
      ctx.expectStatus(res, 201, 'POST /Users with Content-Type: application/json');
    },
  },
  {
    id: 'content-type.request.charset-accepted',
    title: 'A POST body sent as application/scim+json; charset=utf-8 is accepted',
    area: 'content-type',
    cite: { rfc: 7644, section: '3.8', quote: 'UTF-8 SHALL be the default encoding format.' },
    level: 'MUST',
    needs: ['users.create.returns-201'],
    requires: ['write'],
    async run(ctx) {
      const res = await postUser(ctx, JSON.stringify(ctx.fixtures.userBody()), { headers: { 'Content-Type': `${SCIM_MEDIA_TYPE}; charset=utf-8` } });
      ctx.expectStatus(res, 201, 'POST /Users with Content-Type: application/scim+json; charset=utf-8');
    },
  },
  {
    id: 'content-type.request.utf8-round-trip',
    title: 'Non-ASCII text in a UTF-8 body reads back unchanged',
    area: 'content-type',
    cite: { rfc: 7644, section: '3.8', quote: 'Servers MUST accept requests and be able to return JSON structured responses using UTF-8 encoding.' },
    level: 'MUST',
    requires: ['write'],
    async run(ctx) {
      const name = { givenName: 'Zoë', familyName: 'Ñúñez-Łódź 山田' };
      const user = await ctx.fixtures.createUser({ name });
      const got = await currentUser(ctx, user.id);
      ctx.expectEqual(attr(attr(got, 'name'), 'familyName'), name.familyName, 'name.familyName read back');
      ctx.expectEqual(attr(attr(got, 'name'), 'givenName'), name.givenName, 'name.givenName read back');
    },
  },
  {
    id: 'content-type.accept.scim-json',
    title: 'GET with Accept: application/scim+json answers 200',
    area: 'content-type',
    cite: CITE_ACCEPT,
    level: 'MUST',
    async run(ctx) {
      const res = await send(ctx, { method: 'GET', path: usersPath(ctx), query: { count: 1 } });
      ctx.expectStatus(res, 200, 'GET /Users with Accept: application/scim+json');
    },
  },
  {
    id: 'content-type.accept.application-json',
    title: 'GET with Accept: application/json answers 200 with JSON',
    area: 'content-type',
    cite: { rfc: 7644, section: '3.8', quote: 'Service providers ... SHOULD support the header "Accept: application/json".' },
    level: 'SHOULD',
    async run(ctx) {
      const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { count: 1 }, headers: { Accept: 'application/json' } });
      ctx.expectStatus(res, 200, 'GET /Users with Accept: application/json');
      ctx.expectTrue(res.json !== undefined, 'the answer should be JSON', { expected: 'a JSON body', actual: res.text.slice(0, 200) });
      const mt = mediaType(res);
      ctx.expectTrue(mt === 'application/json' || mt === SCIM_MEDIA_TYPE, 'the answer should be a JSON media type', {
        expected: ['application/json', SCIM_MEDIA_TYPE],
        actual: header(res, 'content-type') ?? '(absent)',
      });
    },
  },
];
