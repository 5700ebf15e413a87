/**
 * RFC 7644 §3.4.2.3 sorting. Users are created in an order that differs from every sort order the
 * checks ask for, so a target that ignores sortBy cannot pass by accident. The sorted list is the check's own
 * users selected by a filter the target supports, else one unscoped page whose users of this check must appear
 * in the expected relative order (support/scoping.ts sortedSet).
 */
import type { Check, CheckContext } from '../check.ts';
import { usersPath } from './support/http.ts';
import { expectIdOrder, list } from './support/lists.ts';
import { createNamedUsers } from './support/population.ts';
import { expectSortedSet, getLister, selectionGap, selectSet } from './support/scoping.ts';
import { requireDeclared } from './support/user-schema.ts';

const SORT_QUOTE = 'The "sortBy" parameter specifies the attribute whose value SHALL be used to order the returned responses.';
const SORT_ORDER_QUOTE = `${SORT_QUOTE} ... sortOrder: The order in which the "sortBy" parameter is applied. Allowed values are "ascending" and "descending".`;

/** Created delta, alpha, charlie, bravo; family names make a third, different order. */
const CREATED = ['delta', 'alpha', 'charlie', 'bravo'] as const;
type Name = (typeof CREATED)[number];
const FAMILY: Record<string, string> = { delta: 'Brown', alpha: 'Young', charlie: 'Adams', bravo: 'Miller' };

async function sortSet(ctx: CheckContext) {
  const set = await createNamedUsers(ctx, [...CREATED], (s) => ({ name: { givenName: s, familyName: FAMILY[s] } }));
  const by = (s: string) => set.users[(CREATED as readonly string[]).indexOf(s)].id;
  return { ...set, by };
}

async function sorted(ctx: CheckContext, query: Record<string, string | number | undefined>) {
  const path = usersPath(ctx);
  const qs = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join('&');
  return list(ctx, path, query, `GET ${path}?${qs}`);
}

/** One sort request over the four-user set and the order it must produce. */
interface SortCase {
  id: string;
  title: string;
  cite: Check['cite'];
  query: { sortBy: string; sortOrder?: 'ascending' | 'descending'; startIndex?: number; count?: number };
  expected: Name[];
  what: string;
}

const SORT_CASES: SortCase[] = [
  {
    id: 'sort.username.ascending',
    title: 'sortBy=userName&sortOrder=ascending orders by userName',
    cite: { rfc: 7644, section: '3.4.2.3', quote: SORT_QUOTE },
    query: { sortBy: 'userName', sortOrder: 'ascending' },
    expected: ['alpha', 'bravo', 'charlie', 'delta'],
    what: 'ascending userName',
  },
  {
    id: 'sort.username.descending',
    title: 'sortOrder=descending reverses the order',
    cite: { rfc: 7644, section: '3.4.2.3', quote: SORT_ORDER_QUOTE },
    query: { sortBy: 'userName', sortOrder: 'descending' },
    expected: ['delta', 'charlie', 'bravo', 'alpha'],
    what: 'descending userName',
  },
  {
    id: 'sort.order.default-ascending',
    title: 'sortBy without sortOrder sorts ascending',
    cite: { rfc: 7644, section: '3.4.2.3', quote: 'If a value for "sortBy" is provided and no "sortOrder" is specified, "sortOrder" SHALL default to ascending.' },
    query: { sortBy: 'userName' },
    expected: ['alpha', 'bravo', 'charlie', 'delta'],
    what: 'userName with the default sortOrder',
  },
  {
    id: 'sort.sort-by.case-insensitive-name',
    title: 'sortBy names the attribute case-insensitively (USERNAME)',
    // "definition" exception of test/harness/levels.test.ts: USERNAME names the attribute userName, which SHALL order the results.
    cite: { rfc: 7643, section: '2.1', quote: 'Attribute names are case insensitive and are often "camel-cased" (e.g., "camelCase").' },
    query: { sortBy: 'USERNAME', sortOrder: 'descending' },
    expected: ['delta', 'charlie', 'bravo', 'alpha'],
    what: 'sortBy=USERNAME descending',
  },
  {
    id: 'sort.sort-by.sub-attribute',
    title: 'sortBy a sub-attribute (name.familyName)',
    cite: { rfc: 7644, section: '3.4.2.3', quote: SORT_QUOTE },
    query: { sortBy: 'name.familyName', sortOrder: 'ascending' },
    // Adams (charlie), Brown (delta), Miller (bravo), Young (alpha).
    expected: ['charlie', 'delta', 'bravo', 'alpha'],
    what: 'ascending name.familyName',
  },
  {
    id: 'sort.with-paging',
    title: 'sorting applies before paging (sortBy + startIndex + count)',
    // "definition" exception of test/harness/levels.test.ts: the 1-based index into the sorted result.
    cite: { rfc: 7644, section: '3.4.2.4', quote: 'startIndex: The 1-based index of the first query result.' },
    query: { sortBy: 'userName', sortOrder: 'ascending', startIndex: 2, count: 2 },
    expected: ['bravo', 'charlie'],
    what: 'page 2..3 of ascending userName',
  },
];

/** sort.sort-by.sub-attribute reversed; listed after the mixed-case check to keep the published id order. */
const DESCENDING_SUB_ATTRIBUTE: SortCase = {
  id: 'sort.descending.sub-attribute',
  title: 'sortBy name.familyName descending',
  cite: { rfc: 7644, section: '3.4.2.3', quote: SORT_ORDER_QUOTE },
  query: { sortBy: 'name.familyName', sortOrder: 'descending' },
  expected: ['alpha', 'bravo', 'delta', 'charlie'],
  what: 'descending name.familyName',
};

/** RFC 7644 §3.4.2.3: the returned order is exactly the requested one, within the set's scope. */
function sortCheck(c: SortCase): Check {
  return {
    id: c.id,
    title: c.title,
    area: 'sort',
    topic: 'sort.order',
    cite: c.cite,
    level: 'MUST',
    requires: ['sort', 'filter', 'write'],
    async run(ctx) {
      // Sorting by an attribute the target's schema lacks would test nothing (RFC 7643 §7).
      requireDeclared(ctx, c.query.sortBy);
      const s = await sortSet(ctx);
      if (c.query.startIndex === undefined) {
        await expectSortedSet(ctx, s.set, getLister(ctx), c.query, c.expected.map(s.by), c.what);
        return;
      }
      // A page of the sorted set needs a filter that selects exactly the set: positions in a longer list say nothing.
      const selection = await selectSet(ctx, s.set);
      if (!selection || selection.users.length !== s.users.length) {
        return ctx.skip(`paging a sorted list of the check's users needs a filter that selects all of them: ${await selectionGap(ctx)}`);
      }
      const { resources } = await sorted(ctx, { filter: selection.filter, ...c.query });
      expectIdOrder(ctx, resources, c.expected.map(s.by), c.what, s.names);
    },
  };
}

export const checks: Check[] = [
  ...SORT_CASES.map(sortCheck),
  {
    id: 'sort.case-insensitive-values',
    topic: 'sort.order',
    title: 'a caseExact=false attribute sorts without regard to case',
    area: 'sort',
    cite: {
      rfc: 7644,
      section: '3.4.2.3',
      quote: '"sortOrder" MUST sort according to the attribute type; i.e., for case-insensitive attributes, sort the result using case-insensitive Unicode alphabetic sort order with no specific locale implied',
    },
    level: 'MUST',
    requires: ['sort', 'filter', 'write'],
    async run(ctx) {
      // Case-sensitive ordering would put "Beta" and "Gamma" before "alpha".
      const set = await createNamedUsers(ctx, ['Gamma', 'alpha', 'Beta']);
      const [gamma, alpha, beta] = set.users.map((u) => u.id);
      await expectSortedSet(ctx, set.set, getLister(ctx), { sortBy: 'userName', sortOrder: 'ascending' }, [alpha, beta, gamma] as string[], 'userName ascending, mixed case');
    },
  },
  sortCheck(DESCENDING_SUB_ATTRIBUTE),
];
