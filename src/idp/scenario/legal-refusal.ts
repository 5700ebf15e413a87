/**
 * When the target refuses an IdP's request, was that the target's right? An IdP's real wire habit (a filter
 * form, an attribute its mapping sends, a documented quirk) may meet a server that legally refuses it. That is
 * not the server failing SCIM: the scenario step is then "not applicable" and says why, so the integrator
 * learns that this IdP, set up this way, will not work against their server, without a false failure.
 */
import { isPlainObject } from '../../scim/resource-access.ts';
import type { IdpRequest, IdpResponse } from '../http.ts';
import type { TargetSchema } from './target-schema.ts';

/** Keys of a resource body that are not attributes a client writes (RFC 7643 §3: schemas; §3.1: id, meta are readOnly). */
const NOT_WRITTEN = new Set(['schemas', 'id', 'meta']);


/** The attribute paths a resource body (POST / PUT) or a path-less PATCH value writes. */
function pathsInValue(value: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (NOT_WRITTEN.has(k.toLowerCase())) continue;
    // RFC 7643 §3.3: an extension's attributes sit in an object under its URN.
    if (/^urn:/i.test(k) && isPlainObject(v)) {
      for (const sub of Object.keys(v)) out.push(`${k}:${sub}`);
      continue;
    }
    out.push(k);
  }
  return out;
}

/** Every attribute path a request writes (PATCH paths and path-less values, POST / PUT bodies). */
export function writtenPaths(req: IdpRequest): string[] {
  const body = req.body;
  if (!isPlainObject(body)) return [];
  if (req.method === 'PATCH') {
    const ops = Array.isArray(body.Operations) ? body.Operations : [];
    return ops.flatMap((op: unknown) => {
      if (!isPlainObject(op)) return [];
      if (typeof op.path === 'string') return [op.path];
      return isPlainObject(op.value) ? pathsInValue(op.value) : [];
    });
  }
  return req.method === 'POST' || req.method === 'PUT' ? pathsInValue(body) : [];
}

function resourceTypeOf(req: IdpRequest): 'User' | 'Group' {
  return /^\/Groups(\/|$)/i.test(req.path) ? 'Group' : 'User';
}

const shown = (list: string[]) => list.map((p) => `'${p.replace(/^urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User:/, 'enterprise:')}'`).join(', ');

/**
 * The reason a refusal is the target's legal choice, or undefined when the refusal is a failure.
 * `contentType` is the Content-Type the IdP sends.
 */
export function legalRefusal(req: IdpRequest, res: IdpResponse, schema: TargetSchema, idp: { title: string; contentType: string }): string | undefined {
  const scimType = typeof res.json?.scimType === 'string' ? res.json.scimType : undefined;
  const answer = `${req.method} ${req.path} → ${res.status}${scimType ? ` ${scimType}` : ''}`;
  const filter = req.query?.filter;
  // RFC 7644 §3.12 invalidFilter: "the specified attribute and filter comparison combination is not supported";
  // 501: "Service provider does not support the request operation".
  if (filter !== undefined && ((res.status === 400 && (scimType === undefined || scimType === 'invalidFilter')) || res.status === 501)) {
    return `the target does not support the filter ${filter} that ${idp.title} sends (${answer}); RFC 7644 §3.12 lets a service provider refuse a filter it does not support, so this is not a failure, but ${idp.title} set up this way cannot provision to it`;
  }
  if (req.method === 'PATCH' && res.status === 400 && scimType === 'invalidFilter') {
    const paths = writtenPaths(req).filter((p) => p.includes('['));
    if (paths.length) return `the target does not support the value filter in ${shown(paths)} that ${idp.title} sends (${answer}); RFC 7644 §3.12 lists invalidFilter for an unsupported path filter`;
  }
  // RFC 7644 §3.8: a service provider SHOULD (not MUST) accept application/json besides application/scim+json.
  if (res.status === 415 && req.body !== undefined && !/^application\/scim\+json/i.test(idp.contentType)) {
    return `the target refuses the Content-Type ${idp.contentType} that ${idp.title} sends (${answer}); RFC 7644 §8.1 only says a service provider SHOULD accept application/json`;
  }
  if (res.status !== 400) return undefined;
  const type = resourceTypeOf(req);
  const written = writtenPaths(req);
  const undeclared = written.filter((p) => !schema.declares(p, type));
  if (undeclared.length) {
    return `${idp.title} writes ${shown(undeclared)}, which the target's ${type} schema does not declare (${answer}); RFC 7643 requires only userName, and refusing an attribute it does not have is the target's right (RFC 7644 §3.5.2 invalidPath): map only attributes the target declares`;
  }
  if (req.method === 'PATCH' && scimType === 'mutability') {
    const fixed = written.filter((p) => !schema.writable(p, type));
    if (fixed.length) return `${idp.title} writes ${shown(fixed)}, which the target declares readOnly or immutable (${answer}); RFC 7644 §3.5.2 makes that a 400 mutability`;
  }
  if (req.quirk) return `${idp.title} ${req.quirk}, and the target refuses it (${answer}); that is the target's right, but ${idp.title} set up this way cannot complete this step against it`;
  return undefined;
}
