/**
 * RFC 7644 §3.4.2.2 filtering. Which operators the target supports is probed once per run and reported once,
 * one check per feature (`filter.operator.*`, `filter.logical.*`, `filter.grouping.parentheses`,
 * `filter.value-path`; support/filter-support.ts). The other checks each test one behaviour on their own small
 * population (support/population.ts), scoped with whatever the target supports (support/scoping.ts), and
 * declare the features they test in `needs`, so an unsupported operator skips them instead of failing them.
 */
import type { Check, CheckContext } from '../check.ts';
import { SCHEMA_URN } from '../../scim/types.ts';
import { attr, attrPath } from './support/attributes.ts';
import { filterString, swapCase } from './support/names.ts';
import { brief, groupsPath, usersPath } from './support/http.ts';
import { expectIdSet, expectListResponse, list, resourcesOf } from './support/lists.ts';
import { createPopulation, expectFilter } from './support/population.ts';
import {
  FILTER_FEATURES,
  featureCheckId,
  featureLabel,
  learnFilterSupport,
  supports,
  unsupportedReason,
  type FilterFeature,
} from './support/filter-support.ts';
import { expectExactly, skipUnlessUsable } from './support/scoping.ts';
import { declared, requireDeclared } from './support/user-schema.ts';
import { FILTER_SHALL, filterCite, table8 } from './support/cites.ts';

/** The check ids that report these features, for `needs` (support/filter-support.ts). */
function needsFeatures(...features: FilterFeature[]): string[] {
  return features.map(featureCheckId);
}

/** The sentence of RFC 7644 §3.4.2.2 (Tables 3-5) that defines each feature. */
const FEATURE_QUOTES: Record<FilterFeature, string> = {
  eq: 'eq: The attribute and operator values must be identical for a match.',
  ne: 'ne: The attribute and operator values are not identical.',
  co: 'co: The entire operator value must be a substring of the attribute value for a match.',
  sw: 'sw: The entire operator value must be a substring of the attribute value, starting at the beginning of the attribute value.',
  ew: 'ew: The entire operator value must be a substring of the attribute value, matching at the end of the attribute value.',
  pr: 'pr: If the attribute has a non-empty value, or if it contains a non-empty node for complex attributes, there is a match.',
  gt: 'gt: If the attribute value is greater than the operator value, there is a match.',
  ge: 'ge: If the attribute value is greater than or equal to the operator value, there is a match.',
  lt: 'lt: If the attribute value is less than the operator value, there is a match.',
  le: 'le: If the attribute value is less than or equal to the operator value, there is a match.',
  and: 'and: The filter is only a match if both expressions evaluate to true.',
  or: 'or: The filter is a match if either of the expressions evaluates to true.',
  not: 'not: The filter is a match if the expression evaluates to false.',
  parentheses: 'Filters MUST be evaluated using the following order of operations, in order of precedence: 1. Grouping operators',
  'value-path': 'Service providers MAY support complex filters where expressions MUST be applied to the same value of a parent attribute',
};

/**
 * RFC 7644 §3.4.2.2: one check per filter feature, read from the once-per-run probe. Supported and answered
 * right: passed. Refused with 400 (§3.12 invalidFilter: "the specified attribute and filter comparison
 * combination is not supported"): skipped, since a provider may offer a subset. Accepted but answered with the
 * wrong users, or with neither a ListResponse nor a refusal: failed, with the probe's filter and answer.
 */
function featureCheck(f: FilterFeature): Check {
  return {
    id: featureCheckId(f),
    title: `${featureLabel(f)} ${f === 'parentheses' || f === 'value-path' ? 'are' : 'is'} supported and select${f === 'parentheses' || f === 'value-path' ? '' : 's'} the right users, or refused with 400 invalidFilter`,
    area: 'filter',
    cite: filterCite(FEATURE_QUOTES[f]),
    level: 'MUST',
    requires: ['filter', 'write'],
    async run(ctx) {
      const support = await learnFilterSupport(ctx);
      const reason = unsupportedReason(support, f);
      if (reason) ctx.skip(reason);
      const s = support.features[f];
      if (s.state === 'supported') return;
      if (s.state !== 'wrong' && s.state !== 'error') return;
      // The probe may have run in another check: repeat its request so this result's transcript shows it.
      await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter: s.filter } });
      if (s.state === 'wrong') {
        return ctx.fail(`the target accepted filter=${s.filter} but answered other users than the ones it selects`, { expected: s.expected, actual: s.actual });
      }
      return ctx.fail(`the target answered filter=${s.filter} with HTTP ${s.status}: neither a ListResponse nor a 400 refusal`, {
        expected: '200 ListResponse, or 400 invalidFilter',
        actual: { status: s.status, body: s.body },
      });
    },
  };
}

const FILTER_QUOTE_OPS = 'Attribute names and attribute operators used in filters are case insensitive.';

/** A malformed filter: Table 8 answers it with 400 (a SHOULD); invalidFilter is its Table 9 keyword (OPTIONAL). */
const CITE_MALFORMED_FILTER: Check['cite'] = {
  ...table8(400),
  quote: `${table8(400).quote} ... invalidFilter: The specified filter syntax was invalid (does not comply with Figure 1), or the specified attribute and filter comparison combination is not supported.`,
};

/**
 * Filters a target must not answer as if they selected something, and how each is judged: `refused` (400 SCIM error;
 * invalidFilter when a scimType is given, required when the MUST sentence names it) or `refused-or-empty`.
 */
const INVALID_FILTERS: {
  key: string;
  title: string;
  cite: Check['cite'];
  level: Check['level'];
  filter: string;
  judge: 'refused' | 'refused-or-empty';
  scimTypeRequired?: boolean;
}[] = [
  {
    key: 'syntax',
    title: 'a malformed filter is refused with 400 (invalidFilter)',
    cite: CITE_MALFORMED_FILTER,
    level: 'SHOULD',
    // An unterminated string literal cannot be parsed by the Figure 1 grammar.
    filter: 'userName eq "unterminated',
    judge: 'refused',
  },
  {
    key: 'unbalanced-parentheses',
    title: 'a filter with an unclosed parenthesis is refused with 400 (invalidFilter)',
    cite: CITE_MALFORMED_FILTER,
    level: 'SHOULD',
    filter: '(userName eq "x" or title pr',
    judge: 'refused',
  },
  {
    key: 'operator',
    title: 'an operator no server implements is refused with 400 invalidFilter',
    cite: {
      rfc: 7644,
      section: '3.4.2.2',
      quote: 'Providers MAY support additional filter operations if they choose. Providers MUST decline to filter results if the specified filter operation is not recognized and return an HTTP 400 error with a "scimType" error of "invalidFilter" and an appropriate human-readable response as per Section 3.12.',
    },
    level: 'MUST',
    // Not "regex" or another operator a provider MAY add: a made-up one no target can recognise.
    filter: 'userName scimcheckop "a"',
    judge: 'refused',
    scimTypeRequired: true,
  },
  {
    key: 'unknown-attribute',
    title: 'a filter on an attribute no schema defines is refused (400 invalidFilter) or matches nothing',
    // Nothing has the attribute, so nothing matches; answering users for it would widen the filter.
    cite: filterCite('invalidFilter: The specified filter syntax was invalid (does not comply with Figure 1), or the specified attribute and filter comparison combination is not supported.'),
    level: 'MUST',
    filter: 'scimcheckNoSuchAttribute eq "x"',
    judge: 'refused-or-empty',
  },
];

/** RFC 7644 §3.4.2.2 / §3.12: an unparseable or unknown filter is refused with 400 invalidFilter (or matches nothing). */
function invalidFilterCheck(c: (typeof INVALID_FILTERS)[number]): Check {
  const judge = async (ctx: CheckContext) => {
    const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter: c.filter } });
    if (c.judge === 'refused-or-empty' && res.status === 200) {
      const json = expectListResponse(ctx, res, `GET ${usersPath(ctx)}?filter=${c.filter}`);
      ctx.expectEqual(attr(json, 'totalResults'), 0, `users matched by filter ${c.filter} (${FILTER_SHALL})`);
      return;
    }
    // "Matches nothing" is also kept by any refusal; the MUST-named 400 is for operators only.
    if (c.judge === 'refused-or-empty' && res.status > 400 && res.status < 500) return ctx.expectScimError(res, res.status, 'invalidFilter');
    if (res.status !== 400) ctx.fail(`filter ${c.filter} should be refused with 400 invalidFilter`, { expected: '400 invalidFilter', actual: brief(res) });
    ctx.expectScimError(res, 400, 'invalidFilter', { scimTypeRequired: c.scimTypeRequired });
  };
  const base = { id: `filter.invalid.${c.key}`, title: c.title, area: 'filter', cite: c.cite, level: c.level };
  if (c.judge === 'refused') return { ...base, requires: ['filter'], run: judge };
  return {
    ...base,
    requires: ['filter', 'write'],
    // "Matches nothing" tells only when something could match: a target that drops the filter it cannot read and
    // lists everything looks just as empty while it holds no user, so one is created first.
    async run(ctx) {
      await ctx.fixtures.createUser();
      await judge(ctx);
    },
  };
}

export const checks: Check[] = [
  {
    id: 'filter.sw.scope',
    title: 'sw on userName returns exactly the users whose userName starts with the value',
    area: 'filter',
    cite: filterCite('The entire operator value must be a substring of the attribute value, starting at the beginning of the attribute value.'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('sw'),
    async run(ctx) {
      skipUnlessUsable(ctx, await learnFilterSupport(ctx), ['sw']);
      const pop = await createPopulation(ctx);
      // RFC 7644 §3.4.2.2 "sw": only the four users carrying the fresh prefix may come back.
      await expectExactly(ctx, `userName sw ${filterString(pop.prefix)}`, pop.all.map((p) => p.user.id), 'sw on the population prefix', pop.names);
    },
  },
  {
    id: 'filter.eq.username',
    title: 'eq on userName returns only that user',
    area: 'filter',
    cite: filterCite('eq: The attribute and operator values must be identical for a match.'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // RFC 7644 §3.4.2.2 "eq": an exact match on the one user; the bare lookup every IdP sends before a create.
      await expectExactly(ctx, `userName eq ${filterString(pop.alice.userName)}`, [pop.alice.user.id], 'eq on userName', pop.names);
    },
  },
  {
    id: 'filter.eq.username-case-insensitive',
    title: 'eq on userName ignores case (userName is caseExact false)',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'the case sensitivity for String type attributes SHALL be determined by the attribute\'s "caseExact" characteristic' },
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      const pop = await createPopulation(ctx);
      // RFC 7643 §4.1.1: userName "is case insensitive", so a case-flipped value still matches.
      await expectExactly(ctx, `userName eq ${filterString(swapCase(pop.bob.userName))}`, [pop.bob.user.id], 'eq on userName with flipped case', pop.names);
    },
  },
  {
    id: 'filter.eq.case-exact-externalid',
    title: 'eq on externalId (caseExact true) does not match a value differing only in case',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'the case sensitivity for String type attributes SHALL be determined by the attribute\'s "caseExact" characteristic' },
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      const pop = await createPopulation(ctx);
      const ext = String(attr(pop.alice.user, 'externalId') ?? '');
      if (ext === '') ctx.skip('the target did not keep externalId on create');
      // RFC 7643 §3.1: externalId has "caseExact" true, so the exact value (unique to this run) matches ...
      await expectExactly(ctx, `externalId eq ${filterString(ext)}`, [pop.alice.user.id], 'eq on externalId with the exact value', pop.names);
      // ... and a case-flipped value must not.
      await expectExactly(ctx, `externalId eq ${filterString(swapCase(ext))}`, [], 'eq on externalId with flipped case', pop.names);
    },
  },
  {
    id: 'filter.ne.username',
    title: 'ne returns every user but the named one',
    area: 'filter',
    cite: filterCite('ne: The attribute and operator values are not identical.'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('ne'),
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, `userName ne ${filterString(pop.alice.userName)}`, [pop.bob, pop.carol, pop.dave], 'ne on userName');
    },
  },
  {
    id: 'filter.co.title',
    title: 'co matches a substring anywhere in the value',
    area: 'filter',
    cite: filterCite('co: The entire operator value must be a substring of the attribute value for a match.'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('co'),
    async run(ctx) {
      requireDeclared(ctx, 'title');
      const pop = await createPopulation(ctx);
      // "Engineer" contains "gine"; "Manager" does not; carol has no title.
      await expectFilter(ctx, pop, 'title co "gine"', [pop.alice, pop.dave], 'co on title');
    },
  },
  {
    id: 'filter.sw.title',
    title: 'sw matches at the start of the value only',
    area: 'filter',
    cite: filterCite('The entire operator value must be a substring of the attribute value, starting at the beginning of the attribute value.'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('sw'),
    async run(ctx) {
      requireDeclared(ctx, 'title');
      const pop = await createPopulation(ctx);
      // "Manager" starts with "Man"; "Engineer" contains "ngi" but does not start with it.
      await expectFilter(ctx, pop, 'title sw "Man"', [pop.bob], 'sw on title');
      await expectFilter(ctx, pop, 'title sw "ngi"', [], 'sw on title with a value inside, not at the start');
    },
  },
  {
    id: 'filter.ew.title',
    title: 'ew matches at the end of the value only',
    area: 'filter',
    cite: filterCite('The entire operator value must be a substring of the attribute value, matching at the end of the attribute value.'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('ew'),
    async run(ctx) {
      requireDeclared(ctx, 'title');
      const pop = await createPopulation(ctx);
      // "Manager" ends with "ager"; "Engineer" contains "gin" but does not end with it.
      await expectFilter(ctx, pop, 'title ew "ager"', [pop.bob], 'ew on title');
      await expectFilter(ctx, pop, 'title ew "gin"', [], 'ew on title with a value inside, not at the end');
    },
  },
  {
    id: 'filter.pr.title',
    title: 'pr matches users that have a value and skips the one without',
    area: 'filter',
    cite: filterCite('pr: If the attribute has a non-empty value, or if it contains a non-empty node for complex attributes, there is a match.'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('pr'),
    async run(ctx) {
      requireDeclared(ctx, 'title');
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'title pr', [pop.alice, pop.bob, pop.dave], 'pr on title');
    },
  },
  {
    id: 'filter.gt.datetime',
    title: 'gt / lt on meta.lastModified compare chronologically',
    area: 'filter',
    cite: filterCite('gt: If the attribute value is greater than the operator value, there is a match. ... for DateTime types, it is a chronological comparison.'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('gt', 'lt'),
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
    cite: filterCite('ge: If the attribute value is greater than or equal to the operator value, there is a match.'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('ge', 'le'),
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
    cite: filterCite('For string attribute types, this is a lexicographical comparison'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('gt', 'le'),
    async run(ctx) {
      requireDeclared(ctx, 'name.givenName');
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
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'Filters MUST be evaluated using the following order of operations, in order of precedence: 1. Grouping operators 2. Logical operators - where "not" takes precedence over "and", which takes precedence over "or" 3. Attribute operators' },
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('and', 'or'),
    async run(ctx) {
      requireDeclared(ctx, 'title', 'active');
      const pop = await createPopulation(ctx);
      // Engineer or (Manager and inactive): alice and dave; a left-to-right reading would return nobody.
      await expectFilter(ctx, pop, 'title eq "Engineer" or title eq "Manager" and active eq false', [pop.alice, pop.dave], 'and/or precedence');
    },
  },
  {
    id: 'filter.logic.parentheses',
    title: 'parentheses override the default precedence',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'Filters MUST be evaluated using the following order of operations, in order of precedence: 1. Grouping operators 2. Logical operators - where "not" takes precedence over "and", which takes precedence over "or" 3. Attribute operators' },
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('parentheses', 'and', 'or'),
    async run(ctx) {
      requireDeclared(ctx, 'title', 'userType');
      const pop = await createPopulation(ctx);
      // (Manager or Engineer) and Employee: alice only; without the grouping bob would match too.
      await expectFilter(ctx, pop, '(title eq "Manager" or title eq "Engineer") and userType eq "Employee"', [pop.alice], 'grouping');
    },
  },
  {
    id: 'filter.logic.not',
    title: 'not (...) negates the inner filter',
    area: 'filter',
    cite: filterCite('not: The filter is a match if the expression evaluates to false.'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('not'),
    async run(ctx) {
      requireDeclared(ctx, 'userType');
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'not (userType eq "Employee")', [pop.bob, pop.dave], 'not');
    },
  },
  {
    id: 'filter.logic.or',
    title: 'or matches either side',
    area: 'filter',
    cite: filterCite('or: The filter is a match if either of the expressions evaluates to true.'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('or'),
    async run(ctx) {
      requireDeclared(ctx, 'userType');
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
    needs: needsFeatures('value-path', 'and', 'co'),
    async run(ctx) {
      requireDeclared(ctx, 'emails.type', 'emails.value');
      const pop = await createPopulation(ctx);
      // Bob has a work email at home.example.org and a home email at corp.example.com: no single element matches.
      await expectFilter(ctx, pop, 'emails[type eq "work" and value co "corp.example.com"]', [pop.alice, pop.dave], 'value path filter');
    },
  },
  {
    id: 'filter.multivalued.any-value',
    title: 'a multi-valued sub-attribute matches when any value matches (emails.type eq "work")',
    area: 'filter',
    cite: filterCite('the filter matches if any of the values of the specified attribute match the specified criterion'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      requireDeclared(ctx, 'emails.type');
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'emails.type eq "home"', [pop.alice, pop.bob, pop.carol], 'emails.type eq');
    },
  },
  {
    id: 'filter.complex.implied-value',
    title: 'a complex multi-valued attribute without a sub-attribute filters on its value (emails co "...")',
    area: 'filter',
    cite: { rfc: 7644, section: '3.4.2.2', quote: 'filter=userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")' },
    // The RFC shows the form in an example only (and asks clients to name the sub-attribute): the target's choice,
    // recorded; a wrong answer warns.
    level: 'MAY',
    requires: ['filter', 'write'],
    needs: needsFeatures('co'),
    async run(ctx) {
      requireDeclared(ctx, 'emails.value');
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, `emails co ${filterString(`.${pop.token}@home.example.org`)}`, [pop.alice, pop.bob, pop.carol], 'emails co (implied value)');
    },
  },
  {
    id: 'filter.subattr.family-name',
    title: 'a sub-attribute path (name.familyName) filters on the sub-attribute',
    area: 'filter',
    cite: filterCite('For complex attributes, a fully qualified sub-attribute MUST be specified using standard attribute notation (Section 3.10).'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      requireDeclared(ctx, 'name.familyName');
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'name.familyName eq "Jones"', [pop.bob], 'name.familyName eq');
    },
  },
  {
    id: 'filter.urn.core-attribute',
    title: 'a URN-prefixed core attribute path filters like the short form',
    area: 'filter',
    cite: { rfc: 7644, section: '3.10', quote: 'In general, attributes are uniquely identified by prefixing the attribute name with its schema URN separated by a colon (":") character ... Clients MAY omit core schema attribute URN prefixes but SHOULD fully qualify extended attributes with the associated schema extension URN to avoid naming conflicts.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      requireDeclared(ctx, 'name.givenName');
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, `${SCHEMA_URN.user}:name.givenName eq "Alice"`, [pop.alice], 'URN-prefixed name.givenName');
    },
  },
  {
    id: 'filter.urn.enterprise-attribute',
    title: 'an enterprise extension attribute can be filtered by its URN path',
    area: 'filter',
    cite: { rfc: 7644, section: '3.10', quote: 'In general, attributes are uniquely identified by prefixing the attribute name with its schema URN separated by a colon (":") character ... Clients MAY omit core schema attribute URN prefixes but SHOULD fully qualify extended attributes with the associated schema extension URN to avoid naming conflicts.' },
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      requireDeclared(ctx, `${SCHEMA_URN.enterpriseUser}:department`);
      const pop = await createPopulation(ctx);
      if (!pop.enterprise) ctx.skip('the User resource type does not offer the enterprise extension');
      await expectFilter(ctx, pop, `${SCHEMA_URN.enterpriseUser}:department eq "Sales"`, [pop.bob], 'enterprise department eq');
    },
  },
  {
    id: 'filter.string.escaped-quote',
    title: 'a JSON-escaped quote and backslash in a filter value match the stored characters',
    area: 'filter',
    cite: filterCite('compValue = false / null / true / number / string ; rules from JSON (RFC 7159)'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      requireDeclared(ctx, 'displayName');
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
    requires: ['filter'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      // A userName no user has (RFC 7643 §4.1.1 REQUIRED, so every target can filter on it): nothing to scope.
      skipUnlessUsable(ctx, await learnFilterSupport(ctx), ['eq']);
      const filter = `userName eq ${filterString(`scimcheck-nobody-${crypto.randomUUID()}`)}`;
      const res = await ctx.http.send({ method: 'GET', path: usersPath(ctx), query: { filter } });
      const json = expectListResponse(ctx, res, `GET ?filter=${filter}`);
      ctx.expectEqual(attr(json, 'totalResults'), 0, 'totalResults of an empty result');
      ctx.expectEqual(resourcesOf(json).length, 0, 'number of Resources of an empty result');
    },
  },
  ...INVALID_FILTERS.map(invalidFilterCheck),
  ...FILTER_FEATURES.map(featureCheck),
  {
    id: 'filter.operator.case-insensitive',
    title: 'comparison operators are case-insensitive (EQ, Sw)',
    area: 'filter',
    cite: filterCite(FILTER_QUOTE_OPS),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectExactly(ctx, `userName EQ ${filterString(pop.alice.userName)}`, [pop.alice.user.id], 'upper-case operator EQ', pop.names);
      // Sw as well where the target offers sw: this check tests operator case, not sw support.
      if (supports(await learnFilterSupport(ctx), 'sw')) {
        await expectExactly(ctx, `userName Sw ${filterString(pop.prefix)}`, pop.all.map((p) => p.user.id), 'mixed-case operator Sw', pop.names);
      }
    },
  },
  {
    id: 'filter.attribute-name.case-insensitive',
    title: 'attribute names in filters are case-insensitive (USERNAME, NAME.FAMILYNAME)',
    area: 'filter',
    cite: filterCite(FILTER_QUOTE_OPS),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      const pop = await createPopulation(ctx);
      await expectExactly(ctx, `USERNAME eq ${filterString(pop.alice.userName)}`, [pop.alice.user.id], 'upper-case attribute name USERNAME', pop.names);
      // A sub-attribute path too, where the target's schema has name.familyName.
      if (!declared(ctx, 'name.familyName')) return;
      await expectFilter(ctx, pop, 'NAME.FAMILYNAME eq "Jones"', [pop.bob], 'upper-case attribute path NAME.FAMILYNAME');
    },
  },
  {
    id: 'filter.meta.resource-type',
    title: 'meta.resourceType can be filtered',
    area: 'filter',
    cite: filterCite('For complex attributes, a fully qualified sub-attribute MUST be specified using standard attribute notation (Section 3.10).'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
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
    cite: filterCite('compValue = false / null / true / number / string'),
    level: 'MUST',
    requires: ['filter', 'write'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      requireDeclared(ctx, 'active');
      const pop = await createPopulation(ctx);
      await expectFilter(ctx, pop, 'active eq true', [pop.alice, pop.bob, pop.dave], 'active eq true');
      await expectFilter(ctx, pop, 'active eq false', [pop.carol], 'active eq false');
    },
  },
  {
    id: 'filter.groups.display-name',
    title: 'Groups can be filtered by displayName',
    area: 'filter',
    cite: filterCite('eq: The attribute and operator values must be identical for a match.'),
    level: 'MUST',
    requires: ['filter', 'write', 'groups'],
    needs: needsFeatures('eq'),
    async run(ctx) {
      const path = groupsPath(ctx);
      skipUnlessUsable(ctx, await learnFilterSupport(ctx), ['eq'], 'this check (eq on Group displayName)');
      const a = await ctx.fixtures.createGroup({ displayName: ctx.fixtures.uniqueName('ga') });
      await ctx.fixtures.createGroup({ displayName: ctx.fixtures.uniqueName('gb') });
      const name = String(attr(a, 'displayName'));
      const filter = `displayName eq ${filterString(name)}`;
      const { resources } = await list(ctx, path, { filter }, `GET ${path}?filter=${filter}`);
      expectIdSet(ctx, resources, [a.id], `filter ${filter}`);
    },
  },
];
