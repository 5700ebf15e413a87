/** The headers of a client's request: the body's media type (RFC 7644 §3.8) and If-Match forms (RFC 7644 §3.14, RFC 7232). */
import { clientFinding } from './client-rules.ts';
import type { Finding, GradedRequest } from './finding.ts';

const SCIM_JSON = 'application/scim+json';

/** RFC 7644 §3.8 (media type of a body). */
export function gradeContentType(req: GradedRequest): Finding[] {
  const header = req.headers['content-type'];
  if (header === undefined || header.trim() === '') return [clientFinding('client.content-type.missing', `a ${req.method} with a body and no Content-Type (the SCIM media type is ${SCIM_JSON})`)];
  const media = header.split(';')[0]!.trim().toLowerCase();
  if (media === SCIM_JSON) return [];
  if (media === 'application/json') return [clientFinding('client.content-type.plain-json', `Content-Type: ${header}: accepted by every SCIM server, though the SCIM media type is ${SCIM_JSON} (RFC 7644 §8.1)`)];
  // Refused unread: whatever the body was, a SCIM body is JSON and this label says it is not.
  if (req.bodyUnread) return [clientFinding('client.content-type.not-json', `a body sent as Content-Type: ${header} (refused unread; SCIM bodies are JSON: use ${SCIM_JSON})`)];
  // A body that is not JSON either is labelled honestly; what is wrong with it is said by the endpoint's rules.
  if (req.body === undefined) return [];
  return [clientFinding('client.content-type.not-json', `a JSON body sent as Content-Type: ${header}, a format it is not in (use ${SCIM_JSON})`)];
}

// RFC 7232 §3.1: If-Match = "*" / 1#entity-tag; entity-tag = [ W/ ] DQUOTE *etagc DQUOTE.
const ENTITY_TAG = String.raw`(?:W\/)?"[\x21\x23-\x7e\x80-\uffff]*"`;
const IF_MATCH = new RegExp(String.raw`^\s*(?:\*|${ENTITY_TAG}(?:\s*,\s*${ENTITY_TAG})*)\s*$`);

/** `where` names the header or, in a Bulk operation, its "version". */
export function gradeIfMatch(value: string, where: string): Finding[] {
  if (IF_MATCH.test(value)) return [];
  return [clientFinding('client.if-match.form', `${where}: ${value} is no entity-tag list: the ETag goes in double quotes, as the service provider sent it (e.g. W/"3694e05e"), or *`)];
}
