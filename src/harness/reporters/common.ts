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
