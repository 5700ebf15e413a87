import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareValues, parseInstant, valuesEqual } from '../../../src/scim/compare.ts';
import type { AttributeDef } from '../../../src/scim/types.ts';

const def = (over: Partial<AttributeDef>): AttributeDef => ({
  name: 'x',
  type: 'string',
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...over,
});

describe('compareValues (RFC 7644 §3.4.2.3 sort order, §3.4.2.2 comparisons)', () => {
  it('compares strings by caseExact', () => {
    expect(compareValues('abc', 'ABC', def({ caseExact: false }))).toBe(0);
    expect(compareValues('abc', 'ABC', def({ caseExact: true }))).not.toBe(0);
    expect(compareValues('abc', 'ABD')).toBe(-1);
    expect(compareValues('b', 'A')).toBe(1);
    // binary is case exact whatever caseExact says (RFC 7643 §2.3.6)
    expect(compareValues('QQ==', 'qq==', def({ type: 'binary' }))).not.toBe(0);
  });

  it('numbers numerically, booleans false < true', () => {
    expect(compareValues(9, 10, def({ type: 'integer' }))).toBe(-1);
    expect(compareValues(2.5, 2.5, def({ type: 'decimal' }))).toBe(0);
    expect(compareValues(false, true, def({ type: 'boolean' }))).toBe(-1);
    expect(compareValues(true, false)).toBe(1);
  });

  it('dateTime as instants', () => {
    const dt = def({ type: 'dateTime' });
    expect(compareValues('2011-05-13T06:42:34+02:00', '2011-05-13T04:42:34Z', dt)).toBe(0);
    expect(compareValues('2011-05-13T05:00:00Z', '2011-05-13T06:42:34+02:00', dt)).toBe(1);
    // Without a definition the strings are just strings.
    expect(compareValues('2011-05-13T05:00:00Z', '2011-05-13T06:42:34+02:00')).toBe(-1);
  });

  it('null and undefined sort last', () => {
    expect(compareValues(undefined, 'a')).toBe(1);
    expect(compareValues('a', null)).toBe(-1);
    expect(compareValues(null, undefined)).toBe(0);
    // (Array.prototype.sort moves undefined to the end itself; null goes there by compareValues.)
    expect(['b', null, 'a', 'C'].sort((a, b) => compareValues(a, b))).toEqual(['a', 'b', 'C', null]);
  });

  it('complex values by their value sub-attribute', () => {
    expect(compareValues({ value: 'b' }, { value: 'A' })).toBe(1);
  });

  it('is antisymmetric and a total order on mixed values (property)', () => {
    const v = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    fc.assert(
      fc.property(v, v, v, (a, b, c) => {
        expect(Math.sign(compareValues(a, b))).toBe(-Math.sign(compareValues(b, a)) || 0);
        if (compareValues(a, b) <= 0 && compareValues(b, c) <= 0) expect(compareValues(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe('valuesEqual', () => {
  const emails = def({
    type: 'complex',
    multiValued: true,
    subAttributes: [def({ name: 'value' }), def({ name: 'type' }), def({ name: 'primary', type: 'boolean' })],
  });

  it('compares complex values member by member, names case-insensitively', () => {
    expect(valuesEqual({ value: 'A@x', Type: 'work' }, { VALUE: 'a@X', type: 'WORK' }, emails)).toBe(true);
    expect(valuesEqual({ value: 'a', type: 'work' }, { value: 'a', type: 'home' }, emails)).toBe(false);
    expect(valuesEqual({ value: 'a', primary: null }, { value: 'a' }, emails)).toBe(true);
    expect(valuesEqual({ value: 'a' }, { value: 'a', primary: false }, emails)).toBe(false);
  });

  it('compares arrays in order and keeps types apart', () => {
    expect(valuesEqual([{ value: 'a' }], [{ value: 'A' }], emails)).toBe(true);
    expect(valuesEqual(['a', 'b'], ['a'])).toBe(false);
    expect(valuesEqual('1', 1)).toBe(false);
    expect(valuesEqual(null, undefined)).toBe(true);
    expect(valuesEqual('x', null)).toBe(false);
  });
});

describe('parseInstant (RFC 7643 §2.3.5 xsd:dateTime)', () => {
  it('reads xsd:dateTime and nothing else', () => {
    expect(parseInstant('2008-01-23T04:56:22Z')).toBe(Date.UTC(2008, 0, 23, 4, 56, 22));
    expect(parseInstant('2008-01-23T04:56:22')).toBe(Date.UTC(2008, 0, 23, 4, 56, 22));
    expect(parseInstant('2008-01-23T06:56:22.250+02:00')).toBe(Date.UTC(2008, 0, 23, 4, 56, 22, 250));
    expect(parseInstant('2008-01-23')).toBeUndefined();
    expect(parseInstant('Jan 23 2008')).toBeUndefined();
    expect(parseInstant('2008-13-45T99:00:00Z')).toBeUndefined();
  });
});
