import { describe, expect, it } from 'vitest';
import { parseListQuery } from '../../../src/scim/list-query.ts';
import { SchemaRegistry } from '../../../src/scim/schema-registry.ts';
import { ENTERPRISE, scimErrorOf } from '../validate/rfc-samples.ts';

const registry = SchemaRegistry.fromSpecs();
const ctx = { registry, resourceType: 'User', maxResults: 50 };
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const q = (s: string) => parseListQuery(new URLSearchParams(s), ctx);

describe('parseListQuery: query parameters (RFC 7644 §3.4.2)', () => {
  it('with nothing asked: first page of maxResults', () => {
    expect(q('')).toEqual({ startIndex: 1, count: 50 });
  });

  it('parses every parameter', () => {
    const r = q(
      new URLSearchParams({
        filter: 'userName eq "bjensen"',
        sortBy: 'name.familyName',
        sortOrder: 'descending',
        startIndex: '3',
        count: '10',
        attributes: 'userName, emails.value',
        excludedAttributes: 'meta',
        unknownParam: 'x',
      }).toString(),
    );
    expect(r).toEqual({
      filter: { op: 'eq', path: { attr: 'userName' }, value: 'bjensen' },
      sortBy: { attr: 'name', subAttr: 'familyName' },
      sortOrder: 'descending',
      startIndex: 3,
      count: 10,
      attributes: [{ attr: 'userName' }, { attr: 'emails', subAttr: 'value' }],
      excludedAttributes: [{ attr: 'meta' }],
    });
  });

  it('defaults sortOrder to ascending when sortBy is given (RFC 7644 §3.4.2.3)', () => {
    expect(q('sortBy=userName')).toMatchObject({ sortBy: { attr: 'userName' }, sortOrder: 'ascending' });
    expect(q('sortOrder=descending')).not.toHaveProperty('sortOrder');
  });

  it('accepts an extension attribute as sortBy', () => {
    expect(q(`sortBy=${encodeURIComponent(`${ENTERPRISE}:department`)}`).sortBy).toEqual({ schema: ENTERPRISE, attr: 'department' });
  });

  it('clamps paging (RFC 7644 §3.4.2.4)', () => {
    expect(q('startIndex=0&count=-1')).toMatchObject({ startIndex: 1, count: 0 });
    expect(q('count=500')).toMatchObject({ count: 50 });
  });

  const errors: [string, string, string][] = [
    ['a malformed filter', 'filter=userName%20eq', 'invalidFilter'],
    ['a filter on an unknown attribute', 'filter=shoeSize%20eq%201', 'invalidFilter'],
    ['an unknown sortBy', 'sortBy=shoeSize', 'invalidValue'],
    ['sortBy password', 'sortBy=password', 'invalidValue'],
    ['a malformed sortBy', 'sortBy=a..b', 'invalidValue'],
    ['a bad sortOrder', 'sortBy=userName&sortOrder=up', 'invalidValue'],
    ['a bad sortOrder without sortBy', 'sortOrder=DESC', 'invalidValue'],
    ['a non-integer count', 'count=ten', 'invalidValue'],
    ['a non-integer startIndex', 'startIndex=1.5', 'invalidValue'],
    ['a malformed attributes list', 'attributes=a,,b', 'invalidValue'],
  ];
  for (const [title, s, scimType] of errors) {
    it(`refuses ${title} with ${scimType}`, () => {
      expect(scimErrorOf(() => q(s))).toMatchObject({ status: 400, scimType });
    });
  }
});

describe('parseListQuery: SearchRequest body (RFC 7644 §3.4.3)', () => {
  it('parses the RFC example shape', () => {
    const r = parseListQuery(
      {
        schemas: [SEARCH],
        attributes: ['displayName', 'userName'],
        excludedAttributes: [],
        filter: 'displayName sw "smith"',
        startIndex: 1,
        count: 10,
      },
      ctx,
    );
    expect(r).toEqual({
      filter: { op: 'sw', path: { attr: 'displayName' }, value: 'smith' },
      startIndex: 1,
      count: 10,
      attributes: [{ attr: 'displayName' }, { attr: 'userName' }],
      excludedAttributes: [],
    });
  });

  it('refuses a body without the SearchRequest schema (invalidSyntax)', () => {
    for (const b of [{ filter: 'userName pr' }, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }, { schemas: SEARCH }]) {
      expect(scimErrorOf(() => parseListQuery(b, ctx))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    }
  });

  it('wants attributes as an array and a string filter', () => {
    expect(scimErrorOf(() => parseListQuery({ schemas: [SEARCH], attributes: 'userName' }, ctx))).toMatchObject({ scimType: 'invalidValue' });
    expect(scimErrorOf(() => parseListQuery({ schemas: [SEARCH], filter: 42 }, ctx))).toMatchObject({ scimType: 'invalidFilter' });
    expect(scimErrorOf(() => parseListQuery({ schemas: [SEARCH], count: [1] }, ctx))).toMatchObject({ scimType: 'invalidValue' });
  });
});
