/**
 * ETag / versioning checks (RFC 7644 §3.14, RFC 7643 §3.1 meta.version), for targets that advertise
 * etag.supported. Conditional requests follow RFC 7232 as RFC 7644 §3.14 prescribes.
 */
import type { Check, CheckContext, HttpResponse } from '../check.ts';
import { attr, attrPath } from './support/attributes.ts';
import { brief, header, userPath } from './support/http.ts';
import { currentUser, getUser, patchBody, putBodyFrom, readResource, sameEtag, versionOf } from './support/resources.ts';
import { pickWritableString, type AttributeSlot } from './support/writable.ts';

const CITE_HEADER = {
  rfc: 7644 as const,
  section: '3.14',
  quote: 'When supported, SCIM ETags MUST be specified as an HTTP header and SHOULD be specified within the "version" attribute contained in the resource\'s "meta" attribute.',
};
/**
 * RFC 7644 §3.14 describes If-Match without a server-side keyword ("to ensure that the requested operation succeeds
 * only if the supplied ETag matches"): the "definition" exception of test/harness/levels.test.ts keeps these MUST.
 */
const CITE_IF_MATCH = {
  rfc: 7644 as const,
  section: '3.14',
  quote: 'If the service provider supports versioning of resources, the client MAY supply an If-Match header [RFC7232] for PUT and PATCH operations to ensure that the requested operation succeeds only if the supplied ETag matches the latest service provider resource',
};

/**
 * A stale If-Match must not succeed; Table 8 gives two statuses for it: 412 ("Failed to update. Resource has changed
 * on the server.") and 409 ("The specified version number does not match the resource's latest version number").
 */
const STALE_REFUSALS = [412, 409];

/** A tag no resource can carry. */
function staleTag(): string {
  return `W/"scimcheck-stale-${crypto.randomUUID()}"`;
}

function expectEtagHeader(ctx: CheckContext, res: HttpResponse, what: string): string {
  const etag = header(res, 'etag');
  ctx.expectTrue(typeof etag === 'string' && /^(W\/)?".*"$/.test(etag.trim()), `${what} should carry an ETag header (a quoted entity tag)`, {
    expected: 'ETag: W/"..."',
    actual: etag ?? '(absent)',
  });
  return etag as string;
}

/**
 * A user just created and read back: the GET's answer (for its ETag) and the resource it carried. Issue 11 #16:
 * read through readResource, so a GET answering 200 with HTML or a non-object fails the check (the target's
 * wrong answer) instead of breaking putBodyFrom.
 */
async function freshUser(ctx: CheckContext): Promise<{ id: string; res: HttpResponse; resource: Record<string, unknown> }> {
  const user = await ctx.fixtures.createUser();
  const { res, resource } = await readResource(ctx, userPath(ctx, user.id));
  return { id: user.id, res, resource };
}

function put(ctx: CheckContext, id: string, body: unknown, headers: Record<string, string> = {}) {
  return ctx.http.send({ method: 'PUT', path: userPath(ctx, id), body, headers });
}

/** A PUT of what was read with one attribute (picked from the target's schema, support/writable.ts) changed. */
function putChanged(ctx: CheckContext, id: string, current: Record<string, unknown>, slot: AttributeSlot, value: string, headers: Record<string, string> = {}) {
  return put(ctx, id, slot.set(putBodyFrom(current), value), headers);
}

/** The two ways a check changes one attribute of a user: a full PUT of what was read, or a PATCH replace. */
interface WriteVerb {
  verb: 'PUT' | 'PATCH';
  key: 'put' | 'patch';
  requires: Check['requires'];
  change(ctx: CheckContext, id: string, current: Record<string, unknown>, slot: AttributeSlot, value: string, headers?: Record<string, string>): Promise<HttpResponse>;
}

const WRITE_VERBS: WriteVerb[] = [
  {
    verb: 'PUT',
    key: 'put',
    requires: ['etag', 'write'],
    change: putChanged,
  },
  {
    verb: 'PATCH',
    key: 'patch',
    requires: ['etag', 'write', 'patch'],
    change: (ctx, id, _current, slot, value, headers = {}) =>
      ctx.http.send({ method: 'PATCH', path: userPath(ctx, id), body: patchBody([{ op: 'replace', path: slot.path, value }]), headers }),
  },
];

/** RFC 7644 §3.14: a modification gives the resource a new version (else If-Match could not detect it). */
function versionChanges(w: WriteVerb): Check {
  return {
    id: `etag.${w.key}.version-changes`,
    title: `${w.verb} that changes the user gives it a new version`,
    area: 'etag',
    cite: CITE_IF_MATCH,
    level: 'MUST',
    // The same defect (a version that never moves) fails both verbs and real-stale-after-change: one root cause.
    topic: 'etag.version-moves',
    // PATCH is a tool here: whether it applies a replace at all is the patch area's verdict.
    ...(w.verb === 'PATCH' ? { needs: ['patch.replace.with-path'] } : {}),
    requires: w.requires,
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const { id, res, resource } = await freshUser(ctx);
      const before = versionOf(res);
      const answer = await w.change(ctx, id, resource, slot, `scimcheck-${crypto.randomUUID().slice(0, 6)}`);
      ctx.expectStatus(answer, w.verb === 'PUT' ? 200 : [200, 204], w.verb);
      const after = versionOf(await getUser(ctx, id));
      ctx.expectTrue(before !== undefined && after !== undefined && !sameEtag(before, after), 'the version should change after a modification', {
        expected: `a version other than ${before}`,
        actual: after,
      });
    },
  };
}

/** RFC 7644 §3.12 / §3.14: a stale If-Match is refused with 412 and the change does not land. */
function staleIfMatchRefused(w: WriteVerb): Check {
  return {
    id: `etag.if-match.stale-${w.key}-412`,
    title: `${w.verb} with a stale If-Match is refused (412, or 409) and leaves the user unchanged`,
    area: 'etag',
    cite: CITE_IF_MATCH,
    level: 'MUST',
    requires: w.requires,
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const { id, res, resource } = await freshUser(ctx);
      const answer = await w.change(ctx, id, resource, slot, 'scimcheck-should-not-land', { 'If-Match': staleTag() });
      ctx.expectScimError(answer, STALE_REFUSALS);
      const after = await currentUser(ctx, id);
      ctx.expectTrue(slot.get(after) !== 'scimcheck-should-not-land', `the refused ${w.verb} should not change the user's ${slot.path}`, {
        expected: slot.get(res.json) ?? '(absent)',
        actual: slot.get(after),
      });
    },
  };
}

export const checks: Check[] = [
  {
    id: 'etag.get.header',
    // A target that never sends an ETag header fails the four header checks: one root cause.
    topic: 'etag.header',
    title: 'GET of a user carries an ETag header',
    area: 'etag',
    cite: CITE_HEADER,
    level: 'MUST',
    requires: ['etag', 'write'],
    async run(ctx) {
      const { res } = await freshUser(ctx);
      expectEtagHeader(ctx, res, 'GET of a user');
    },
  },
  {
    id: 'etag.get.meta-version',
    title: 'GET of a user carries meta.version',
    area: 'etag',
    cite: CITE_HEADER,
    level: 'SHOULD',
    requires: ['etag', 'write'],
    async run(ctx) {
      const { res } = await freshUser(ctx);
      const v = attrPath(res.json, 'meta.version');
      ctx.expectTrue(typeof v === 'string' && v !== '', 'meta.version should be present', { expected: 'meta.version: "W/\\"...\\""', actual: v ?? '(absent)' });
    },
  },
  {
    id: 'etag.get.header-equals-meta-version',
    title: 'The ETag header equals meta.version',
    area: 'etag',
    cite: { rfc: 7643, section: '3.1', quote: 'version: The version of the resource being returned. This value must have the same value as the "ETag" HTTP response header (see Sections 2.1 and 2.3 of [RFC7232]).' },
    // MUST by the "lowercase-must" exception of test/harness/levels.test.ts.
    level: 'MUST',
    // Without an ETag header there is nothing to compare: etag.get.header reports that.
    needs: ['etag.get.header'],
    requires: ['etag', 'write'],
    async run(ctx) {
      const { res } = await freshUser(ctx);
      const v = attrPath(res.json, 'meta.version');
      if (v === undefined) ctx.skip('the target does not return meta.version');
      ctx.expectEqual(v, header(res, 'etag'), 'meta.version vs the ETag header');
    },
  },
  {
    id: 'etag.post.header',
    topic: 'etag.header',
    needs: ['users.create.returns-201'],
    title: 'The 201 answer to POST /Users carries an ETag header',
    area: 'etag',
    cite: CITE_HEADER,
    level: 'MUST',
    requires: ['etag', 'write'],
    async run(ctx) {
      const res = await ctx.http.send({ method: 'POST', path: ctx.target.endpoints.users, body: ctx.fixtures.userBody() });
      if (res.status >= 200 && res.status < 300 && typeof attr(res.json, 'id') === 'string') ctx.fixtures.track('user', attr(res.json, 'id'));
      ctx.expectStatus(res, 201, 'POST /Users');
      expectEtagHeader(ctx, res, 'the POST answer');
    },
  },
  {
    id: 'etag.put.header',
    topic: 'etag.header',
    title: 'The answer to PUT carries an ETag header',
    area: 'etag',
    cite: CITE_HEADER,
    level: 'MUST',
    requires: ['etag', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const { id, res, resource } = await freshUser(ctx);
      const answer = await putChanged(ctx, id, resource, slot, 'scimcheck-etag');
      ctx.expectStatus(answer, 200, 'PUT');
      expectEtagHeader(ctx, answer, 'the PUT answer');
    },
  },
  {
    id: 'etag.patch.header',
    topic: 'etag.header',
    title: 'A PATCH answer with the resource carries an ETag header',
    area: 'etag',
    cite: CITE_HEADER,
    level: 'MUST',
    requires: ['etag', 'write', 'patch'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const { id } = await freshUser(ctx);
      const answer = await ctx.http.send({ method: 'PATCH', path: userPath(ctx, id), body: patchBody([{ op: 'replace', path: slot.path, value: 'scimcheck-etag' }]) });
      ctx.expectStatus(answer, [200, 204], 'PATCH');
      if (answer.status === 204 && header(answer, 'etag') === undefined) ctx.skip('the target answered 204 without a representation');
      expectEtagHeader(ctx, answer, 'the PATCH answer');
    },
  },
  {
    id: 'etag.get.stable',
    title: 'Two GETs with no change in between give the same version',
    area: 'etag',
    cite: { rfc: 7643, section: '3.1', quote: 'version: The version of the resource being returned.' },
    // MUST by the "definition" exception: an unchanged resource is the same version (else If-None-Match never matches).
    level: 'MUST',
    requires: ['etag', 'write'],
    async run(ctx) {
      const { id, res } = await freshUser(ctx);
      const again = await getUser(ctx, id);
      ctx.expectTrue(sameEtag(versionOf(res), versionOf(again)), 'the version should not change when nothing changed', {
        expected: versionOf(res),
        actual: versionOf(again),
      });
    },
  },
  ...WRITE_VERBS.map(versionChanges),
  {
    id: 'etag.if-none-match.current-304',
    title: 'GET with If-None-Match of the current version answers 304 Not Modified',
    area: 'etag',
    cite: {
      rfc: 7644,
      section: '3.14',
      quote: 'If the resource has not changed, the service provider simply returns an empty body with a 304 "Not Modified" response code.',
    },
    // SHOULD by the "deferred-http" exception: RFC 7232 requires the 304, RFC 7644 §3.14 only describes it.
    level: 'SHOULD',
    requires: ['etag', 'write'],
    async run(ctx) {
      const { id, res } = await freshUser(ctx);
      const tag = versionOf(res);
      if (!tag) ctx.fail('the user carries no ETag to send back', { expected: 'an ETag header', actual: '(absent)' });
      const again = await getUser(ctx, id, { headers: { 'If-None-Match': tag as string } });
      ctx.expectStatus(again, 304, 'GET with If-None-Match of the current version');
    },
  },
  {
    id: 'etag.if-none-match.stale-200',
    title: 'GET with If-None-Match of another version answers 200 with the resource',
    area: 'etag',
    cite: {
      rfc: 7644,
      section: '3.14',
      quote: 'If the resource has not changed, the service provider simply returns an empty body with a 304 "Not Modified" response code.',
    },
    // MUST by the "definition" exception: only an unchanged resource is answered 304; another version gets the resource.
    level: 'MUST',
    requires: ['etag', 'write'],
    async run(ctx) {
      const { id } = await freshUser(ctx);
      const res = await getUser(ctx, id, { headers: { 'If-None-Match': staleTag() } });
      ctx.expectStatus(res, 200, 'GET with a stale If-None-Match');
      ctx.expectEqual(attr(res.json, 'id'), id, 'id of the resource returned');
    },
  },
  ...WRITE_VERBS.map(staleIfMatchRefused),
  {
    id: 'etag.if-match.stale-delete-412',
    title: 'DELETE with a stale If-Match is refused (412, or 409) and the user remains',
    area: 'etag',
    // §3.14 shows If-Match on PUT and PATCH; Table 8 lists DELETE among the methods a 412 answers.
    cite: { rfc: 7644, section: '3.12', quote: '412 PRECONDITION FAILED | PUT, PATCH, DELETE | Failed to update. Resource has changed on the server.' },
    // MUST by the "definition" exception: a conditional DELETE whose condition fails deletes nothing.
    level: 'MUST',
    requires: ['etag', 'write'],
    async run(ctx) {
      const { id } = await freshUser(ctx);
      const answer = await ctx.http.send({ method: 'DELETE', path: userPath(ctx, id), headers: { 'If-Match': staleTag() } });
      ctx.expectScimError(answer, STALE_REFUSALS);
      ctx.expectStatus(await getUser(ctx, id), 200, 'GET of the user after the refused DELETE');
    },
  },
  {
    id: 'etag.if-match.real-stale-after-change',
    title: 'A version that was current before a PUT no longer satisfies If-Match',
    area: 'etag',
    cite: CITE_IF_MATCH,
    level: 'MUST',
    topic: 'etag.version-moves',
    requires: ['etag', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const { id, res, resource } = await freshUser(ctx);
      const old = versionOf(res);
      if (!old) ctx.fail('the user carries no ETag', { expected: 'an ETag header', actual: '(absent)' });
      ctx.expectStatus(await putChanged(ctx, id, resource, slot, 'scimcheck-first-change'), 200, 'first PUT');
      const second = await putChanged(ctx, id, resource, slot, 'scimcheck-lost-update', { 'If-Match': old as string });
      ctx.expectTrue(STALE_REFUSALS.includes(second.status), 'a PUT with the pre-change version should be refused (no lost update)', {
        expected: STALE_REFUSALS,
        actual: brief(second),
      });
    },
  },
  {
    id: 'etag.if-match.current-200',
    title: 'PUT with If-Match of the current version succeeds',
    area: 'etag',
    cite: CITE_IF_MATCH,
    level: 'MUST',
    requires: ['etag', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx);
      const { id, res, resource } = await freshUser(ctx);
      const tag = versionOf(res);
      if (!tag) ctx.fail('the user carries no ETag', { expected: 'an ETag header', actual: '(absent)' });
      const answer = await putChanged(ctx, id, resource, slot, 'scimcheck-conditional', { 'If-Match': tag as string });
      ctx.expectStatus(answer, 200, 'PUT with the current If-Match');
      ctx.expectEqual(slot.get(await currentUser(ctx, id)), 'scimcheck-conditional', `${slot.path} after the conditional PUT`);
    },
  },
];
