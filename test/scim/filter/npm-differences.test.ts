/**
 * One RFC 7644 §3.4.2.2 example per behaviour that the npm filter libraries measured by the lead get
 * wrong (see the header of src/scim/filter/parse.ts): scim2-parse-filter (case-sensitive values, no
 * implied .value, multi-valued strings never match) and scim-query-filter-parser (no "not", no URN
 * prefixes, "pr" matches "", dates compared as strings). Each test fails on those behaviours.
 */
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/scim/filter/parse.ts';
import { matchesFilter, validateFilter } from '../../../src/scim/filter/evaluate.ts';
import type { ScimResource } from '../../../src/scim/types.ts';
import { CORE_USER, ENTERPRISE, userCtx } from './fixtures.ts';

function matches(filter: string, user: ScimResource): boolean {
  const node = parseFilter(filter);
  validateFilter(node, userCtx);
  return matchesFilter(node, user, userCtx);
}

const bjensen: ScimResource = {
  schemas: [CORE_USER, ENTERPRISE],
  userName: 'bjensen',
  title: '',
  userType: 'Employee',
  emails: [
    { value: 'bjensen@example.com', type: 'work' },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  meta: { lastModified: '2011-05-13T06:42:35+02:00' },
};

describe('where npm libraries differ', () => {
  it('eq on a caseExact=false attribute ignores case (scim2-parse-filter compares case-sensitively)', () => {
    expect(matches('userName Eq "BJensen"', bjensen)).toBe(true);
  });

  it('a multi-valued complex attribute without sub-attribute means its value (scim2-parse-filter has no implied .value)', () => {
    expect(matches('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', bjensen)).toBe(true);
    expect(matches('emails co "jensen.org"', bjensen)).toBe(true);
  });

  it('a multi-valued string attribute matches when one value does (scim2-parse-filter never matches them)', () => {
    expect(matches(`schemas eq "${ENTERPRISE}"`, bjensen)).toBe(true);
  });

  it('URN-prefixed attribute paths parse and resolve (scim-query-filter-parser rejects them)', () => {
    expect(matches(`${CORE_USER}:userName sw "bj"`, bjensen)).toBe(true);
  });

  it('not (...) is supported (scim-query-filter-parser has no not)', () => {
    expect(matches('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', bjensen)).toBe(false);
    expect(matches('not (userType eq "Intern")', bjensen)).toBe(true);
  });

  it('pr does not match "" (scim-query-filter-parser says it does)', () => {
    expect(matches('title pr', bjensen)).toBe(false);
  });

  it('dateTime values compare as instants (scim-query-filter-parser compares the strings)', () => {
    // bjensen's 06:42:35+02:00 is 04:42:35Z. Against 05:00:00Z the text order ("...T06" > "...T05")
    // says "later", the instants say "earlier": only the instant reading is right.
    expect(matches('meta.lastModified gt "2011-05-13T04:42:34Z"', bjensen)).toBe(true);
    expect(matches('meta.lastModified lt "2011-05-13T05:00:00Z"', bjensen)).toBe(true);
    expect(matches('meta.lastModified gt "2011-05-13T05:00:00Z"', bjensen)).toBe(false);
  });
});
