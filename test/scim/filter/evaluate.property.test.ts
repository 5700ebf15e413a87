import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseFilter } from '../../../src/scim/filter/parse.ts';
import { printFilter } from '../../../src/scim/filter/print.ts';
import { matchesFilter, validateFilter } from '../../../src/scim/filter/evaluate.ts';
import type { CompareOp, FilterNode, ScimResource } from '../../../src/scim/types.ts';
import { ENTERPRISE, userCtx } from './fixtures.ts';

// Small pools so random filters hit random users often.
const word = fc.constantFrom('ann', 'Ann', 'bob', 'BOB', 'carl', 'a', 'x', '');
const date = fc.constantFrom('2011-05-13T04:42:34Z', '2011-05-13T06:42:34+02:00', '2010-01-01T00:00:00Z', '2012-12-31T23:59:59.5Z');
const emailType = fc.constantFrom('work', 'home', 'WORK', 'other');
const email = fc.record({ value: fc.constantFrom('ann@example.com', 'bob@EXAMPLE.org', 'x@y.z'), type: emailType });

/** Users on which every attribute the filters name is present (single-valued ones non-empty). */
const presentUser: fc.Arbitrary<ScimResource> = fc
  .record({
    userName: word.filter((w) => w !== ''),
    title: word.filter((w) => w !== ''),
    userType: word.filter((w) => w !== ''),
    givenName: word.filter((w) => w !== ''),
    active: fc.boolean(),
    lastModified: date,
    emails: fc.array(email, { minLength: 1, maxLength: 3 }),
    employeeNumber: word.filter((w) => w !== ''),
  })
  .map((u) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    userName: u.userName,
    title: u.title,
    userType: u.userType,
    name: { givenName: u.givenName },
    active: u.active,
    emails: u.emails,
    meta: { lastModified: u.lastModified },
    [ENTERPRISE]: { employeeNumber: u.employeeNumber },
  }));

const stringPaths = ['userName', 'title', 'userType', 'name.givenName', 'employeeNumber', 'emails', 'emails.value', 'emails.type'];
const singleValuedStrings = ['userName', 'title', 'userType', 'name.givenName', 'employeeNumber'];
const stringOps: CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const orderOps: CompareOp[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

const pathOf = (p: string) => {
  const [attr, subAttr] = p.split('.');
  return subAttr ? { attr, subAttr } : { attr };
};

const leaf: fc.Arbitrary<FilterNode> = fc.oneof(
  fc.record({ op: fc.constantFrom(...stringOps), path: fc.constantFrom(...stringPaths).map(pathOf), value: word }),
  fc.record({ op: fc.constantFrom<CompareOp>('eq', 'ne'), path: fc.constant({ attr: 'active' }), value: fc.boolean() }),
  fc.record({ op: fc.constantFrom(...orderOps), path: fc.constant({ attr: 'meta', subAttr: 'lastModified' }), value: date }),
  fc.record({ op: fc.constant('pr' as const), path: fc.constantFrom(...stringPaths, 'active', 'name').map(pathOf) }),
  fc.record({
    op: fc.constant('valuePath' as const),
    path: fc.constant({ attr: 'emails' }),
    filter: fc.record({ op: fc.constantFrom<CompareOp>('eq', 'co', 'ne'), path: fc.constantFrom({ attr: 'type' }, { attr: 'value' }), value: word }),
  }),
);

const filter: fc.Arbitrary<FilterNode> = fc.letrec<{ f: FilterNode }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    leaf,
    fc.record({ op: fc.constantFrom('and' as const, 'or' as const), left: tie('f'), right: tie('f') }),
    fc.record({ op: fc.constant('not' as const), filter: tie('f') }),
  ),
})).f;

describe('filter evaluation properties', () => {
  it('generated filters are valid for the User resource type', () => {
    fc.assert(fc.property(filter, (f) => validateFilter(f, userCtx)));
  });

  it('not (F) is the negation of F on users whose attributes are present', () => {
    fc.assert(
      fc.property(filter, presentUser, (f, user) => {
        expect(matchesFilter({ op: 'not', filter: f }, user, userCtx)).toBe(!matchesFilter(f, user, userCtx));
        // The same through the text form: the printed "not (...)" parses and evaluates the same.
        const reparsed = parseFilter(`not (${printFilter(f)})`);
        expect(matchesFilter(reparsed, user, userCtx)).toBe(!matchesFilter(f, user, userCtx));
      }),
      { numRuns: 300 },
    );
  });

  it('on present single-valued attributes, ne = not eq, gt = not le, lt = not ge', () => {
    const pairs: [CompareOp, CompareOp][] = [['ne', 'eq'], ['gt', 'le'], ['lt', 'ge']];
    fc.assert(
      fc.property(fc.constantFrom(...singleValuedStrings), word, fc.constantFrom(...pairs), presentUser, (p, v, [op, inverse], user) => {
        const a: FilterNode = { op, path: pathOf(p), value: v };
        const b: FilterNode = { op: inverse, path: pathOf(p), value: v };
        expect(matchesFilter(a, user, userCtx)).toBe(!matchesFilter(b, user, userCtx));
      }),
      { numRuns: 300 },
    );
  });

  it('dateTime comparisons agree with comparing the instants', () => {
    fc.assert(
      fc.property(fc.constantFrom(...orderOps), date, presentUser, (op, v, user) => {
        const actual = Date.parse((user.meta as { lastModified: string }).lastModified);
        const operand = Date.parse(v);
        const expected = { eq: actual === operand, ne: actual !== operand, gt: actual > operand, ge: actual >= operand, lt: actual < operand, le: actual <= operand }[op as 'eq'];
        expect(matchesFilter({ op, path: { attr: 'meta', subAttr: 'lastModified' }, value: v }, user, userCtx)).toBe(expected);
      }),
    );
  });

  it('a value filter needs one element that satisfies all of it (model check)', () => {
    fc.assert(
      fc.property(emailType, fc.constantFrom('example', '@y', 'ANN', 'zzz'), presentUser, (type, part, user) => {
        const f = parseFilter(`emails[type eq ${JSON.stringify(type)} and value co ${JSON.stringify(part)}]`);
        const emails = user.emails as { value: string; type: string }[];
        const expected = emails.some((e) => e.type.toLowerCase() === type.toLowerCase() && e.value.toLowerCase().includes(part.toLowerCase()));
        expect(matchesFilter(f, user, userCtx)).toBe(expected);
      }),
    );
  });

  it('evaluation does not depend on the case of names and keywords (RFC 7643 §2.1)', () => {
    const flip = (s: string, mask: number) => [...s].map((c, i) => ((mask >> i % 30) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');
    fc.assert(
      fc.property(filter, presentUser, fc.nat(), (f, user, mask) => {
        // Change the case of everything outside string literals.
        const text = printFilter(f).replace(/("(?:[^"\\]|\\.)*")|([^"]+)/g, (_m, str: string, rest: string) => str ?? flip(rest, mask));
        expect(matchesFilter(parseFilter(text), user, userCtx)).toBe(matchesFilter(f, user, userCtx));
      }),
      { numRuns: 200 },
    );
  });
});
