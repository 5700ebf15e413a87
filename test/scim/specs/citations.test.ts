import { describe, expect, it } from 'vitest';
import { allSections, citationUrl, formatCite, isKnownSection, sectionTitle, unknownCites } from '../../../src/scim/citations.ts';

describe('RFC section index', () => {
  it('knows sections the project cites', () => {
    expect(sectionTitle(7644, '3.5.2.1')).toBe('Add Operation');
    expect(sectionTitle(7644, '3.5.2.2')).toBe('Remove Operation');
    expect(sectionTitle(7644, '3.5.2.3')).toBe('Replace Operation');
    expect(sectionTitle(7644, '3.4.2.2')).toBe('Filtering');
    expect(sectionTitle(7644, '3.12')).toBe('HTTP Status and Error Response Handling');
    expect(sectionTitle(7644, '3.7.2')).toBe('"bulkId" Temporary Identifiers');
    expect(sectionTitle(7643, '8.7.1')).toBe('Resource Schema Representation');
    expect(sectionTitle(7643, '2.3.8')).toBe('Complex');
    expect(sectionTitle(7643, '3.1')).toBe('Common Attributes');
    expect(isKnownSection(7644, '4')).toBe(true);
  });

  it('rejects made-up sections, the wrong RFC, and non-canonical spellings', () => {
    expect(isKnownSection(7644, '3.5.2.4')).toBe(false);
    expect(isKnownSection(7643, '3.5.2.1')).toBe(false);
    expect(isKnownSection(7644, '12')).toBe(false);
    expect(isKnownSection(7642, '1')).toBe(false);
    expect(isKnownSection(7644, '§3.3')).toBe(false);
    expect(isKnownSection(7644, '3.3.')).toBe(false);
    expect(sectionTitle(7644, '99.1')).toBeUndefined();
  });

  it('is well formed: unique, numbered, every subsection has its parent', () => {
    const seen = new Set<string>();
    for (const s of allSections()) {
      expect([7643, 7644]).toContain(s.rfc);
      expect(s.section).toMatch(/^\d+(\.\d+)*$/);
      expect(s.title.length).toBeGreaterThan(0);
      const k = `${s.rfc}:${s.section}`;
      expect(seen.has(k), k).toBe(false);
      seen.add(k);
      const parent = s.section.split('.').slice(0, -1).join('.');
      if (parent) expect(isKnownSection(s.rfc, parent), `parent of ${k}`).toBe(true);
    }
    // RFC 7643 runs to §11, RFC 7644 to §9 (references).
    expect(isKnownSection(7643, '11.2')).toBe(true);
    expect(isKnownSection(7644, '9.2')).toBe(true);
  });

  it('formats citations and links', () => {
    expect(formatCite({ rfc: 7644, section: '3.5.2.1' })).toBe('RFC7644 §3.5.2.1');
    expect(citationUrl(7644, '3.5.2.1')).toBe('https://www.rfc-editor.org/rfc/rfc7644#section-3.5.2.1');
    expect(unknownCites([{ rfc: 7644, section: '3.3' }, { rfc: 7643, section: '42' }])).toEqual([{ rfc: 7643, section: '42' }]);
  });
});
