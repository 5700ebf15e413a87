/**
 * RFC 7644 §3.4.2.3 sorting. Users are created in an order that differs from every sort order the
 * checks ask for, so a target that ignores sortBy cannot pass by accident.
 */
import type { Check, CheckContext } from '../check.ts';
import { usersPath } from './support/http.ts';
import { expectIdOrder, list } from './support/lists.ts';
import { createNamedUsers } from './support/population.ts';

const SORT_QUOTE = 'The "sortBy" parameter specifies the attribute whose value SHALL be used to order the returned responses.';

/** Created delta, alpha, charlie, bravo; family names make a third, different order. */
const FAMILY: Record<string, string> = { delta: 'Brown', alpha: 'Young', charlie: 'Adams', bravo: 'Miller' };

async function sortSet(ctx: CheckContext) {
  const set = await createNamedUsers(ctx, ['delta', 'alpha', 'charlie', 'bravo'], (s) => ({ name: { givenName: s, familyName: FAMILY[s] } }));
  const by = (s: string) => set.users[['delta', 'alpha', 'charlie', 'bravo'].indexOf(s)].id;
  return { ...set, by };
}

async function sorted(ctx: CheckContext, query: Record<string, string | number | undefined>) {
  const path = usersPath(ctx);
  const qs = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join('&');
  return list(ctx, path, query, `GET ${path}?${qs}`);
}

export const checks: Check[] = [
  {
    id: 'sort.username.ascending',
    title: 'sortBy=userName&sortOrder=ascending orders by userName',
    area: 'sort',
    cite: { rfc: 7644, section: '3.4.2.3', quote: SORT_QUOTE },
    level: 'MUST',
    requires: ['sort', 'filter', 'write'],
    async run(ctx) {
      const s = await sortSet(ctx);
      const { resources } = await sorted(ctx, { filter: s.scope, sortBy: 'userName', sortOrder: 'ascending' });
      expectIdOrder(ctx, resources, ['alpha', 'bravo', 'charlie', 'delta'].map(s.by), 'ascending userName', s.names);
    },
  },
  {
    id: 'sort.username.descending',
    title: 'sortOrder=descending reverses the order',
    area: 'sort',
    cite: { rfc: 7644, section: '3.4.2.3', quote: 'sortOrder: The order in which the "sortBy" parameter is applied. Allowed values are "ascending" and "descending".' },
    level: 'MUST',
    requires: ['sort', 'filter', 'write'],
    async run(ctx) {
      const s = await sortSet(ctx);
      const { resources } = await sorted(ctx, { filter: s.scope, sortBy: 'userName', sortOrder: 'descending' });
      expectIdOrder(ctx, resources, ['delta', 'charlie', 'bravo', 'alpha'].map(s.by), 'descending userName', s.names);
    },
  },
  {
    id: 'sort.order.default-ascending',
    title: 'sortBy without sortOrder sorts ascending',
    area: 'sort',
    cite: { rfc: 7644, section: '3.4.2.3', quote: 'If sortBy is provided and sortOrder is not specified, sortOrder SHALL default to ascending.' },
    level: 'MUST',
    requires: ['sort', 'filter', 'write'],
    async run(ctx) {
      const s = await sortSet(ctx);
      const { resources } = await sorted(ctx, { filter: s.scope, sortBy: 'userName' });
      expectIdOrder(ctx, resources, ['alpha', 'bravo', 'charlie', 'delta'].map(s.by), 'userName with the default sortOrder', s.names);
    },
  },
  {
    id: 'sort.sort-by.case-insensitive-name',
    title: 'sortBy names the attribute case-insensitively (USERNAME)',
    area: 'sort',
    cite: { rfc: 7643, section: '2.1', quote: 'Attribute names are case insensitive' },
    level: 'MUST',
    requires: ['sort', 'filter', 'write'],
    async run(ctx) {
      const s = await sortSet(ctx);
      const { resources } = await sorted(ctx, { filter: s.scope, sortBy: 'USERNAME', sortOrder: 'descending' });
      expectIdOrder(ctx, resources, ['delta', 'charlie', 'bravo', 'alpha'].map(s.by), 'sortBy=USERNAME descending', s.names);
    },
  },
  {
    id: 'sort.sort-by.sub-attribute',
    title: 'sortBy a sub-attribute (name.familyName)',
    area: 'sort',
    cite: { rfc: 7644, section: '3.4.2.3', quote: SORT_QUOTE },
    level: 'MUST',
    requires: ['sort', 'filter', 'write'],
    async run(ctx) {
      const s = await sortSet(ctx);
      const { resources } = await sorted(ctx, { filter: s.scope, sortBy: 'name.familyName', sortOrder: 'ascending' });
      // Adams (charlie), Brown (delta), Miller (bravo), Young (alpha).
      expectIdOrder(ctx, resources, ['charlie', 'delta', 'bravo', 'alpha'].map(s.by), 'ascending name.familyName', s.names);
    },
  },
  {
    id: 'sort.with-paging',
    title: 'sorting applies before paging (sortBy + startIndex + count)',
    area: 'sort',
    cite: { rfc: 7644, section: '3.4.2.4', quote: 'startIndex: The 1-based index of the first query result.' },
    level: 'MUST',
    requires: ['sort', 'filter', 'write'],
    async run(ctx) {
      const s = await sortSet(ctx);
      const { resources } = await sorted(ctx, { filter: s.scope, sortBy: 'userName', sortOrder: 'ascending', startIndex: 2, count: 2 });
      expectIdOrder(ctx, resources, ['bravo', 'charlie'].map(s.by), 'page 2..3 of ascending userName', s.names);
    },
  },
  {
    id: 'sort.case-insensitive-values',
    title: 'a caseExact=false attribute sorts without regard to case',
    area: 'sort',
    cite: {
      rfc: 7644,
      section: '3.4.2.3',
      quote: 'for case-insensitive attributes, sort the result using case-insensitive Unicode alphabetic sort order',
    },
    level: 'MUST',
    requires: ['sort', 'filter', 'write'],
    async run(ctx) {
      // Case-sensitive ordering would put "Beta" and "Gamma" before "alpha".
      const set = await createNamedUsers(ctx, ['Gamma', 'alpha', 'Beta']);
      const { resources } = await sorted(ctx, { filter: set.scope, sortBy: 'userName', sortOrder: 'ascending' });
      expectIdOrder(ctx, resources, [set.users[1].id, set.users[2].id, set.users[0].id], 'userName ascending, mixed case', set.names);
    },
  },
  {
    id: 'sort.descending.sub-attribute',
    title: 'sortBy name.familyName descending',
    area: 'sort',
    cite: { rfc: 7644, section: '3.4.2.3', quote: 'sortOrder: The order in which the "sortBy" parameter is applied. Allowed values are "ascending" and "descending".' },
    level: 'MUST',
    requires: ['sort', 'filter', 'write'],
    async run(ctx) {
      const s = await sortSet(ctx);
      const { resources } = await sorted(ctx, { filter: s.scope, sortBy: 'name.familyName', sortOrder: 'descending' });
      expectIdOrder(ctx, resources, ['alpha', 'bravo', 'delta', 'charlie'].map(s.by), 'descending name.familyName', s.names);
    },
  },
];
