/**
 * Filter equivalence (RFC 7644 §3.4.2.2) and paging (RFC 7644 §3.4.2.4) over random populations.
 */
import fc from 'fast-check';
import { filterSpec, userSpec, type FilterSpec, type UserSpec } from '../arbitraries.ts';
import { CreateUser, ListUsers } from '../commands.ts';
import type { PropertyDef } from '../engine.ts';
import { Model } from '../model.ts';
import { PropertyMismatch } from '../session.ts';
import { scoped } from '../filters.ts';
import { printFilter } from '../../../scim/filter/index.ts';
import { expectSameIds, expectStatus, listAll, listedResources } from '../verify.ts';

interface FilterCase {
  population: UserSpec[];
  filters: FilterSpec[];
}

export const filterEquivalence: PropertyDef<FilterCase> = {
  name: 'filter-equivalence',
  title: "a filtered list returns exactly the users the model's filter evaluation selects",
  area: 'filter',
  cite: { rfc: 7644, section: '3.4.2.2', quote: 'the filter parameter MUST contain at least one valid expression' },
  notApplicable: (t) => (!t.filter ? 'target does not advertise filter (ServiceProviderConfig.filter.supported=false)' : t.scope.kind === 'none' ? t.scope.why : undefined),
  arbitrary: (target) =>
    fc.record({
      population: fc.array(userSpec({ enterprise: target.enterprise }), { minLength: 1, maxLength: 6 }),
      filters: fc.array(filterSpec({ enterprise: target.enterprise, dates: true, features: target.filterFeatures }), { minLength: 1, maxLength: 3 }),
    }),
  async run(value, real) {
    const model = new Model(real.target.registry);
    for (const spec of value.population) await new CreateUser(spec).run(model, real);
    for (const f of value.filters) await new ListUsers(f).run(model, real);
  },
};

interface PagingCase {
  population: UserSpec[];
  pageSize: number;
}

export const paging: PropertyDef<PagingCase> = {
  name: 'paging',
  title: 'concatenating the pages of any page size gives the one-page result, without duplicates',
  area: 'paging',
  cite: { rfc: 7644, section: '3.4.2.4', quote: 'The 1-based index of the first query result' },
  notApplicable: (t) => (!t.filter ? 'target does not advertise filter, which scoping the list to this run needs' : t.scope.kind === 'none' ? t.scope.why : undefined),
  arbitrary: () =>
    fc.record({
      population: fc.array(userSpec({ enterprise: false }), { minLength: 0, maxLength: 7 }),
      pageSize: fc.integer({ min: 1, max: 4 }),
    }),
  async run(value, real) {
    const { session, target } = real;
    const model = new Model(target.registry);
    for (const spec of value.population) await new CreateUser(spec).run(model, real);
    const filter = scoped(target.scope, session.prefix, undefined)!;
    const sortBy = target.sort ? { sortBy: 'userName' } : {};
    const expected = model.users.map((u) => u.id);
    const names = new Map(model.users.map((u) => [u.id, String(u.resource.userName)]));

    session.step('listOnePage()', { status: 200, userNames: expected.map((id) => names.get(id)) });
    const big = await listAll(session, target.endpoints.users, filter, Math.max(expected.length, 1) + 10, 1);
    if ('status' in big) return expectStatus(big.res, 200, 'GET /Users (one page)');
    expectSameIds(big.ids, expected, 'GET /Users (one page)', names);

    session.step(`listPages(count=${value.pageSize})`, { status: 200, userNames: expected.map((id) => names.get(id)) });
    const ids: string[] = [];
    // RFC 7644 §3.4.2.4: startIndex is 1-based; each page starts where the previous one ended.
    for (let start = 1, page = 0; page <= expected.length + 1; page++) {
      const res = await session.send({ method: 'GET', path: target.endpoints.users, query: { filter: printFilter(filter), startIndex: start, count: value.pageSize, ...sortBy } });
      expectStatus(res, 200, `GET /Users?startIndex=${start}&count=${value.pageSize}`);
      const got = listedResources(res.json, `GET /Users?startIndex=${start}&count=${value.pageSize}`);
      if (got.length > value.pageSize) throw new PropertyMismatch(`page at startIndex=${start} holds ${got.length} resources, more than count=${value.pageSize}`, value.pageSize, got.length);
      if (got.length === 0) break;
      ids.push(...got.map((r) => String(r.id)));
      start += got.length;
      if (start > expected.length) break;
    }
    expectSameIds(ids, expected, `pages of ${value.pageSize} concatenated`, names);
  },
};

