/**
 * RFC 7644 §3.4.2.2 filtering. Every check builds its own small population (support/population.ts) and
 * scopes each filter with `userName sw "<prefix>" and (...)`, so data already on a target never matters.
 */
import type { Check, CheckContext } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr, attrPath } from './support/attributes.ts';
import { filterString, swapCase } from './support/names.ts';
import { brief, groupsPath, isScimErrorBody, usersPath } from './support/http.ts';
import { expectIdSet, expectListResponse, list, resourcesOf } from './support/lists.ts';
import { createPopulation, expectFilter } from './support/population.ts';

const FILTER_QUOTE_OPS = 'Attribute names and attribute operators used in filters are case insensitive.';

/** Sends a filter that must be refused with 400 invalidFilter (RFC 7644 §3.4.2.2, §3.12). */
async function expectInvalidFilter(ctx: CheckContext, filter: string): Promise<void> {
  const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter } });
  if (res.status !== 400) {
    ctx.fail(`filter ${filter} should be refused with 400 invalidFilter`, { expected: '400 invalidFilter', actual: brief(res) });
  }
  const scimType = attr(res.json, 'scimType');
  if (!isScimErrorBody(res.json) || scimType !== 'invalidFilter') {
    ctx.fail(`the 400 for filter ${filter} should be a SCIM error with scimType invalidFilter`, {
      expected: { schemas: [SCHEMA_URN.error], scimType: 'invalidFilter' },
      actual: brief(res),
    });
  }
}

const CITE_INVALID_FILTER: Check['cite'] = { rfc: 7644, section: '3.12', quote: 'invalidFilter: The specified filter syntax was invalid (does not comply with Figure 1)' };

/** Filters a target must refuse with 400 invalidFilter, and why each is invalid. */
const INVALID_FILTERS: { key: string; title: string; cite: Check['cite']; level: Check['level']; filter: string }[] = [
  {
    key: 'syntax',
    title: 'a malformed filter is refused with 400 invalidFilter',
    cite: { rfc: 7644, section: '3.12', quote: 'invalidFilter: The specified filter syntax was invalid (does not comply with Figure 1)' },
    level: 'MUST',
    // An unterminated string literal cannot be parsed by the Figure 1 grammar.
    filter: 'userName eq "unterminated',
  },
  {
    key: 'unbalanced-parentheses',
    title: 'a filter with an unclosed parenthesis is refused with 400 invalidFilter',
    cite: CITE_INVALID_FILTER,
    level: 'MUST',
    filter: '(userName eq "x" or title pr',
  },
  {
    key: 'operator',
    title: 'an unknown comparison operator is refused with 400 invalidFilter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'Providers MUST decline to filter results if the specified filter operation is not recognized and return an HTTP 400 error with a "scimType" error of "invalidFilter"' },
    level: 'MUST',
    filter: 'userName regex "^a"',
  },
  {
    key: 'unknown-attribute',
    title: 'a filter on an attribute the schema does not define is refused with 400 invalidFilter',
    cite: { rfc: 7644, section: '3.12', quote: 'invalidFilter: ... or the specified attribute and filter comparison combination is not supported.' },
    // The RFC names this case under invalidFilter without a MUST of its own; some servers answer an empty list.
    level: 'SHOULD',
    filter: 'scimcheckNoSuchAttribute eq "x"',
  },
];

/** RFC 7644 §3.4.2.2 / §3.12: an unparseable or unsupported filter is refused with 400 invalidFilter. */
function invalidFilterCheck(c: (typeof INVALID_FILTERS)[number]): Check {
  return {
    id: `filter.invalid.${c.key}`,
    title: c.title,
    area: 'filter',
    cite: c.cite,
    level: c.level,
    requires: ['filter'],
    async run(ctx) {
      await expectInvalidFilter(ctx, c.filter);
    },
  };
}

export const checks: Check[] = [
  {
    id: 'filter.sw.scope',
    title: 'sw on userName returns exactly the users whose userName starts with the value',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'The entire operator value must be a substring of the attribute value, starting at the beginning of the attribute value.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // RFC 7644 §3.4.2.2 "sw": only the four users carrying the fresh prefix may come back.
      const { resources } = await list(ctx, usersPath(ctx), { filter: pop.scope }, `GET ${usersPath(ctx)}?filter=${pop.scope}`);
      expectIdSet(ctx, resources, pop.all.map((p) => p.user.id), `filter ${pop.scope}`, pop.names);
    },
  },
  {
    id: 'filter.eq.username',
    title: 'eq on userName returns only that user',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'eq: The attribute and operator values must be identical for a match.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // RFC 7644 §3.4.2.2 "eq": an exact match on the one user.
      await expectFilter(ctx, pop, `userName eq ${filterString(pop.alice.userName)}`, [pop.alice], 'eq on userName');
    },
  },
  {
    id: 'filter.eq.username-case-insensitive',
    title: 'eq on userName ignores case (userName is caseExact false)',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'the case sensitivity for String type attributes SHALL be determined by the attribute\'s "caseExact" characteristic' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // RFC 7643 §4.1.1: userName "is case insensitive", so a case-flipped value still matches.
      await expectFilter(ctx, pop, `userName eq ${filterString(swapCase(pop.bob.userName))}`, [pop.bob], 'eq on userName with flipped case');
    },
  },
  {
    id: 'filter.eq.case-exact-externalid',
    title: 'eq on externalId (caseExact true) does not match a value differing only in case',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'the case sensitivity for String type attributes SHALL be determined by the attribute\'s "caseExact" characteristic' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      const ext = String(attr(pop.alice.user, 'externalId') ?? '');
      if (ext === '') ctx.skip('the target did not keep externalId on create');
      // RFC 7643 §3.1: externalId has "caseExact" true, so the exact value matches ...
      await expectFilter(ctx, pop, `externalId eq ${filterString(ext)}`, [pop.alice], 'eq on externalId with the exact value');
      // ... and a case-flipped value must not.
      await expectFilter(ctx, pop, `externalId eq ${filterString(swapCase(ext))}`, [], 'eq on externalId with flipped case');
    },
  },
  {
    id: 'filter.ne.username',
    title: 'ne returns every user but the named one',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'ne: The attribute and operator values are not identical.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, `userName ne ${filterString(pop.alice.userName)}`, [pop.bob, pop.carol, pop.dave], 'ne on userName');
    },
  },
  {
    id: 'filter.co.title',
    title: 'co matches a substring anywhere in the value',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'co: The entire operator value must be a substring of the attribute value for a match.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // "Engineer" contains "gine"; "Manager" does not; carol has no title.
      await expectFilter(ctx, pop, 'title co "gine"', [pop.alice, pop.dave], 'co on title');
    },
  },
  {
    id: 'filter.sw.title',
    title: 'sw matches at the start of the value only',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'The entire operator value must be a substring of the attribute value, starting at the beginning of the attribute value.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // "Engineer" contains "ngi" but does not start with it; "Manager" starts with "Man".
      await expectFilter(ctx, pop, 'title sw "Man" or title sw "ngi"', [pop.bob], 'sw on title');
    },
  },
  {
    id: 'filter.ew.title',
    title: 'ew matches at the end of the value only',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'The entire operator value must be a substring of the attribute value, matching at the end of the attribute value.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // "Manager" ends with "ager"; "Engineer" contains "gin" but does not end with it.
      await expectFilter(ctx, pop, 'title ew "ager" or title ew "gin"', [pop.bob], 'ew on title');
    },
  },
  {
    id: 'filter.pr.title',
    title: 'pr matches users that have a value and skips the one without',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'pr: If the attribute has a non-empty value, or if it contains a non-empty node for complex attributes, there is a match.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'title pr', [pop.alice, pop.bob, pop.dave], 'pr on title');
    },
  },
  {
    id: 'filter.gt.datetime',
    title: 'gt / lt on meta.lastModified compare chronologically',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'gt: If the attribute value is greater than the operator value, there is a match. ... for DateTime types, it is a chronological comparison.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // Every user of this run was modified after 2000 and none before it.
      await expectFilter(ctx, pop, 'meta.lastModified gt "2000-01-01T00:00:00Z"', pop.all, 'gt on meta.lastModified');
      await expectFilter(ctx, pop, 'meta.lastModified lt "2000-01-01T00:00:00Z"', [], 'lt on meta.lastModified');
    },
  },
  {
    id: 'filter.ge-le.datetime-inclusive',
    title: 'ge and le on meta.lastModified include the boundary value',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'ge: If the attribute value is greater than or equal to the operator value, there is a match.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      const stamps = pop.all.map((p) => ({ p, t: attrPath(p.user, 'meta.lastModified') }));
      if (stamps.some((s) => typeof s.t !== 'string' || Number.isNaN(Date.parse(s.t)))) {
        ctx.fail('created users should carry meta.lastModified as a dateTime (RFC 7643 §3.1)', { expected: 'dateTime', actual: stamps.map((s) => s.t) });
      }
      const pivot = stamps.find((s) => s.p.key === 'bob')!.t as string;
      const at = Date.parse(pivot);
      // Expectations come from the values the target itself returned, compared chronologically.
      const ge = stamps.filter((s) => Date.parse(s.t) >= at).map((s) => s.p);
      const le = stamps.filter((s) => Date.parse(s.t) <= at).map((s) => s.p);
      await expectFilter(ctx, pop, `meta.lastModified ge ${filterString(pivot)}`, ge, 'ge on meta.lastModified');
      await expectFilter(ctx, pop, `meta.lastModified le ${filterString(pivot)}`, le, 'le on meta.lastModified');
    },
  },
  {
    id: 'filter.gt.string',
    title: 'gt / le on a string compare lexicographically',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'For string attribute types, this is a lexicographical comparison' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // Given names Alice, Bob, Carol, Dave: "Carol" and "Dave" sort after "C"; "Alice" and "Bob" up to "Bob".
      await expectFilter(ctx, pop, 'name.givenName gt "C"', [pop.carol, pop.dave], 'gt on name.givenName');
      await expectFilter(ctx, pop, 'name.givenName le "Bob"', [pop.alice, pop.bob], 'le on name.givenName');
    },
  },
  {
    id: 'filter.logic.and-or-precedence',
    title: '"and" binds tighter than "or"',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'Logical operators - where "not" takes precedence over "and", which takes precedence over "or"' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // Engineer or (Manager and inactive): alice and dave; a left-to-right reading would return nobody.
      await expectFilter(ctx, pop, 'title eq "Engineer" or title eq "Manager" and active eq false', [pop.alice, pop.dave], 'and/or precedence');
    },
  },
  {
    id: 'filter.logic.parentheses',
    title: 'parentheses override the default precedence',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'Filters MUST be evaluated using the following order of operations, in order of precedence: 1. Grouping operators' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // (Manager or Engineer) and Employee: alice only; without the grouping bob would match too.
      await expectFilter(ctx, pop, '(title eq "Manager" or title eq "Engineer") and userType eq "Employee"', [pop.alice], 'grouping');
    },
  },
  {
    id: 'filter.logic.not',
    title: 'not (...) negates the inner filter',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'not: The filter is a match if the expression evaluates to false.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'not (userType eq "Employee")', [pop.bob, pop.dave], 'not');
    },
  },
  {
    id: 'filter.logic.or',
    title: 'or matches either side',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'or: The filter is a match if either of the expressions evaluates to true.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'userType eq "Intern" or userType eq "Contractor"', [pop.bob, pop.dave], 'or');
    },
  },
  {
    id: 'filter.complex.value-path-same-element',
    title: 'emails[type eq "work" and value co "..."] needs one element to satisfy both',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'Service providers MAY support complex filters where expressions MUST be applied to the same value of a parent attribute' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // Bob has a work email at home.example.org and a home email at corp.example.com: no single element matches.
      await expectFilter(ctx, pop, 'emails[type eq "work" and value co "corp.example.com"]', [pop.alice, pop.dave], 'value path filter');
    },
  },
  {
    id: 'filter.multivalued.any-value',
    title: 'a multi-valued sub-attribute matches when any value matches (emails.type eq "work")',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'the filter matches if any of the values of the specified attribute match the specified criterion' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'emails.type eq "home"', [pop.alice, pop.bob, pop.carol], 'emails.type eq');
    },
  },
  {
    id: 'filter.complex.implied-value',
    title: 'a complex multi-valued attribute without a sub-attribute filters on its value (emails co "...")',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'filter=userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")' },
    // The RFC shows the form in its examples without a normative keyword: an interop expectation.
    level: 'SHOULD',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, `emails co ${filterString(`.${pop.token}@home.example.org`)}`, [pop.alice, pop.bob, pop.carol], 'emails co (implied value)');
    },
  },
  {
    id: 'filter.subattr.family-name',
    title: 'a sub-attribute path (name.familyName) filters on the sub-attribute',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'For complex attributes, a fully qualified sub-attribute MUST be specified using standard attribute notation' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'name.familyName eq "Jones"', [pop.bob], 'name.familyName eq');
    },
  },
  {
    id: 'filter.urn.core-attribute',
    title: 'a URN-prefixed core attribute path filters like the short form',
    area: 'filter',
    cite: { rfc: 7644, section: '3.10', quote: 'attributes are uniquely identified by prefixing the attribute name with its schema URN separated by a colon' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, `${SCHEMA_URN.user}:name.givenName eq "Alice"`, [pop.alice], 'URN-prefixed name.givenName');
    },
  },
  {
    id: 'filter.urn.enterprise-attribute',
    title: 'an enterprise extension attribute can be filtered by its URN path',
    area: 'filter',
    cite: { rfc: 7644, section: '3.10', quote: 'attributes are uniquely identified by prefixing the attribute name with its schema URN separated by a colon' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      if (!pop.enterprise) ctx.skip('the User resource type does not offer the enterprise extension');
      await expectFilter(ctx, pop, `${SCHEMA_URN.enterpriseUser}:department eq "Sales"`, [pop.bob], 'enterprise department eq');
    },
  },
  {
    id: 'filter.string.escaped-quote',
    title: 'a JSON-escaped quote and backslash in a filter value match the stored characters',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'compValue = false / null / true / number / string ; rules from JSON (RFC 7159)' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      const stored = attr(pop.dave.user, 'displayName');
      await expectFilter(ctx, pop, `displayName eq ${filterString(typeof stored === 'string' ? stored : 'Dave "DQ" Back\\slash')}`, [pop.dave], 'displayName with " and \\');
    },
  },
  {
    id: 'filter.empty-result',
    title: 'a filter matching nothing answers 200 with totalResults 0',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2', quote: 'A query that does not return any matches SHALL return success (HTTP status code 200) with "totalResults" set to a value of 0.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      const filter = `${pop.scope} and title eq "no-such-title-${crypto.randomUUID()}"`;
      const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter } });
      const json = expectListResponse(ctx, res, `GET ?filter=${filter}`);
      ctx.expectEqual(attr(json, 'totalResults'), 0, 'totalResults of an empty result');
      ctx.expectEqual(resourcesOf(json).length, 0, 'number of Resources of an empty result');
    },
  },
  ...INVALID_FILTERS.map(invalidFilterCheck),
  {
    id: 'filter.operator.case-insensitive',
    title: 'comparison operators are case-insensitive (EQ, Sw)',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: FILTER_QUOTE_OPS },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'title EQ "Manager" or title Sw "Mana"', [pop.bob], 'upper/mixed-case operators');
    },
  },
  {
    id: 'filter.attribute-name.case-insensitive',
    title: 'attribute names in filters are case-insensitive (USERNAME, NAME.FAMILYNAME)',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: FILTER_QUOTE_OPS },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, `USERNAME eq ${filterString(pop.alice.userName)} or NAME.FAMILYNAME eq "Jones"`, [pop.alice, pop.bob], 'upper-case attribute names');
    },
  },
  {
    id: 'filter.meta.resource-type',
    title: 'meta.resourceType can be filtered',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'For complex attributes, a fully qualified sub-attribute MUST be specified using standard attribute notation' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'meta.resourceType eq "User"', pop.all, 'meta.resourceType eq "User"');
      await expectFilter(ctx, pop, 'meta.resourceType eq "Group"', [], 'meta.resourceType eq "Group" on /Users');
    },
  },
  {
    id: 'filter.boolean.active',
    title: 'active eq true / false filters on the boolean',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'compValue = false / null / true / number / string' },
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'active eq true', [pop.alice, pop.bob, pop.dave], 'active eq true');
      await expectFilter(ctx, pop, 'active eq false', [pop.carol], 'active eq false');
    },
  },
  {
    id: 'filter.groups.display-name',
    title: 'Groups can be filtered by displayName',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'eq: The attribute and operator values must be identical for a match.' },
    level: 'MUST',
    requires: ['filter', 'write', 'groups'],
    async run(ctx) {
      const path = groupsPath(ctx);
      const a = await ctx.fixtures.createGroup({ displayName: ctx.fixtures.uniqueName('ga') });
      await ctx.fixtures.createGroup({ displayName: ctx.fixtures.uniqueName('gb') });
      const name = String(attr(a, 'displayName'));
      const filter = `displayName eq ${filterString(name)}`;
      const { resources } = await list(ctx, path, { filter }, `GET ${path}?filter=${filter}`);
      expectIdSet(ctx, resources, [a.id], `filter ${filter}`);
    },
  },
];
