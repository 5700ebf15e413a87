import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePaging, pageOf } from '../../../src/scim/paging.ts';
import { scimErrorOf } from '../validate/rfc-samples.ts';

const limits = { maxResults: 100 };

describe('normalizePaging (RFC 7644 §3.4.2.4)', () => {
  it('defaults: startIndex 1, count maxResults', () => {
    expect(normalizePaging({}, limits)).toEqual({ startIndex: 1, count: 100 });
  });

  it('reads numbers and integer text', () => {
    expect(normalizePaging({ startIndex: '11', count: ' 10 ' }, limits)).toEqual({ startIndex: 11, count: 10 });
    expect(normalizePaging({ startIndex: 3, count: 0 }, limits)).toEqual({ startIndex: 3, count: 0 });
  });

  it('reads startIndex < 1 as 1, a negative count as 0, and caps count at maxResults', () => {
    expect(normalizePaging({ startIndex: '0', count: '-5' }, limits)).toEqual({ startIndex: 1, count: 0 });
    expect(normalizePaging({ startIndex: -7, count: 1000 }, limits)).toEqual({ startIndex: 1, count: 100 });
  });

  it('refuses text that is not an integer with invalidValue', () => {
    for (const bad of ['abc', '1.5', '', '1e3', '0x10']) {
      expect(scimErrorOf(() => normalizePaging({ count: bad }, limits)), bad).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(scimErrorOf(() => normalizePaging({ startIndex: bad }, limits)), bad).toMatchObject({ status: 400, scimType: 'invalidValue' });
    }
    expect(scimErrorOf(() => normalizePaging({ count: 2.5 }, limits))).toMatchObject({ scimType: 'invalidValue' });
  });

  it('always yields 1 <= startIndex and 0 <= count <= maxResults (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), fc.integer({ min: 0, max: 1000 }), (s, c, max) => {
        const p = normalizePaging({ startIndex: String(s), count: c }, { maxResults: max });
        expect(p.startIndex).toBe(Math.max(1, s));
        expect(p.count).toBe(Math.min(Math.max(0, c), max));
      }),
    );
  });
});

describe('pageOf', () => {
  it('slices 1-based pages', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    expect(pageOf(items, 1, 2)).toEqual(['a', 'b']);
    expect(pageOf(items, 4, 10)).toEqual(['d', 'e']);
    expect(pageOf(items, 6, 10)).toEqual([]);
    expect(pageOf(items, 2, 0)).toEqual([]);
  });

  it('pages of a fixed size cover the list exactly once (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 50 }), fc.integer({ min: 1, max: 10 }), (items, size) => {
        const pages: number[] = [];
        for (let start = 1; start <= items.length; start += size) pages.push(...pageOf(items, start, size));
        expect(pages).toEqual(items);
      }),
    );
  });
});
