import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/scim/filter/parse.ts';
import { compileFilter, matchesFilter, matchesValueFilter, validateFilter, validateValueFilter } from '../../../src/scim/filter/evaluate.ts';
import { parsePatchPath } from '../../../src/scim/attribute-path.ts';
import { isScimError } from '../../../src/scim/errors.ts';
import type { ScimResource } from '../../../src/scim/types.ts';
import { CORE_USER, ENTERPRISE, group, groupCtx, users, userCtx } from './fixtures.ts';

/** Which of users A..D match, after the filter validated. */
function matching(filter: string): string[] {
  const node = parseFilter(filter);
  validateFilter(node, userCtx);
  return Object.entries(users)
    .filter(([, u]) => matchesFilter(node, u, userCtx))
    .map(([k]) => k);
}

function matchesOne(filter: string, resource: ScimResource, ctx = userCtx): boolean {
  const node = parseFilter(filter);
  validateFilter(node, ctx);
  return matchesFilter(node, resource, ctx);
}

function invalid(filter: string, ctx = userCtx) {
  try {
    validateFilter(parseFilter(filter), ctx);
  } catch (e) {
    if (isScimError(e)) return e;
    throw e;
  }
  throw new Error(`expected '${filter}' to be rejected`);
}

describe('the examples of RFC 7644 §3.4.2.2, evaluated on sample users', () => {
  it.each([
    ['userName Eq "john"', ['A']],
    ['name.familyName co "O\'Malley"', ['A']],
    ['userName sw "J"', ['A', 'B', 'C']],
    [`${CORE_USER}:userName sw "J"`, ['A', 'B', 'C']],
    ['title pr', ['A']],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', ['A']],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', ['A', 'B', 'C']],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', ['D']],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', ['B', 'C', 'D']],
    ['title pr and userType eq "Employee"', ['A']],
    ['title pr or userType eq "Intern"', ['A', 'B']],
    [`schemas eq "${ENTERPRISE}"`, ['A']],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['A']],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['D']],
    ['userType eq "Employee" and (emails.type eq "work")', ['A']],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['A']],
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', ['A', 'B']],
  ])('%s matches %j', (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });
});

describe('comparison semantics', () => {
  it('folds case for caseExact=false attributes and keeps it for caseExact=true ones (RFC 7644 §3.4.2.2)', () => {
    expect(matching('userName eq "JOHN"')).toEqual(['A']);
    expect(matching('name.familyName eq "o\'malley"')).toEqual(['A']);
    // RFC 7643 §3.1: id and externalId are caseExact.
    expect(matching('id eq "A1B2C3"')).toEqual([]);
    expect(matching('id eq "a1b2c3"')).toEqual(['A']);
    expect(matching('externalId eq "exta"')).toEqual([]);
    expect(matching('externalId eq "ExtA"')).toEqual(['A']);
  });

  it('reads attribute names and URNs case-insensitively (RFC 7643 §2.1)', () => {
    expect(matching('USERNAME eq "john"')).toEqual(['A']);
    expect(matching('Name.FamilyName co "malley"')).toEqual(['A']);
    expect(matching('URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:username eq "john"')).toEqual(['A']);
    expect(matching('EMAILS[TYPE eq "work" and VALUE co "@example.com"]')).toEqual(['A']);
  });

  it('implies .value for a multi-valued complex attribute (RFC 7643 §2.4)', () => {
    expect(matching('emails co "example.com"')).toEqual(['A', 'C']);
    expect(matching('emails eq "JANE@example.org"')).toEqual(['B']);
    expect(matching('emails.value eq "jane@example.org"')).toEqual(['B']);
  });

  it('matches a multi-valued attribute when any value matches', () => {
    expect(matching('emails.type eq "work"')).toEqual(['A', 'C']);
    expect(matching('emails.type eq "home"')).toEqual(['A', 'B', 'C']);
  });

  it('needs one element to satisfy the whole value filter', () => {
    // C has a work email and an @example.com email, but they are different elements.
    expect(matching('emails[type eq "work" and value co "@example.com"]')).toEqual(['A']);
    expect(matching('emails[type eq "work"] and emails[value co "@example.com"]')).toEqual(['A', 'C']);
    expect(matching('emails[not (type eq "work")]')).toEqual(['A', 'B', 'C']);
  });

  it('compares dateTime values as instants, not strings', () => {
    expect(matching('meta.lastModified eq "2011-05-13T04:42:34Z"')).toEqual(['B', 'C']);
    expect(matching('meta.lastModified eq "2011-05-13T04:42:34.000Z"')).toEqual(['B', 'C']);
    expect(matching('meta.lastModified gt "2011-05-13T00:42:34-04:00"')).toEqual(['A']);
  });

  it('co, sw, ew and lexicographic order on strings', () => {
    expect(matching('userName ew "H"')).toEqual(['C']);
    expect(matching('userName co "AN"')).toEqual(['B']);
    expect(matching('userName gt "john"')).toEqual(['C', 'D']);
    expect(matching('userName le "jane"')).toEqual(['B']);
  });

  it('booleans with eq and ne', () => {
    expect(matching('active eq true')).toEqual(['A']);
    expect(matching('active eq false')).toEqual(['B']);
    expect(matching('active ne true')).toEqual(['B', 'C', 'D']);
  });

  it('pr is false for absent, null, "", [] and {} (RFC 7644 §3.4.2.2 Table 3)', () => {
    expect(matching('title pr')).toEqual(['A']); // B absent, C ""
    expect(matching('emails pr')).toEqual(['A', 'B', 'C']); // D []
    expect(matching('name pr')).toEqual(['A', 'B']); // C absent, D {}
    expect(matchesOne('name pr', { userName: 'x', name: { givenName: '' } })).toBe(false);
    expect(matchesOne('title pr', { userName: 'x', title: null })).toBe(false);
    expect(matchesOne('emails pr', { userName: 'x', emails: [{}, { value: '' }] })).toBe(false);
    expect(matchesOne('active pr', { userName: 'x', active: false })).toBe(true);
  });

  it('absent attributes: ne matches, every other comparison does not', () => {
    expect(matching('userType ne "Employee"')).toEqual(['B', 'C', 'D']);
    expect(matching('userType eq "Employee"')).toEqual(['A']);
    expect(matching('not (userType eq "Employee")')).toEqual(['B', 'C', 'D']);
    expect(matching('userType gt "A"')).toEqual(['A', 'B', 'C']);
    expect(matching('userType eq null')).toEqual(['D']);
    expect(matching('userType ne null')).toEqual(['A', 'B', 'C']);
  });

  it('reads extension attributes under their URN, with or without the prefix', () => {
    expect(matching('employeeNumber eq "701984"')).toEqual(['A']);
    expect(matching(`${ENTERPRISE}:employeeNumber eq "701984"`)).toEqual(['A']);
    expect(matching(`${ENTERPRISE.toUpperCase()}:EMPLOYEENUMBER eq "701984"`)).toEqual(['A']);
    expect(matching(`${ENTERPRISE}:manager.value eq "boss-1"`)).toEqual(['A']);
    expect(matching('manager.displayName co "boss"')).toEqual(['A']);
    expect(matching(`${ENTERPRISE}:employeeNumber pr`)).toEqual(['A']);
  });

  it('filters groups by members (RFC 7644 §3.4.2.2 on Group)', () => {
    expect(matchesOne('members[value eq "2819c223-7f76-453a-919d-413861904646"]', group, groupCtx)).toBe(true);
    expect(matchesOne('members.value eq "902c246b-6245-4190-8e05-00816be7344a"', group, groupCtx)).toBe(true);
    expect(matchesOne('members eq "nope"', group, groupCtx)).toBe(false);
    expect(matchesOne('displayName eq "tour guides"', group, groupCtx)).toBe(true);
  });
});

describe('PATCH value filters (RFC 7644 §3.5.2)', () => {
  it('selects the elements a path filter names', () => {
    const path = parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]');
    validateValueFilter(path.valueFilter!, path.attrPath, groupCtx);
    const members = group.members as unknown[];
    expect(members.map((m) => matchesValueFilter(path.valueFilter!, m, path.attrPath, groupCtx))).toEqual([true, false]);
  });

  it('works for emails[type eq "work"] on a user', () => {
    const path = parsePatchPath('emails[type eq "WORK"].value');
    validateValueFilter(path.valueFilter!, path.attrPath, userCtx);
    const emails = users.A.emails as unknown[];
    expect(emails.map((e) => matchesValueFilter(path.valueFilter!, e, path.attrPath, userCtx))).toEqual([true, false]);
  });

  it('rejects a filter on a sub-attribute the attribute does not have', () => {
    const path = parsePatchPath('members[nope eq "x"]');
    expect(() => validateValueFilter(path.valueFilter!, path.attrPath, groupCtx)).toThrow(/unknown attribute 'members.nope'/);
  });
});

describe('validateFilter rejects with invalidFilter (RFC 7644 §3.12 Table 9)', () => {
  it.each([
    ['nickname2 eq "x"', "unknown attribute 'nickname2' for resource type User"],
    ['name.middle eq "x"', "unknown attribute 'name.middle'"],
    ['emails[nope eq "x"]', "unknown attribute 'emails.nope'"],
    [`urn:example:other:2.0:User:userName eq "x"`, 'unknown attribute'],
    ['password eq "secret"', "'password' cannot be used in a filter: 'password' is writeOnly"],
    ['password pr', 'cannot be used in a filter'],
    ['active gt true', 'only eq and ne apply'],
    ['active co "t"', 'only eq and ne apply'],
    ['active eq "true"', 'compare it with true or false'],
    ['name eq "John"', "'name' is a complex attribute"],
    ['name gt "a"', "'name' is a complex attribute"],
    ['addresses co "x"', "'addresses' is a complex attribute"],
    ['userName co 5', 'compare it with a "quoted" string'],
    ['userName gt null', "'gt' needs a value"],
    ['meta.lastModified co "2011"', 'co, sw and ew apply to strings only'],
    ['meta.lastModified gt "yesterday"', 'xsd:dateTime'],
    ['x509Certificates.value gt "a"', 'only eq and ne apply'],
    ['userName[value eq "x"]', 'needs a complex attribute'],
    ['emails[value.x eq "y"]', 'name a sub-attribute of \'emails\' only'],
  ])('%s', (filter, why) => {
    const e = invalid(filter);
    expect(e.status).toBe(400);
    expect(e.scimType).toBe('invalidFilter');
    expect(e.detail).toContain(why);
  });

  it('rejects user attributes on groups', () => {
    expect(invalid('userName eq "x"', groupCtx).detail).toContain("unknown attribute 'userName' for resource type Group");
  });
});

describe('compileFilter', () => {
  it('gives the same answers as matchesFilter, resolving names once', () => {
    const node = parseFilter('emails[type eq "work"] and not (userType eq "Intern")');
    const matcher = compileFilter(node, userCtx);
    expect(Object.values(users).map(matcher)).toEqual(Object.values(users).map((u) => matchesFilter(node, u, userCtx)));
    expect(Object.values(users).map(matcher)).toEqual([true, false, true, false]);
  });

  it('reads a never-returned attribute as absent even when the filter was not validated (RFC 7643 §4.1.1)', () => {
    const withPassword = { userName: 'x', password: 'hunter2' };
    expect(matchesFilter(parseFilter('password eq "hunter2"'), withPassword, userCtx)).toBe(false);
    expect(matchesFilter(parseFilter('password sw "h"'), withPassword, userCtx)).toBe(false);
    expect(matchesFilter(parseFilter('password pr'), withPassword, userCtx)).toBe(false);
  });
});
