/**
 * Keeping the IdP on the proxy (issue 14): URLs in the target's answers that point at the target's origin are
 * rewritten to the proxy's, so the client's next request (a redirect followed, a `meta.location` or a Bulk
 * `location` used as the resource's address, a `$ref` followed) comes through the proxy again. Pure functions.
 */

/** Headers whose value is a URL the client may follow (RFC 9110 §10.2.2 Location, §8.7 Content-Location). */
export const URL_HEADERS = ['location', 'content-location'] as const;

/** JSON keys whose string values are addresses of resources: meta.location and Bulk `location` (RFC 7644 §3.7.3), `$ref` (RFC 7643 §2.3.7). */
const URL_KEYS = new Set(['location', '$ref']);

/** `value` with the target origin swapped for the proxy's, when it starts with it; otherwise undefined. */
export function rewriteUrl(value: string, from: string, to: string): string | undefined {
  if (value === from || value.startsWith(`${from}/`) || value.startsWith(`${from}?`)) return `${to}${value.slice(from.length)}`;
  // Origins compare case-insensitively in scheme and host (RFC 3986 §6.2.2.1).
  const lowerValue = value.slice(0, from.length).toLowerCase();
  if (lowerValue === from.toLowerCase() && (value.length === from.length || '/?'.includes(value[from.length] as string))) return `${to}${value.slice(from.length)}`;
  return undefined;
}

/** A deep copy of a JSON value with every `location` / `$ref` string on the target's origin rewritten; `changed` counts them. */
export function rewriteJson(value: unknown, from: string, to: string): { value: unknown; changed: number } {
  let changed = 0;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const next = typeof x === 'string' && URL_KEYS.has(k.toLowerCase()) ? rewriteUrl(x, from, to) : undefined;
      if (next !== undefined) changed++;
      // defineProperty: a `__proto__` key in the target's JSON stays a plain key.
      Object.defineProperty(out, k, { value: next ?? walk(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  const out = walk(value);
  return { value: changed > 0 ? out : value, changed };
}
