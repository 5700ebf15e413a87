/**
 * The RFC citation index: every numbered section of RFC 7643 and RFC 7644 (specs/rfc-sections.json),
 * so checks and provider code cite clauses that exist, and reports link to them.
 */
import sections from '../../specs/rfc-sections.json' with { type: 'json' };

export type ScimRfc = 7643 | 7644;

export interface RfcSection {
  rfc: ScimRfc;
  /** e.g. '3.5.2.1' */
  section: string;
  title: string;
}

export interface CiteRef {
  rfc: number;
  section: string;
}

const SECTIONS: readonly RfcSection[] = Object.freeze(
  (sections as { rfc: number; section: string; title: string }[]).map((s) => Object.freeze({ ...s, rfc: s.rfc as ScimRfc })),
);

const key = (rfc: number, section: string) => `${rfc}:${section}`;
const BY_KEY: ReadonlyMap<string, RfcSection> = new Map(SECTIONS.map((s) => [key(s.rfc, s.section), s]));

/** Every indexed section, in document order (RFC 7643 first). */
export function allSections(): readonly RfcSection[] {
  return SECTIONS;
}

/** True when `section` (e.g. '3.5.2.1', no '§', no trailing dot) is a numbered section of that RFC. */
export function isKnownSection(rfc: number, section: string): boolean {
  return BY_KEY.has(key(rfc, section));
}

/** The section's title as the RFC's table of contents gives it, or undefined when unknown. */
export function sectionTitle(rfc: number, section: string): string | undefined {
  return BY_KEY.get(key(rfc, section))?.title;
}

/** The rfc-editor.org link to the section (the RFC's own anchor scheme: #section-3.5.2.1). */
export function citationUrl(rfc: number, section: string): string {
  return `https://www.rfc-editor.org/rfc/rfc${rfc}#section-${section}`;
}

/** The form report.json and console output use: 'RFC7644 §3.5.2.1'. */
export function formatCite(cite: CiteRef): string {
  return `RFC${cite.rfc} §${cite.section}`;
}

/** The cites among `cites` that name no indexed section (for validating checks when they load). */
export function unknownCites<T extends CiteRef>(cites: readonly T[]): T[] {
  return cites.filter((c) => !isKnownSection(c.rfc, c.section));
}
