/**
 * Reading SCIM JSON: case-insensitive attribute lookup and small value predicates. Pure functions.
 */

/** RFC 7643 §2.1: attribute names are case-insensitive, so read them that way. */
export function attr(obj: unknown, name: string): any {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  if (name in rec) return rec[name];
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(rec)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** Reads a dotted path (`meta.location`, `name.givenName`) case-insensitively. */
export function attrPath(obj: unknown, path: string): any {
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = attr(cur, part);
  return cur;
}

/** True when the object has the attribute (any case) with a value other than null / [] (RFC 7643 §2.5). */
export function hasAttr(obj: unknown, name: string): boolean {
  const v = attr(obj, name);
  if (v === undefined || v === null) return false;
  if (Array.isArray(v) && v.length === 0) return false;
  return true;
}

/** The extension object of a resource, keyed by its schema URN (RFC 7643 §3.3), looked up case-insensitively. */
export function extension(obj: unknown, urn: string): any {
  return attr(obj, urn);
}

/** A multi-valued attribute (emails, members, …) as an array ([] when absent). */
export function multi(obj: unknown, name: string): any[] {
  const v = attr(obj, name);
  return Array.isArray(v) ? v : [];
}

/** The member ids of a Group (RFC 7643 §4.2 members.value). */
export function memberIds(group: unknown): string[] {
  return multi(group, 'members')
    .map((m) => attr(m, 'value'))
    .filter((v): v is string => typeof v === 'string');
}

export function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** True when any key named `password` (any case) appears anywhere in the JSON value. */
export function containsPassword(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsPassword);
  if (value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.toLowerCase() === 'password') return true;
    if (containsPassword(v)) return true;
  }
  return false;
}

/** Same members regardless of order, no duplicates in `a`. */
export function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && new Set(a).size === a.length && b.every((x) => a.includes(x));
}

/** An ISO 8601 / xsd:dateTime string (RFC 7643 §2.3.5). */
export function isDateTime(v: unknown): boolean {
  return (
    typeof v === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
    !Number.isNaN(Date.parse(v))
  );
}

/** True for an absolute http(s) URL. */
export function isAbsoluteUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Compares two URLs ignoring a trailing slash and host case. */
export function sameUrl(a: string, b: string): boolean {
  try {
    const ua = new URL(a);
    const ub = new URL(b);
    const norm = (u: URL) => `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/$/, '')}${u.search}`;
    return norm(ua) === norm(ub);
  } catch {
    return a === b;
  }
}
