/** Small helpers every reporter shares: citation links from the report's `rfc` text, grouping, formatting. */
import type { CheckResult, Status } from '../check.ts';
import { citationUrl } from '../../scim/citations.ts';

export const STATUSES: readonly Status[] = ['passed', 'failed', 'warned', 'skipped', 'errored'];

/** 'RFC7644 §3.5.2.1' → the rfc-editor.org link; undefined when the text is not a citation. */
export function citeLink(rfc: string): string | undefined {
  const m = /^RFC\s?(\d{4})\s*§\s*([\d.]+?)\.?$/.exec(rfc.trim());
  return m ? citationUrl(Number(m[1]), m[2] as string) : undefined;
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** A value for display: strings as they are, everything else as compact JSON, clipped. */
export function show(v: unknown, max = 2000): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v, null, 2) ?? String(v);
  return s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s;
}

export function isProblem(r: CheckResult): boolean {
  return r.status === 'failed' || r.status === 'errored' || r.status === 'warned';
}

/** Area of a result; scenario/property results may leave it out. */
export function areaOf(r: CheckResult): string {
  return r.area || r.suite;
}

/** Conformance areas in the order a reader meets them (discovery first, security last). */
const AREA_ORDER = [
  'discovery', 'auth', 'users', 'uniqueness', 'validation', 'content-type', 'errors', 'filter', 'paging', 'sort',
  'projection', 'search', 'patch', 'groups', 'etag', 'bulk', 'security',
];

/**
 * The group a result is counted and listed under, the same in every report (issue 12: the console folded the
 * property results into the conformance areas while the HTML listed them apart): a conformance check's area,
 * `scenarios · <profile>` for a scenario, `properties` for a property suite result.
 */
export function groupOf(r: Pick<CheckResult, 'suite' | 'area' | 'profile'>): string {
  if (r.suite === 'scenarios') return `scenarios · ${r.profile ?? 'any'}`;
  if (r.suite === 'properties') return 'properties';
  return r.area || r.suite;
}

/** Sort key of a group: the conformance areas in reading order, other areas, the scenarios, the properties. */
export function groupRank(name: string): [number, string] {
  const i = AREA_ORDER.indexOf(name);
  if (i >= 0) return [i, name];
  if (name.startsWith('scenarios')) return [AREA_ORDER.length + 1, name];
  if (name === 'properties') return [AREA_ORDER.length + 2, name];
  return [AREA_ORDER.length, name];
}

export function compareGroups(a: string, b: string): number {
  const [ra, na] = groupRank(a);
  const [rb, nb] = groupRank(b);
  return ra - rb || na.localeCompare(nb);
}

/** Results by groupOf, the groups in groupRank order, each group's results in their report order. */
export function groupResults<T extends Pick<CheckResult, 'suite' | 'area' | 'profile'>>(results: readonly T[]): Map<string, T[]> {
  return new Map([...groupBy(results, groupOf)].sort(([a], [b]) => compareGroups(a, b)));
}
