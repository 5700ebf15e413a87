/** Every client rule's level is the keyword of the sentence it quotes, and every clause exists (specs/rfc-sections.json). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_RULES } from '../../src/grading/client-rules.ts';
import { isKnownSection } from '../../src/scim/citations.ts';

const KEYWORDS: Record<string, RegExp> = {
  MUST: /\b(MUST|SHALL|REQUIRED)\b/,
  SHOULD: /\bSHOULD\b/,
  MAY: /\bMAY\b/,
};

describe('client rules', () => {
  for (const [id, rule] of Object.entries(CLIENT_RULES)) {
    it(`${id}: ${rule.level} rests on a sentence with that keyword, in a clause that exists`, () => {
      if (rule.level !== 'INFO') expect(rule.quote).toMatch(KEYWORDS[rule.level]!);
      const m = /^RFC (\d{4}) §([\d.]+)$/.exec(rule.rfc);
      expect(m, rule.rfc).not.toBeNull();
      // Clauses of RFC 7643/7644 are checked against the index; the one HTTP clause (RFC 7231) is outside it.
      if (m![1] === '7643' || m![1] === '7644') expect(isKnownSection(Number(m![1]), m![2]!)).toBe(true);
      expect(id.startsWith('client.')).toBe(true);
    });
  }

  it('docs/provider.md (Grading clients) lists every rule with its level and clause', () => {
    const doc = readFileSync(new URL('../../docs/provider.md', import.meta.url), 'utf8');
    for (const [id, rule] of Object.entries(CLIENT_RULES)) expect(doc).toContain(`| \`${id}\` | ${rule.level} | ${rule.rfc} |`);
  });
});
