import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseFilter } from '../../../src/scim/filter/parse.ts';
import { printFilter } from '../../../src/scim/filter/print.ts';
import { isScimError } from '../../../src/scim/errors.ts';
import type { FilterNode } from '../../../src/scim/types.ts';
import { filterNode } from './arbitraries.ts';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isScimError(e)) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

const eq = (attr: string, value: string, subAttr?: string): FilterNode => ({
  op: 'eq',
  path: subAttr ? { attr, subAttr } : { attr },
  value,
});

describe('parseFilter: the examples of RFC 7644 §3.4.2.2', () => {
  const cases: [string, FilterNode][] = [
    ['userName Eq "john"', { op: 'eq', path: { attr: 'userName' }, value: 'john' }],
    ['name.familyName co "O\'Malley"', { op: 'co', path: { attr: 'name', subAttr: 'familyName' }, value: "O'Malley" }],
    ['userName sw "J"', { op: 'sw', path: { attr: 'userName' }, value: 'J' }],
    [`${CORE_USER}:userName sw "J"`, { op: 'sw', path: { schema: CORE_USER, attr: 'userName' }, value: 'J' }],
    ['title pr', { op: 'pr', path: { attr: 'title' } }],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', { op: 'gt', path: { attr: 'meta', subAttr: 'lastModified' }, value: '2011-05-13T04:42:34Z' }],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', { op: 'ge', path: { attr: 'meta', subAttr: 'lastModified' }, value: '2011-05-13T04:42:34Z' }],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', { op: 'lt', path: { attr: 'meta', subAttr: 'lastModified' }, value: '2011-05-13T04:42:34Z' }],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', { op: 'le', path: { attr: 'meta', subAttr: 'lastModified' }, value: '2011-05-13T04:42:34Z' }],
    ['title pr and userType eq "Employee"', { op: 'and', left: { op: 'pr', path: { attr: 'title' } }, right: eq('userType', 'Employee') }],
    ['title pr or userType eq "Intern"', { op: 'or', left: { op: 'pr', path: { attr: 'title' } }, right: eq('userType', 'Intern') }],
    ['schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', eq('schemas', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User')],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      {
        op: 'and',
        left: eq('userType', 'Employee'),
        right: {
          op: 'or',
          left: { op: 'co', path: { attr: 'emails' }, value: 'example.com' },
          right: { op: 'co', path: { attr: 'emails', subAttr: 'value' }, value: 'example.org' },
        },
      },
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      {
        op: 'and',
        left: { op: 'ne', path: { attr: 'userType' }, value: 'Employee' },
        right: {
          op: 'not',
          filter: {
            op: 'or',
            left: { op: 'co', path: { attr: 'emails' }, value: 'example.com' },
            right: { op: 'co', path: { attr: 'emails', subAttr: 'value' }, value: 'example.org' },
          },
        },
      },
    ],
    [
      'userType eq "Employee" and (emails.type eq "work")',
      { op: 'and', left: eq('userType', 'Employee'), right: eq('emails', 'work', 'type') },
    ],
    [
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      {
        op: 'and',
        left: eq('userType', 'Employee'),
        right: {
          op: 'valuePath',
          path: { attr: 'emails' },
          filter: { op: 'and', left: eq('type', 'work'), right: { op: 'co', path: { attr: 'value' }, value: '@example.com' } },
        },
      },
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      {
        op: 'or',
        left: {
          op: 'valuePath',
          path: { attr: 'emails' },
          filter: { op: 'and', left: eq('type', 'work'), right: { op: 'co', path: { attr: 'value' }, value: '@example.com' } },
        },
        right: {
          op: 'valuePath',
          path: { attr: 'ims' },
          filter: { op: 'and', left: eq('type', 'xmpp'), right: { op: 'co', path: { attr: 'value' }, value: '@foo.com' } },
        },
      },
    ],
  ];
  it.each(cases)('%s', (text, ast) => {
    expect(parseFilter(text)).toEqual(ast);
    // The canonical print parses back to the same tree.
    expect(parseFilter(printFilter(ast))).toEqual(ast);
  });
});

describe('parseFilter: keywords, literals, precedence', () => {
  it('takes operators, and/or/not and literals case-insensitively (RFC 7644 §3.4.2.2, RFC 5234 §2.3)', () => {
    expect(parseFilter('a PR AND b Eq TRUE Or NOT (c Ne Null)')).toEqual({
      op: 'or',
      left: { op: 'and', left: { op: 'pr', path: { attr: 'a' } }, right: { op: 'eq', path: { attr: 'b' }, value: true } },
      right: { op: 'not', filter: { op: 'ne', path: { attr: 'c' }, value: null } },
    });
  });

  it('binds and tighter than or, on either side', () => {
    const a = { op: 'pr', path: { attr: 'a' } } as const;
    const b = { op: 'pr', path: { attr: 'b' } } as const;
    const c = { op: 'pr', path: { attr: 'c' } } as const;
    expect(parseFilter('a pr or b pr and c pr')).toEqual({ op: 'or', left: a, right: { op: 'and', left: b, right: c } });
    expect(parseFilter('a pr and b pr or c pr')).toEqual({ op: 'or', left: { op: 'and', left: a, right: b }, right: c });
    expect(parseFilter('a pr and (b pr or c pr)')).toEqual({ op: 'and', left: a, right: { op: 'or', left: b, right: c } });
  });

  it('is left-associative for chains of the same operator', () => {
    const p = (attr: string) => ({ op: 'pr' as const, path: { attr } });
    expect(parseFilter('a pr and b pr and c pr')).toEqual({ op: 'and', left: { op: 'and', left: p('a'), right: p('b') }, right: p('c') });
    expect(parseFilter('a pr or b pr or c pr')).toEqual({ op: 'or', left: { op: 'or', left: p('a'), right: p('b') }, right: p('c') });
  });

  it('binds not to its parenthesised operand only', () => {
    expect(parseFilter('not (a pr) and b pr')).toEqual({
      op: 'and',
      left: { op: 'not', filter: { op: 'pr', path: { attr: 'a' } } },
      right: { op: 'pr', path: { attr: 'b' } },
    });
    expect(parseFilter('not(a pr)')).toEqual({ op: 'not', filter: { op: 'pr', path: { attr: 'a' } } });
  });

  it('reads JSON string escapes', () => {
    expect(parseFilter('displayName eq "say \\"hi\\" \\\\ caf\\u00e9"')).toEqual({
      op: 'eq',
      path: { attr: 'displayName' },
      value: 'say "hi" \\ café',
    });
    expect(parseFilter('displayName eq "a\\/b\\tc"')).toMatchObject({ value: 'a/b\tc' });
    expect(parseFilter('displayName eq ""')).toMatchObject({ value: '' });
  });

  it('reads JSON numbers: integers, decimals, exponents, negatives', () => {
    const v = (s: string) => (parseFilter(`x gt ${s}`) as { value: unknown }).value;
    expect(v('42')).toBe(42);
    expect(v('-7')).toBe(-7);
    expect(v('3.25')).toBe(3.25);
    expect(v('1e3')).toBe(1000);
    expect(v('2.5E-2')).toBe(0.025);
    expect(v('0')).toBe(0);
  });

  it('treats keyword-like attribute names as attributes where an attribute belongs', () => {
    expect(parseFilter('pr pr')).toEqual({ op: 'pr', path: { attr: 'pr' } });
    expect(parseFilter('not eq "x" and and pr')).toEqual({
      op: 'and',
      left: { op: 'eq', path: { attr: 'not' }, value: 'x' },
      right: { op: 'pr', path: { attr: 'and' } },
    });
  });

  it('tolerates extra spaces and no space around parentheses', () => {
    expect(parseFilter('  (userName eq "a")  ')).toEqual(eq('userName', 'a'));
    expect(parseFilter('((a pr))')).toEqual({ op: 'pr', path: { attr: 'a' } });
  });
});

describe('parseFilter: errors say what was expected and where (invalidFilter, RFC 7644 §3.4.2.2)', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['userName eq john', 'expected a value', 'at position 12'],
    ['userName eq', 'expected a value', 'end of input'],
    ['userName', 'expected an operator', 'end of input'],
    ['userName xx "a"', 'expected an operator', 'at position 9'],
    ['userName eq "a" b', "expected 'and', 'or' or end of filter", 'at position 16'],
    ['(userName eq "a"', "expected 'and', 'or' or ')'", 'end of input'],
    ['userName eq "a")', "expected 'and', 'or' or end of filter", 'at position 15'],
    ['not userName eq "a"', "expected '(' after 'not'", 'at position 4'],
    ['userName eq "abc', 'unterminated string', 'at position 12'],
    ['userName eq "a\\qb"', 'invalid JSON string', 'at position 12'],
    ['emails[type eq "work"', "expected 'and', 'or' or ']'", 'end of input'],
    ['emails[type eq "work" and x[y pr]]', 'cannot be nested', 'at position 27'],
    ['name.givenName[x pr]', 'not a sub-attribute', 'at position 14'],
    ['a.b.c pr', 'more than one sub-attribute', 'at position 0'],
    ['x gt 01', "not '01'", 'at position 5'],
    ['x gt 1.', "not '1.'", 'at position 5'],
    ['userName eq "a" and', 'expected an attribute path', 'end of input'],
    ['and', 'expected an operator', 'end of input'],
    ['emails[type eq "work"].value eq "x"', "expected 'and', 'or' or end of filter", 'at position 22'],
  ] as [string, string, string?][])('%j', (text, what, where) => {
    const e = errorOf(() => parseFilter(text));
    expect(e.status).toBe(400);
    expect(e.scimType).toBe('invalidFilter');
    expect(e.detail).toContain(what);
    if (where) expect(e.detail).toContain(where);
  });
});

describe('printFilter', () => {
  it('prints canonically', () => {
    expect(printFilter(parseFilter('userName EQ "a" AND (b PR OR NOT(c GT 5))'))).toBe('userName eq "a" and (b pr or not (c gt 5))');
  });

  it('print then parse is the identity on arbitrary ASTs (property)', () => {
    fc.assert(
      fc.property(filterNode(), (ast) => {
        expect(parseFilter(printFilter(ast))).toEqual(ast);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseFilter: bounds', () => {
  it('rejects hostile nesting and length with invalidFilter instead of exhausting the stack', () => {
    const deep = `${'('.repeat(5000)}a pr${')'.repeat(5000)}`;
    expect(errorOf(() => parseFilter(deep)).detail).toContain('nests deeper than 50 levels');
    const notDeep = `${'not ('.repeat(5000)}a pr${')'.repeat(5000)}`;
    expect(errorOf(() => parseFilter(notDeep)).scimType).toBe('invalidFilter');
    const long = Array.from({ length: 1001 }, (_, i) => `a${i} pr`).join(' and ');
    expect(errorOf(() => parseFilter(long)).detail).toContain('more than 1000 expressions');
  });

  it('accepts filters within the bounds', () => {
    expect(parseFilter(`${'('.repeat(40)}a pr${')'.repeat(40)}`)).toEqual({ op: 'pr', path: { attr: 'a' } });
    const long = Array.from({ length: 1000 }, (_, i) => `a${i} pr`).join(' or ');
    expect(printFilter(parseFilter(long))).toBe(long);
  });
});
