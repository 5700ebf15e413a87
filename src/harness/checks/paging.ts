/**
 * RFC 7644 §3.4.2.4 pagination. Each check creates five users of its own and pages through a list that holds
 * them: the five selected by a filter the target supports (`userName sw`, or `userName eq … or …`), else the
 * whole unscoped list (support/scoping.ts pagingScope). Expected totals come from that list: five, or what the
 * target reports for the unscoped list.
 *
 * The checks that create users run in the isolated phase: an unscoped list only has a stable total and order
 * while no other check creates or deletes users (and scoped lists lose nothing by it).
 */
import type { Check, CheckContext } from '../check.ts';
import { attr } from './support/attributes.ts';
import { brief, usersPath } from './support/http.ts';
import { expectListResponse, idsOf, list, resourcesOf } from './support/lists.ts';
import { createNamedUsers } from './support/population.ts';
import { MAX_PAGES, pagingScope, type PagingScope } from './support/scoping.ts';

const FIVE = ['p1', 'p2', 'p3', 'p4', 'p5'];

/** Five users of the check's own, and the list to page through that holds them. */
async function fiveUsers(ctx: CheckContext) {
  const set = await createNamedUsers(ctx, FIVE);
  return { ...set, scope: await pagingScope(ctx, set.set) };
}

async function page(ctx: CheckContext, scope: PagingScope, startIndex: number | undefined, count: number | undefined) {
  const path = usersPath(ctx);
  const query = { ...scope.params, startIndex, count };
  const shown = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join('&');
  return list(ctx, path, query, `GET ${path}?${shown}`);
}

/** count values that must return totalResults but no Resources, with the clause that says so. */
const NO_RESOURCE_COUNTS: { key: string; title: string; count: number; quote: string }[] = [
  {
    key: 'zero',
    title: 'count=0 returns totalResults and no resources',
    count: 0,
    quote: 'A value of "0" indicates that no resource results are to be returned except for "totalResults". ... When specified, the service provider MUST NOT return more results than specified, although it MAY return fewer results.',
  },
  { key: 'negative', title: 'a negative count is treated as 0', count: -3, quote: 'A negative value SHALL be interpreted as "0".' },
];

/** RFC 7644 §3.4.2.4: count 0 (or negative, read as 0) lists no resources yet still reports totalResults. */
function countReturnsNoResources(c: (typeof NO_RESOURCE_COUNTS)[number]): Check {
  return {
    id: `paging.count.${c.key}`,
    title: c.title,
    area: 'paging',
    cite: { rfc: 7644, section: '3.4.2.4', quote: c.quote },
    level: 'MUST',
    requires: ['filter', 'write'],
    phase: 'isolated',
    async run(ctx) {
      const set = await fiveUsers(ctx);
      const { json, resources } = await page(ctx, set.scope, undefined, c.count);
      ctx.expectEqual(resources.length, 0, `number of Resources for count=${c.count}`);
      ctx.expectEqual(attr(json, 'totalResults'), set.scope.total, `totalResults for count=${c.count}`);
    },
  };
}

export const checks: Check[] = [
  {
    id: 'paging.count.honoured',
    title: 'count limits the number of resources returned',
    area: 'paging',
    cite: { rfc: 7644, section: '3.4.2.4', quote: 'When specified, the service provider MUST NOT return more results than specified, although it MAY return fewer results.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    phase: 'isolated',
    async run(ctx) {
      const set = await fiveUsers(ctx);
      const { resources } = await page(ctx, set.scope, 1, 2);
      ctx.expectTrue(resources.length <= 2, 'count=2 returns at most 2 resources', { expected: '<= 2', actual: resources.length });
    },
  },
  {
    id: 'paging.items-per-page.matches',
    title: 'itemsPerPage equals the number of resources in the page',
    area: 'paging',
    cite: { rfc: 7644, section: '3.4.2', quote: 'itemsPerPage: The number of resources returned in a list response page. REQUIRED when partial results are returned due to pagination.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    phase: 'isolated',
    async run(ctx) {
      const set = await fiveUsers(ctx);
      const { json, resources } = await page(ctx, set.scope, 1, 2);
      // With at least 5 matches and count=2 the answer is partial, so itemsPerPage is required.
      ctx.expectEqual(attr(json, 'itemsPerPage'), resources.length, 'itemsPerPage of a partial page');
    },
  },
  {
    id: 'paging.start-index.echoed',
    title: 'the response startIndex is the 1-based index that was asked for',
    area: 'paging',
    cite: { rfc: 7644, section: '3.4.2', quote: 'startIndex: The 1-based index of the first result in the current set of list results. REQUIRED when partial results are returned due to pagination.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    phase: 'isolated',
    async run(ctx) {
      const set = await fiveUsers(ctx);
      const { json } = await page(ctx, set.scope, 2, 2);
      ctx.expectEqual(attr(json, 'startIndex'), 2, 'startIndex of the page asked with startIndex=2');
    },
  },
  {
    id: 'paging.start-index.offsets',
    title: 'startIndex skips the earlier results',
    area: 'paging',
    cite: { rfc: 7644, section: '3.4.2.4', quote: 'startIndex: The 1-based index of the first query result.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    phase: 'isolated',
    async run(ctx) {
      const set = await fiveUsers(ctx);
      // From index 4 of N results at most N-3 remain (2 of the five), whatever the order.
      const left = Math.min(10, set.scope.total - 3);
      const { resources } = await page(ctx, set.scope, 4, 10);
      ctx.expectTrue(resources.length <= left, `startIndex=4&count=10 over ${set.scope.total} results returns at most ${left} resources`, { expected: `<= ${left}`, actual: resources.length });
      const first = await page(ctx, set.scope, 1, 3);
      const overlap = idsOf(resources).filter((id) => idsOf(first.resources).includes(id));
      ctx.expectTrue(overlap.length === 0, 'the page from startIndex=4 shares no resource with the page 1..3', {
        expected: [],
        actual: overlap.map((id) => set.names.get(id) ?? id),
      });
    },
  },
  {
    id: 'paging.total-results.consistent',
    title: 'totalResults is the number of all matches, the same on every page',
    area: 'paging',
    cite: { rfc: 7644, section: '3.4.2', quote: 'totalResults: The total number of results returned by the list or query operation. The value may be larger than the number of resources returned, such as when returning a single page (see Section 3.4.2.4) of results where multiple pages are available. REQUIRED.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    phase: 'isolated',
    async run(ctx) {
      const set = await fiveUsers(ctx);
      for (const start of [1, 3, 5]) {
        const { json } = await page(ctx, set.scope, start, 2);
        ctx.expectEqual(attr(json, 'totalResults'), set.scope.total, `totalResults on the page at startIndex=${start}`);
      }
    },
  },
  {
    id: 'paging.walk.complete',
    title: 'walking all pages yields every match once, no duplicates, no gaps',
    area: 'paging',
    cite: { rfc: 7644, section: '3.4.2.4', quote: 'startIndex: The 1-based index of the first query result.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    phase: 'isolated',
    async run(ctx) {
      const set = await fiveUsers(ctx);
      const seen: string[] = [];
      let start = 1;
      // Pages of 2 over the five; over an unscoped list, pages large enough to walk it in MAX_PAGES requests.
      const size = Math.max(2, Math.ceil(set.scope.total / MAX_PAGES));
      // Advance by what each page returned (the target MAY return fewer than count); bounded loop.
      for (let i = 0; i < 2 * MAX_PAGES && start <= set.scope.total; i++) {
        const { resources } = await page(ctx, set.scope, start, size);
        if (resources.length === 0) break;
        seen.push(...idsOf(resources));
        start += resources.length;
      }
      const label = (ids: string[]) => ids.map((id) => set.names.get(id) ?? id);
      const dupes = seen.filter((id, i) => seen.indexOf(id) !== i);
      ctx.expectTrue(dupes.length === 0, 'no resource appears on two pages', { expected: [], actual: label(dupes) });
      const missing = set.users.map((u) => u.id).filter((id) => !seen.includes(id));
      ctx.expectTrue(missing.length === 0, 'every matching resource appears on some page', { expected: FIVE, actual: label(seen) });
    },
  },
  ...NO_RESOURCE_COUNTS.map(countReturnsNoResources),
  {
    id: 'paging.start-index.below-one',
    title: 'a startIndex below 1 is treated as 1',
    area: 'paging',
    cite: { rfc: 7644, section: '3.4.2.4', quote: 'A value less than 1 SHALL be interpreted as 1.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    phase: 'isolated',
    async run(ctx) {
      const set = await fiveUsers(ctx);
      for (const start of [0, -4]) {
        const { json, resources } = await page(ctx, set.scope, start, 2);
        const echoed = attr(json, 'startIndex');
        // startIndex is required on this partial page and must say where it really started.
        ctx.expectEqual(echoed, 1, `response startIndex for startIndex=${start}`);
        ctx.expectTrue(resources.length >= 1 && resources.length <= 2, `startIndex=${start}&count=2 returns the first page (1..2 resources)`, {
          expected: '1..2',
          actual: resources.length,
        });
      }
    },
  },
  {
    id: 'paging.start-index.beyond-end',
    title: 'a startIndex past the last result answers an empty page with the right totalResults',
    area: 'paging',
    cite: { rfc: 7644, section: '3.4.2', quote: 'totalResults: The total number of results returned by the list or query operation. The value may be larger than the number of resources returned, such as when returning a single page (see Section 3.4.2.4) of results where multiple pages are available. REQUIRED.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    phase: 'isolated',
    async run(ctx) {
      const set = await fiveUsers(ctx);
      const beyond = set.scope.total + 45;
      const { json, resources } = await page(ctx, set.scope, beyond, 10);
      ctx.expectEqual(resources.length, 0, `number of Resources at startIndex=${beyond} of ${set.scope.total}`);
      ctx.expectEqual(attr(json, 'totalResults'), set.scope.total, `totalResults at startIndex=${beyond}`);
    },
  },
  {
    id: 'paging.count.capped-at-max-results',
    title: 'a count above filter.maxResults is answered with at most maxResults resources',
    area: 'paging',
    cite: { rfc: 7643, section: '5', quote: 'maxResults: An integer value specifying the maximum number of resources returned in a response. REQUIRED.' },
    level: 'MUST',
    async run(ctx) {
      const max = ctx.target.limits.maxResults;
      if (typeof max !== 'number' || max < 1) return ctx.skip('the target does not advertise filter.maxResults');
      const path = usersPath(ctx);
      // Read-only: a large count over whatever the target holds must still be a successful, capped answer.
      const res = await ctx.http.send({ method: 'GET', path, query: { count: max + 50 } });
      const json = expectListResponse(ctx, res, `GET ${path}?count=${max + 50}`);
      const n = resourcesOf(json).length;
      ctx.expectTrue(n <= max, `at most maxResults (${max}) resources come back`, { expected: `<= ${max}`, actual: n });
      const ipp = attr(json, 'itemsPerPage');
      if (ipp !== undefined) ctx.expectTrue(ipp === n, 'itemsPerPage equals the resources returned', { expected: n, actual: ipp });
    },
  },
  {
    id: 'paging.count.capped-with-data',
    title: 'with more matches than maxResults, a larger count still returns at most maxResults',
    area: 'paging',
    cite: { rfc: 7643, section: '5', quote: 'maxResults: An integer value specifying the maximum number of resources returned in a response. REQUIRED.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    phase: 'isolated',
    async run(ctx) {
      const max = ctx.target.limits.maxResults;
      if (typeof max !== 'number' || max < 1) return ctx.skip('the target does not advertise filter.maxResults');
      if (max > 50) ctx.skip(`filter.maxResults is ${max}: exceeding it would need too many users for one check`);
      const set = await createNamedUsers(ctx, Array.from({ length: max + 1 }, (_, i) => `m${i}`));
      const scope = await pagingScope(ctx, set.set);
      const { json, resources } = await page(ctx, scope, 1, max + 1);
      ctx.expectTrue(resources.length <= max, `at most maxResults (${max}) resources come back`, { expected: `<= ${max}`, actual: resources.length });
      ctx.expectEqual(attr(json, 'totalResults'), scope.total, 'totalResults counts every match, not just the capped page');
    },
  },
  {
    id: 'paging.invalid.non-numeric',
    title: 'a non-numeric count is not answered with a server error',
    area: 'paging',
    cite: { rfc: 7644, section: '3.12', quote: 'invalidValue: A required value was missing, or the value specified was not compatible with the operation or attribute type' },
    // The RFC names no answer to a count that is not a number: a 400 and ignoring it are both fine; a crash warns.
    level: 'MAY',
    async run(ctx) {
      const path = usersPath(ctx);
      const res = await ctx.http.send({ method: 'GET', path, query: { count: 'ten' } });
      // Either a 400 SCIM error or ignoring the bad value (answering a list) is reasonable; a 5xx is not.
      if (res.status >= 500) ctx.fail('a malformed count crashed the target', { expected: '400 or 200', actual: brief(res) });
      if (res.status !== 200 && res.status !== 400) ctx.fail('a malformed count should be a 400 or be ignored', { expected: '400 or 200', actual: brief(res) });
    },
  },
];
