/**
 * Which JSON media type an answer is labelled with, from the request's Accept header (RFC 7231 §5.3.2), for
 * the `json-when-accepted` variant. RFC 7644 §3.8: providers MUST support "Accept: application/scim+json" and
 * SHOULD support "Accept: application/json"; both name the same JSON document, so the label follows what the
 * client prefers between the two, and application/scim+json whenever it is not clearly outranked.
 */
import type { ScimAnswer } from './scim-request.ts';

export const PLAIN_JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

interface MediaRange {
  type: string;
  q: number;
  position: number;
}

/** The media ranges of an Accept header with their q-values (RFC 7231 §5.3.1: q defaults to 1, 0 means "not acceptable"). */
export function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part, position) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim());
      let q = 1;
      for (const p of params) {
        const m = /^q\s*=\s*([0-9.]+)$/i.exec(p);
        if (m) q = Math.min(1, Math.max(0, Number(m[1]) || 0));
      }
      return { type: type.toLowerCase(), q, position };
    })
    .filter((r) => r.type !== '');
}

/**
 * True when the client prefers application/json to application/scim+json: it names application/json with
 * q > 0 and either does not name application/scim+json at all (wildcards do not count: the client asked for
 * the plain type by name), or gives it a lower q, or the same q but later in the header. No Accept, `*\/*`
 * alone, or application/scim+json first all keep application/scim+json (RFC 7644 §3.8: the default format).
 */
export function prefersPlainJson(accept: string | null): boolean {
  if (accept === null || accept.trim() === '') return false;
  const ranges = parseAccept(accept);
  const json = ranges.find((r) => r.type === 'application/json');
  if (!json || json.q === 0) return false;
  const scim = ranges.find((r) => r.type === 'application/scim+json');
  if (!scim) return true;
  return json.q > scim.q || (json.q === scim.q && json.position < scim.position);
}

/**
 * Relabels an answer the provider built as application/scim+json, leaving other labels (a fault's
 * text/plain) alone. The answer's header record is its own (http.ts builds one per answer), so it is edited in place.
 */
export function labelAsPlainJson(res: ScimAnswer): ScimAnswer {
  for (const name of Object.keys(res.headers)) {
    if (name.toLowerCase() === 'content-type' && res.headers[name]!.toLowerCase().startsWith('application/scim+json')) res.headers[name] = PLAIN_JSON_CONTENT_TYPE;
  }
  return res;
}
