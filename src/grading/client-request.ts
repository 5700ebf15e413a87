/**
 * The client-side grader (issue 14): what one request a SCIM client sent does against RFC 7643/7644, as
 * findings. Pure: no I/O, no clock. `scimcheck serve --grade-clients` grades every request the reference
 * provider receives; `scimcheck proxy` grades the requests it forwards, against the target's schemas.
 *
 * Covered: the body's media type (RFC 7644 §3.8), `schemas` per endpoint (resources RFC 7643 §3, PatchOp
 * §3.5.2, SearchRequest §3.4.3, BulkRequest §3.7), PATCH op names, paths and mutability (§3.5.2), filter
 * syntax (§3.4.2.2 Figure 1), readOnly attributes and client-chosen ids (RFC 7643 §3.1, RFC 7644 §3.3,
 * §3.5.1), the Bulk shape (§3.7) and If-Match forms (§3.14, RFC 7232). Levels: client-rules.ts.
 */
import type { SchemaRegistry } from '../scim/schema-registry.ts';
import { gradeBody, gradeFilter } from './client-body.ts';
import { gradeBulkBody } from './client-bulk.ts';
import { gradeContentType, gradeIfMatch } from './client-headers.ts';
import { routeOf } from './client-route.ts';
import type { Finding, GradedRequest } from './finding.ts';

export { recogniseClient, type ClientRecognition } from './client-profile.ts';
export { CLIENT_RULES, type ClientRuleId } from './client-rules.ts';

export interface ClientGradingContext {
  /** The target's schemas and resource types (the provider's own, or what a proxied target's discovery said). */
  registry: SchemaRegistry;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function gradeClientRequest(req: GradedRequest, ctx: ClientGradingContext): Finding[] {
  const method = req.method.toUpperCase();
  const route = routeOf(req.path, ctx.registry);
  const out: Finding[] = [];
  const hasBody = req.rawBody !== undefined && req.rawBody.trim() !== '';
  if (hasBody || req.bodyUnread) out.push(...gradeContentType(req));
  const ifMatch = req.headers['if-match'];
  if (ifMatch !== undefined) out.push(...gradeIfMatch(ifMatch, 'If-Match'));
  // RFC 7644 §3.4.2.2: the filter of a GET on a resource type's endpoint (or the server root).
  if (method === 'GET' && req.query.filter !== undefined) out.push(...gradeFilter(req.query.filter, 'the "filter" parameter'));
  if (!BODY_METHODS.has(method) || req.bodyUnread) return out;
  // A body that is absent or no JSON holds no "schemas": each endpoint's own rule says so.
  const body = hasBody ? req.body : undefined;
  if (route.kind === 'bulk' && method === 'POST') out.push(...gradeBulkBody(body, ctx));
  else out.push(...gradeBody(method, route, body, ctx).map((f) => (hasBody && req.body === undefined ? { ...f, message: `the body is not JSON: ${f.message}` } : f)));
  return out;
}
