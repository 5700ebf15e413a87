/**
 * Issue 11 #9: group patterns match in linear time. The old matcher built `^a.*b.*…$` RegExps, which
 * backtrack polynomially in the number of stars (12 stars on 60 characters: minutes). Steps are counted
 * by the matcher itself, so the bound is checked without any clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGroupList, matchGlob } from '../../../src/provider/policy/group-pattern.ts';

/** What a `*`-glob means, by the obvious exponential definition: the oracle for small inputs only. */
function oracle(pattern: string, name: string): boolean {
  if (pattern === '') return name === '';
  if (pattern[0] === '*') return oracle(pattern.slice(1), name) || (name !== '' && oracle(pattern, name.slice(1)));
  return name !== '' && pattern[0] === name[0] && oracle(pattern.slice(1), name.slice(1));
}

describe('group patterns in linear time', () => {
  const long = 'a'.repeat(100_000);
  const cases: { name: string; pattern: string; text: string; expected: boolean }[] = [
    { name: '12 stars, no match (the regex backtracking case)', pattern: `*${'a*'.repeat(11)}b`, text: long, expected: false },
    { name: '12 stars, a match at the very end', pattern: `*${'a*'.repeat(11)}b`, text: `${long}b`, expected: true },
    { name: 'a long literal between stars that almost matches everywhere', pattern: `*${'a'.repeat(1000)}b*`, text: long, expected: false },
    { name: 'the same literal present once, at the end', pattern: `*${'a'.repeat(1000)}b*`, text: `${long}b`, expected: true },
    { name: 'prefix and suffix overlapping in a short name', pattern: 'ab*ba', text: 'aba', expected: false },
  ];
  for (const c of cases) {
    it(`${c.name}: answers ${c.expected} in at most 4 steps per character of name and pattern`, () => {
      const meter = { steps: 0 };
      expect(matchGlob(c.pattern, c.text, meter)).toBe(c.expected);
      expect(meter.steps).toBeLessThanOrEqual(4 * (c.text.length + c.pattern.length));
    });
  }

  it('a policy list with a 12-star entry still answers for a 100k-character group name', () => {
    const m = compileGroupList(`Sales*, *${'a*'.repeat(11)}b`);
    expect(m(long)).toBe(false);
    expect(m(`${long}B`)).toBe(true);
  });

  it('agrees with the definition of * on small alphabets (property)', () => {
    const word = (chars: string[], max: number) => fc.array(fc.constantFrom(...chars), { maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(word(['a', 'b', '*'], 9), word(['a', 'b'], 12), (pattern, name) => {
        expect(matchGlob(pattern, name)).toBe(oracle(pattern, name));
      }),
      { numRuns: 2000 },
    );
  });
});
