/**
 * RFC 7644 §3.4.3 queries with POST to `/.search`: the SearchRequest body carries the same parameters
 * as a GET query, and the answer is a ListResponse. Each check's filter selects its own users with what the
 * target supports (support/scoping.ts): `userName sw`, `userName eq … or …`, or one user by `userName eq`.
 */
import type { Check, CheckContext, HttpResponse } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr, hasAttr } from './support/attributes.ts';
import { filterString } from './support/names.ts';
import { brief, groupsPath, usersPath } from './support/http.ts';
import { ATTRIBUTES_SHALL, EXCLUDED_MUST } from './support/cites.ts';
import { expectIdSet, expectListResponse, resourcesOf } from './support/lists.ts';
import { createNamedUsers } from './support/population.ts';
import { learnFilterSupport } from './support/filter-support.ts';
import { expectSortedSet, searchLister, selectionGap, selectSet, skipUnlessUsable, type Selection, type UserSet } from './support/scoping.ts';
import { requireDeclared } from './support/user-schema.ts';
import { pickWritableString } from './support/writable.ts';

/** A filter selecting the set (or one user of it); skips when the target supports no filter that can. */
async function selection(ctx: CheckContext, set: UserSet): Promise<Selection> {
  const sel = await selectSet(ctx, set, { single: true });
  if (!sel) return ctx.skip(`no filter selects the check's users: ${await selectionGap(ctx)}`);
  return sel;
}

const SEARCH_QUOTE =
  'Clients MAY execute queries without passing parameters on the URL by using the HTTP POST verb combined with the "/.search" path extension. The inclusion of "/.search" on the end of a valid SCIM endpoint SHALL be used to indicate that the HTTP POST verb is intended to be a query operation.';

/** The check whose subject is that POST /Users/.search answers queries: the others build on it (and skip with it). */
const SEARCH_WORKS = 'search.users.filter';

/**
 * POSTs a SearchRequest. "Clients MAY execute queries … with /.search": offering it is the target's choice, so a
 * 404/405/501 (no /.search here) skips the check with that reason instead of failing it.
 */
async function search(ctx: CheckContext, path: string, body: Record<string, unknown>, withSchema = true): Promise<HttpResponse> {
  const res = await ctx.http.send({ method: 'POST', path, body: withSchema ? { schemas: [SCHEMA_URN.searchRequest], ...body } : body });
  if ([404, 405, 501].includes(res.status)) ctx.skip(`the target does not offer POST ${path} (HTTP ${res.status}); RFC 7644 §3.4.3 lets clients use /.search, it does not require it`);
  return res;
}

export const checks: Check[] = [
  {
    id: 'search.users.filter',
    title: 'POST /Users/.search with a filter answers a ListResponse of the matches',
    area: 'search',
    cite: { rfc: 7644, section: '3.4.3', quote: SEARCH_QUOTE },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const set = await createNamedUsers(ctx, ['s1', 's2', 's3']);
      const sel = await selection(ctx, set.set);
      const path = `${usersPath(ctx)}/.search`;
      const json = expectListResponse(ctx, await search(ctx, path, { filter: sel.filter }), `POST ${path}`);
      expectIdSet(ctx, resourcesOf(json), sel.users.map((u) => u.id), `POST /.search results (filter: ${sel.filter})`, set.names);
    },
  },
  {
    id: 'search.root.filter',
    title: 'POST /.search at the root finds Users by filter',
    area: 'search',
    cite: { rfc: 7644, section: '3.4.2.1', quote: 'Queries MAY be performed against a SCIM resource object, a resource type endpoint, or a SCIM server root.' },
    level: 'MAY',
    requires: ['filter', 'write'],
    async run(ctx) {
      const set = await createNamedUsers(ctx, ['r1', 'r2']);
      const sel = await selection(ctx, set.set);
      const json = expectListResponse(ctx, await search(ctx, '/.search', { filter: sel.filter }), 'POST /.search');
      expectIdSet(ctx, resourcesOf(json), sel.users.map((u) => u.id), `root /.search results (filter: ${sel.filter})`, set.names);
    },
  },
  {
    id: 'search.attributes',
    // Ignoring `attributes` fails each of these, in three areas: one root cause.
    topic: 'projection.attributes',
    title: 'attributes in a SearchRequest shapes the returned resources',
    area: 'search',
    cite: { rfc: 7644, section: '3.9', quote: ATTRIBUTES_SHALL },
    level: 'MUST',
    needs: [SEARCH_WORKS],
    requires: ['filter', 'write'],
    async run(ctx) {
      const slot = pickWritableString(ctx, { topLevel: true });
      const set = await createNamedUsers(ctx, ['a1'], () => slot.set({}, 'Searcher'));
      const sel = await selection(ctx, set.set);
      const path = `${usersPath(ctx)}/.search`;
      const json = expectListResponse(ctx, await search(ctx, path, { filter: sel.filter, attributes: ['userName'] }), `POST ${path}`);
      const [r] = resourcesOf(json);
      ctx.expectEqual(attr(r, 'id'), set.users[0].id, 'the resource found');
      ctx.expectTrue(typeof attr(r, 'userName') === 'string', 'userName is returned', { expected: 'userName', actual: r });
      ctx.expectTrue(!hasAttr(r, 'emails') && slot.get(r) === undefined, 'attributes not asked for are left out', { expected: `no emails, no ${slot.path}`, actual: r });
    },
  },
  {
    id: 'search.excluded-attributes',
    // Ignoring `excludedAttributes` fails each of these, in three areas: one root cause.
    topic: 'projection.excluded',
    title: 'excludedAttributes in a SearchRequest leaves those attributes out',
    area: 'search',
    cite: { rfc: 7644, section: '3.9', quote: EXCLUDED_MUST },
    level: 'MUST',
    needs: [SEARCH_WORKS],
    requires: ['filter', 'write'],
    async run(ctx) {
      // Excluding emails tests something only where the target's schema has emails.
      requireDeclared(ctx, 'emails.value');
      const slot = pickWritableString(ctx, { topLevel: true });
      const set = await createNamedUsers(ctx, ['e1'], () => slot.set({}, 'Searcher'));
      const sel = await selection(ctx, set.set);
      const path = `${usersPath(ctx)}/.search`;
      const json = expectListResponse(ctx, await search(ctx, path, { filter: sel.filter, excludedAttributes: ['emails'] }), `POST ${path}`);
      const [r] = resourcesOf(json);
      ctx.expectEqual(attr(r, 'id'), set.users[0].id, 'the resource found');
      ctx.expectTrue(!hasAttr(r, 'emails'), 'emails is left out', { expected: 'no emails', actual: attr(r, 'emails') });
      ctx.expectEqual(slot.get(r), 'Searcher', `${slot.path} is still returned`);
    },
  },
  {
    id: 'search.missing-schema',
    title: 'a SearchRequest without its schema URN is refused (or, the target\'s choice, answered)',
    area: 'search',
    cite: { rfc: 7644, section: '3.4.3', quote: 'Query requests MUST be identified using the following URI: "urn:ietf:params:scim:api:messages:2.0:SearchRequest".' },
    // The MUST binds the client; a strict server refuses an unidentified body, a lenient one answers it: both are
    // recorded, only a server error warns.
    level: 'MAY',
    needs: [SEARCH_WORKS],
    requires: ['filter'],
    async run(ctx) {
      // An eq filter (supported wherever filters are): a 400 must be about the missing schema, not the operator.
      skipUnlessUsable(ctx, await learnFilterSupport(ctx), ['eq']);
      const path = `${usersPath(ctx)}/.search`;
      const res = await search(ctx, path, { filter: `userName eq ${filterString(`scimcheck-nobody-${crypto.randomUUID()}`)}` }, false);
      if (res.status >= 200 && res.status < 300) ctx.skip(`the target answered a SearchRequest without schemas (HTTP ${res.status}): its choice`);
      if (res.status >= 500) ctx.fail('a SearchRequest without schemas crashed the target', { expected: 400, actual: brief(res) });
      ctx.expectScimError(res, res.status);
    },
  },
  {
    id: 'search.paging',
    title: 'startIndex and count in a SearchRequest page the results',
    area: 'search',
    cite: { rfc: 7644, section: '3.4.2', quote: 'startIndex: The 1-based index of the first result in the current set of list results. REQUIRED when partial results are returned due to pagination.' },
    level: 'MUST',
    needs: [SEARCH_WORKS],
    requires: ['filter', 'write'],
    async run(ctx) {
      const set = await createNamedUsers(ctx, ['q1', 'q2', 'q3', 'q4']);
      const sel = await selectSet(ctx, set.set);
      if (!sel || sel.users.length !== 4) {
        return ctx.skip(`paging a search needs a filter that selects all four of the check's users: ${await selectionGap(ctx)}`);
      }
      const path = `${usersPath(ctx)}/.search`;
      const json = expectListResponse(ctx, await search(ctx, path, { filter: sel.filter, startIndex: 2, count: 2 }), `POST ${path}`);
      ctx.expectEqual(attr(json, 'totalResults'), 4, 'totalResults');
      ctx.expectEqual(attr(json, 'startIndex'), 2, 'startIndex');
      const n = resourcesOf(json).length;
      ctx.expectTrue(n >= 1 && n <= 2, 'count=2 from startIndex=2 of 4 returns 1..2 resources', { expected: '1..2', actual: n });
    },
  },
  {
    id: 'search.sort',
    // A target that ignores sortBy fails the sort area and this one: one root cause.
    topic: 'sort.order',
    title: 'sortBy and sortOrder in a SearchRequest order the results',
    area: 'search',
    cite: { rfc: 7644, section: '3.4.3', quote: 'sortBy: A string indicating the attribute whose value SHALL be used to order the returned responses.' },
    level: 'MUST',
    needs: [SEARCH_WORKS],
    requires: ['filter', 'write', 'sort'],
    async run(ctx) {
      const set = await createNamedUsers(ctx, ['kilo', 'india', 'lima', 'juliet']);
      const path = `${usersPath(ctx)}/.search`;
      const [kilo, india, lima, juliet] = set.users.map((u) => u.id) as string[];
      await expectSortedSet(ctx, set.set, searchLister(ctx, path), { sortBy: 'userName', sortOrder: 'descending' }, [lima, kilo, juliet, india] as string[], 'descending userName via /.search');
    },
  },
  {
    id: 'search.groups.filter',
    title: 'POST /Groups/.search finds a Group by displayName',
    area: 'search',
    cite: { rfc: 7644, section: '3.4.3', quote: SEARCH_QUOTE },
    level: 'MUST',
    requires: ['filter', 'write', 'groups'],
    async run(ctx) {
      skipUnlessUsable(ctx, await learnFilterSupport(ctx), ['eq'], 'this check (eq on Group displayName)');
      const g = await ctx.fixtures.createGroup();
      const path = `${groupsPath(ctx)}/.search`;
      const json = expectListResponse(ctx, await search(ctx, path, { filter: `displayName eq ${filterString(String(attr(g, 'displayName')))}` }), `POST ${path}`);
      expectIdSet(ctx, resourcesOf(json), [g.id], 'POST /Groups/.search results');
    },
  },
  {
    id: 'search.get-not-allowed',
    title: 'GET on /Users/.search is not answered as a successful query',
    area: 'search',
    cite: { rfc: 7644, section: '3.4.3', quote: 'The inclusion of "/.search" on the end of a valid SCIM endpoint SHALL be used to indicate that the HTTP POST verb is intended to be a query operation.' },
    // The RFC defines /.search for POST and says nothing of GET: a success there only warns (it hides client mistakes).
    level: 'MAY',
    async run(ctx) {
      const path = `${usersPath(ctx)}/.search`;
      const res = await ctx.http.send({ method: 'GET', path });
      if (res.status >= 200 && res.status < 300) ctx.fail('GET on /.search should not succeed', { expected: [404, 405], actual: brief(res) });
      if (res.status >= 500) ctx.fail('GET on /.search crashed the target', { expected: [404, 405], actual: brief(res) });
    },
  },
];
